package remediation

import (
	"strings"
	"testing"
)

// TestCorpusPredictionProperty checks, on every committed case of every
// dialect (curly-brace JunOS included), that the device configuration
// predicted from running and the remediation is intended, and the one
// predicted from intended and the rollback is running, up to the
// dialect's ordering rules. The commands are predicted as WriteText prints
// them and again with their sectional exits.
func TestCorpusPredictionProperty(t *testing.T) {
	type tally struct{ cases, commands int }
	counts := map[string]*tally{}
	var order []string
	failures := 0
	for _, c := range loadCorpus(t) {
		rules, err := Builtin(c.dialect)
		if err != nil {
			t.Fatal(err)
		}
		if counts[c.dialect] == nil {
			counts[c.dialect] = &tally{}
			order = append(order, c.dialect)
		}
		counts[c.dialect].cases++
		running, intended := parseCase(t, c, c.running), parseCase(t, c, c.intended)
		for _, rollback := range []bool{false, true} {
			from, to, what := running, intended, "remediation"
			if rollback {
				from, to, what = intended, running, "rollback"
			}
			res, err := Remediate(running, intended, Options{Dialect: c.dialect, Rules: rules, Rollback: rollback})
			if err != nil {
				t.Fatalf("%s %s: %v", c.name(), what, err)
			}
			counts[c.dialect].commands += len(res.Commands)
			if same, _ := Equivalent(from, to, rules); same != (len(res.Commands) == 0) {
				t.Errorf("%s %s: Equivalent(from, to) = %v with %d commands", c.name(), what, same, len(res.Commands))
			}
			var exits strings.Builder
			if err := res.WriteTextExits(&exits); err != nil {
				t.Fatal(err)
			}
			for _, text := range []string{res.Text(), exits.String()} {
				got, err := Predict(from, text, rules)
				if err != nil {
					t.Errorf("%s %s: Predict: %v\ncommands:\n%s", c.name(), what, err, text)
					failures++
					continue
				}
				if ok, diff := Equivalent(got, to, rules); !ok {
					failures++
					if failures <= 5 {
						t.Errorf("%s: the %s does not predict its target: %s\ncommands:\n%s\npredicted:\n%s\nchanges: %s", c.name(), what, diff, text, got, strings.Join(changesOf(c), ", "))
					} else {
						t.Errorf("%s: the %s does not predict its target: %s", c.name(), what, diff)
					}
				}
			}
		}
	}
	for _, d := range order {
		t.Logf("%-9s %d cases, %d commands predicted in both directions", d, counts[d].cases, counts[d].commands)
	}
	if failures > 0 {
		t.Errorf("%d predictions differ from their target", failures)
	}
}
