package remediation

import (
	"fmt"
	"strings"
	"testing"
)

// hierConfigText prints a remediation the way hier_config's dump_simple
// does: two spaces per level whatever the dialect's indentation, no
// sectional exits, a newline after every line (a lone newline when empty).
func hierConfigText(r *Result) string {
	var b strings.Builder
	for i, c := range r.Commands {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat("  ", c.Depth))
		b.WriteString(c.Text)
	}
	b.WriteByte('\n')
	return b.String()
}

// TestAgainstHierConfig compares μNet's remediation and rollback with
// hier_config's on every committed case.
func TestAgainstHierConfig(t *testing.T) {
	type tally struct{ same, documented, total int }
	counts := map[string]*tally{}
	var order []string
	undocumented := 0
	for _, c := range loadCorpus(t) {
		if !c.hasReference {
			continue
		}
		rules, err := Builtin(c.dialect)
		if err != nil {
			t.Fatal(err)
		}
		running, intended := parseCase(t, c, c.running), parseCase(t, c, c.intended)
		if counts[c.dialect] == nil {
			counts[c.dialect] = &tally{}
			order = append(order, c.dialect)
		}
		n := counts[c.dialect]
		for _, rollback := range []bool{false, true} {
			res, err := Remediate(running, intended, Options{Dialect: c.dialect, Rules: rules, Rollback: rollback})
			if err != nil {
				t.Fatalf("%s: %v", c.name(), err)
			}
			got, want, what := hierConfigText(res), c.remediation, "remediation"
			if rollback {
				want, what = c.rollback, "rollback"
			}
			n.total++
			if got == want {
				n.same++
				continue
			}
			undocumented++
			if undocumented <= 15 {
				t.Errorf("%s %s differs from hier_config's\n--- μNet\n%s--- hier_config\n%s--- changes: %s", c.name(), what, got, want, strings.Join(changesOf(c), ", "))
			}
		}
	}
	for _, d := range order {
		n := counts[d]
		t.Logf("%-9s %4d of %4d outputs identical to hier_config's, %d in documented difference classes", d, n.same, n.total, n.documented)
	}
	if undocumented > 0 {
		t.Errorf("%d outputs differ from hier_config's outside the documented classes", undocumented)
	}
}

func changesOf(c corpusCase) []string {
	p, err := remgenPair(c)
	if err != nil {
		return []string{fmt.Sprint(err)}
	}
	return p.Changes
}
