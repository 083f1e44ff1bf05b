package configtree

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEXOSExpected compares the parse of each EXOS configuration with its
// hand-checked expectation: netutils has no EXOS parser, so there is no
// third-party reference. Every command is a top-level statement.
func TestEXOSExpected(t *testing.T) {
	confs, _ := filepath.Glob("testdata/exos/*.conf")
	if len(confs) < 3 {
		t.Fatalf("%d EXOS configurations, want at least 3", len(confs))
	}
	total := 0
	for _, c := range confs {
		r := nu2Compare(t, "exos/"+filepath.Base(c), DialectEXOS, c, nil)
		for _, u := range r.unexpected {
			t.Error(u)
		}
		if r.identical != r.total || r.total < 50 {
			t.Errorf("%s: %d of %d identical", r.name, r.identical, r.total)
		}
		total += r.total
	}
	t.Logf("exos: %d statements in %d configurations, all identical to the hand-checked expectation", total, len(confs))
}

func TestEXOSStructure(t *testing.T) {
	src := "#\n# Module vlan configuration.\n#\ncreate vlan \"users\"\n\n  configure vlan users tag 10\nconfigure vlan users add ports 1-4 untagged\n"
	tree, err := ParseString(src, DialectEXOS)
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, entryLines(t, src, DialectEXOS), []string{
		"0|create vlan \"users\"|",
		"0|  configure vlan users tag 10|",
		"0|configure vlan users add ports 1-4 untagged|",
	})
	if st := tree.Statements[1]; st.Key != "configure vlan users tag 10" || st.Line != 6 {
		t.Errorf("statement 2: key %q line %d", st.Key, st.Line)
	}
	raw, _ := json.Marshal(tree.Entries())
	if strings.Contains(string(raw), "Module") {
		t.Error("comment lines became statements")
	}
}

func TestEXOSSlice(t *testing.T) {
	src, err := os.ReadFile("testdata/exos/core_x690.conf")
	if err != nil {
		t.Fatal(err)
	}
	got, err := SliceText(src, DialectEXOS, MustParseMatch("configure vlan srv-101 .*"))
	if err != nil {
		t.Fatal(err)
	}
	want := "configure vlan srv-101 tag 101\nconfigure vlan srv-101 add ports 1-16,49 tagged\nconfigure vlan srv-101 ipaddress 10.101.0.2 255.255.255.0\n"
	if got != want {
		t.Errorf("slice:\n%s\nwant:\n%s", got, want)
	}
}
