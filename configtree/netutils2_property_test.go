package configtree

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"
)

// vendorConfigs lists the configurations written for the comware, panos,
// exos, routeros and netiron dialects, with their dialect.
func vendorConfigs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	folders := map[string]string{"testdata/exos": DialectEXOS}
	for f, d := range netutils2Dialects {
		folders[filepath.Join(netutils2Dir, f)] = d
	}
	for dir, d := range folders {
		confs, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
		for _, c := range confs {
			out[c] = d
		}
	}
	if len(out) < 15 {
		t.Fatalf("%d vendor configurations, want at least 15", len(out))
	}
	return out
}

// vendorExpressions are match expressions exercised on every vendor
// configuration.
var vendorExpressions = []string{"*", ".*", "*||*", "interface .*||.*", "vlan .*", "set .*", "/ip .*", "configure vlan .*",
	"bgp .*||address-family .*||.*", "router bgp||neighbor .*", "header .*||.*"}

// TestVendorSliceProperties: on every vendor configuration, "*" slices the
// whole emitted configuration, slicing a slice gives it again, the
// streaming slice equals the tree selection, emit+parse keeps every
// statement and its parents, and the JSON slice lists the same statements.
func TestVendorSliceProperties(t *testing.T) {
	c := vendorConfigs(t)
	paths := make([]string, 0, len(c))
	for p := range c {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		d := c[path]
		src := readConfig(t, path)
		tree, err := ParseString(string(src), d)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		again, err := ParseString(tree.String(), d)
		if err != nil {
			t.Fatalf("%s: reparse: %v", path, err)
		}
		if a, b := shape(tree), shape(again); len(a) != len(b) || tree.String() != again.String() {
			t.Errorf("%s: emit+parse changed the tree (%d → %d entries)", path, len(a), len(b))
		} else {
			for i := range a {
				if a[i] != b[i] {
					t.Errorf("%s: entry %d changed after emit+parse: %q → %q", path, i, a[i], b[i])
					break
				}
			}
		}
		selected := 0
		for _, e := range vendorExpressions {
			m := MustParseMatch(e)
			once, err := SliceText(src, d, m)
			if err != nil {
				t.Fatal(err)
			}
			if (e == "*" || e == ".*") && once != tree.String() {
				t.Errorf("%s: slice %q is not the whole configuration", path, e)
			}
			twice, err := SliceText([]byte(once), d, m)
			if err != nil || twice != once {
				t.Errorf("%s %q: slice of the slice differs (%v)", path, e, err)
			}
			sub, err := SliceTree(tree, m)
			if err != nil || sub.String() != once {
				t.Errorf("%s %q: SliceTree and Slice disagree (%v)", path, e, err)
			}
			var js []Entry
			var buf bytes.Buffer
			res, err := Slice(&buf, bytes.NewReader(src), SliceOptions{Dialect: d, JSON: true}, m)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(buf.Bytes(), &js); err != nil {
				t.Fatalf("%s %q: JSON slice: %v", path, e, err)
			}
			statements := 0
			for _, en := range js {
				if !en.Close {
					statements++
				}
			}
			if statements != sub.Len() || res.Statements != statements {
				t.Errorf("%s %q: JSON lists %d statements, the slice has %d (result says %d)", path, e, statements, sub.Len(), res.Statements)
			}
			if e != "*" && e != ".*" && e != "*||*" {
				selected += statements
			}
		}
		if selected == 0 {
			t.Errorf("%s: no expression selected anything specific", path)
		}
	}
}
