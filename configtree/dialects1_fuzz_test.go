package configtree

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzBlockDialects are the dialects exercised by FuzzParseBlockDialects
// (selected by index).
var fuzzBlockDialects = []string{DialectFortiOS, DialectSROS, DialectRADETX, DialectOnyx}

// FuzzParseBlockDialects feeds arbitrary text to the FortiOS, SR OS, RAD ETX
// and Onyx parsers, seeded with the beginnings of the configurations of
// testdata/netutils: a parse never panics, fails only with a positioned
// error, and a tree survives emit→parse unchanged and slices the same
// streamed or from the tree.
func FuzzParseBlockDialects(f *testing.F) {
	seeds := []string{
		"config system global\n    set hostname \"a\"\nend\nconfig firewall policy\n    edit 1\n        set name \"x\"\n    next\nend\n",
		"config a\n    set buffer \"multi\nline \\\" quote\"\nend\n",
		"config a\nedit 1\nend\nnext\n",
		"exit all\nconfigure\necho \"System\"\n    system\n        name \"r\"\n    exit\nexit all\n",
		"    configure\n        system\n            name \"x\"\n        exit\n    exit\n",
		"   vlan 10\n   banner login \"\nhello\n\"\n## section\n# secret\n",
		"a\n  exit\nexit\n    exit all\n",
	}
	for _, s := range seeds {
		for i := range fuzzBlockDialects {
			f.Add(uint8(i), s)
		}
	}
	for i, d := range fuzzBlockDialects {
		for folder, nf := range netutils1Folders {
			if nf.dialect != d {
				continue
			}
			confs, _ := filepath.Glob(filepath.Join(netutils1Dir, folder, "*.conf"))
			for _, c := range confs {
				b, err := os.ReadFile(c)
				if err != nil {
					f.Fatal(err)
				}
				// The first lines only: small seeds keep the minimisation
				// of new inputs quick.
				lines := strings.SplitAfter(string(b), "\n")
				f.Add(uint8(i), strings.Join(lines[:min(len(lines), 60)], ""))
			}
		}
	}
	f.Fuzz(func(t *testing.T, di uint8, src string) {
		dialect := fuzzBlockDialects[int(di)%len(fuzzBlockDialects)]
		tree, err := ParseString(src, dialect)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		emitted := tree.String()
		again, err := ParseString(emitted, dialect)
		if err != nil {
			t.Fatalf("emitted text does not parse: %v\n%q", err, emitted)
		}
		if again.Len() != tree.Len() || again.String() != emitted {
			t.Fatalf("emit+parse changed the tree (%d → %d statements)\n%q\n%q", tree.Len(), again.Len(), emitted, again.String())
		}
		for _, e := range []string{"*||.*", "[a-m].*||[^ ]*", "e.*||*||*"} {
			m := MustParseMatch(e)
			streamed, err := SliceString(src, dialect, m)
			if err != nil {
				t.Fatalf("slice failed after parse succeeded: %v", err)
			}
			sub, _ := SliceTree(tree, m)
			if sub.String() != streamed {
				t.Fatalf("%q: streaming slice %q differs from tree slice %q", e, streamed, sub.String())
			}
		}
	})
}
