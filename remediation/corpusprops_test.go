package remediation

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/configtree"
)

// corpusPairs returns the running/intended pairs of the committed corpus
// for a dialect.
func corpusPairs(t *testing.T, dialect string) [][2]*configtree.Tree {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "hierconfig", dialect, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]*configtree.Tree
	for _, dir := range dirs {
		var pair [2]*configtree.Tree
		for i, f := range []string{"running.cfg", "intended.cfg"} {
			data, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if pair[i], err = configtree.ParseString(string(data), dialect); err != nil {
				t.Fatalf("%s/%s: %v", dir, f, err)
			}
		}
		out = append(out, pair)
	}
	if len(out) == 0 {
		t.Fatalf("no corpus for %s", dialect)
	}
	return out
}

// On every corpus pair: the rollback is the remediation with the files
// swapped, a configuration needs nothing to become itself, stats count the
// commands, and a match restricts the commands to the selected sections.
func TestCorpusRemediationProperties(t *testing.T) {
	matchers := map[string]string{"junos": "interfaces||*", "junos-set": "interfaces||*"}
	for _, d := range []string{"ios", "nxos", "eos", "iosxr", "junos-set", "junos"} {
		expr := matchers[d]
		if expr == "" {
			expr = "interface .*||*"
		}
		m := configtree.MustParseMatch(expr)
		matched := 0
		for i, p := range corpusPairs(t, d) {
			fwd, err := Remediate(p[0], p[1], Options{Dialect: d, Rollback: true})
			if err != nil {
				t.Fatal(err)
			}
			swapped, err := Remediate(p[1], p[0], Options{Dialect: d})
			if err != nil {
				t.Fatal(err)
			}
			if fwd.Text() != swapped.Text() {
				t.Errorf("%s/%03d: rollback differs from the swapped remediation", d, i)
			}
			same, err := Remediate(p[0], p[0], Options{Dialect: d})
			if err != nil {
				t.Fatal(err)
			}
			if len(same.Commands) != 0 {
				t.Errorf("%s/%03d: %d commands to turn a configuration into itself", d, i, len(same.Commands))
			}
			n := 0
			for _, c := range fwd.Commands {
				if c.Reason != ReasonContext {
					n++
				}
			}
			total := 0
			for _, v := range fwd.Stats {
				total += v
			}
			if total != n {
				t.Errorf("%s/%03d: stats count %d commands, %d listed", d, i, total, n)
			}
			sub, err := Remediate(p[0], p[1], Options{Dialect: d, Match: []*configtree.Match{m}})
			if err != nil {
				t.Fatal(err)
			}
			matched += len(sub.Commands)
			for _, c := range sub.Commands {
				top := c.Text
				if len(c.Parents) > 0 {
					top = c.Parents[0]
				}
				if !strings.Contains(top, "interface") {
					t.Errorf("%s/%03d: %q is outside the matched sections", d, i, c.Text)
				}
			}
		}
		if matched == 0 {
			t.Errorf("%s: the match selected no command in the whole corpus", d)
		}
	}
}
