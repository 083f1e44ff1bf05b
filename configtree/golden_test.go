package configtree

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// goldenExpressions are realistic slices per dialect.
var goldenExpressions = map[string][]string{
	DialectIOS: {
		`interface (Gigabit|Fast)Ethernet.*||.*`,
		`ip access-list .*`,
		`access-list .*`,
		`line vty .*||.*`,
		`interface .*||ip address .*`,
	},
	DialectNXOS: {
		`interface Ethernet[0-9]+/[0-9]+||.*`,
		`router bgp .*||neighbor .*`,
		`vrf context .*||ip route .*`,
		`interface Vlan.*||ip address .*`,
	},
	DialectEOS: {
		`interface Ethernet.*||.*`,
		`router bgp .*||neighbor .*`,
		`ip prefix-list .*`,
		`route-map .*||*`,
	},
	DialectIOSXR: {
		`interface (TenGigE|HundredGigE).*||.*`,
		`router bgp .*||neighbor .*`,
		`route-policy .*`,
		`prefix-set PS-IPV.*`,
		`ipv4 access-list .*`,
	},
	DialectJunos: {
		`system||ntp`,
		`interfaces||ge-.*`,
		`system||services||*`,
		`protocols||.*||interface .*`,
		`routing-options||static||route .*`,
		`snmp||community .*||clients`,
	},
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9]+`)

func goldenName(expr string) string {
	return strings.Trim(unsafeName.ReplaceAllString(expr, "_"), "_")
}

// TestGoldenSlices slices every sample configuration with realistic
// expressions and compares with testdata/golden (go test -update rewrites).
func TestGoldenSlices(t *testing.T) {
	for path, dialect := range sampleConfigs(t) {
		src := readConfig(t, path)
		for _, expr := range goldenExpressions[dialect] {
			m := MustParseMatch(expr)
			got, err := SliceText(src, dialect, m)
			if err != nil {
				t.Fatalf("%s %q: %v", path, expr, err)
			}
			golden := filepath.Join("testdata", "golden", filepath.Base(filepath.Dir(path)), filepath.Base(path)+"__"+goldenName(expr)+".txt")
			checkGolden(t, golden, "# "+expr+"\n"+abbreviate(got))
		}
	}
}

// TestGoldenFixtures slices the small hand-written fixtures in
// testdata/fixtures: each NAME.DIALECT.cfg has NAME.DIALECT.exprs (one
// expression per line) and golden outputs.
func TestGoldenFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "fixtures", "*.cfg"))
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata/fixtures")
	}
	for _, f := range files {
		base := strings.TrimSuffix(f, ".cfg")
		dialect := filepath.Ext(base)[1:]
		src, _ := os.ReadFile(f)
		exprs, err := os.ReadFile(base + ".exprs")
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		for _, e := range strings.Split(strings.TrimSpace(string(exprs)), "\n") {
			got, err := SliceText(src, dialect, MustParseMatch(e))
			if err != nil {
				t.Fatalf("%s %q: %v", f, e, err)
			}
			out.WriteString("# " + e + "\n" + got)
		}
		checkGolden(t, base+".golden", out.String())
	}
}

// abbreviate keeps golden files small: outputs over 32 KiB are recorded as
// their SHA-256, size and first 40 lines.
func abbreviate(s string) string {
	if len(s) <= 32<<10 {
		return s
	}
	lines := strings.SplitAfter(s, "\n")
	return fmt.Sprintf("# sha256 %x, %d bytes, %d lines; first 40 lines:\n", sha256.Sum256([]byte(s)), len(s), strings.Count(s, "\n")) +
		strings.Join(lines[:40], "")
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output:\n%s", path, got)
	}
}
