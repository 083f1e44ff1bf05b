package remediation

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/unet-dev/unet/configtree"
)

// predPropertyRules is the rule table of the property test: the built-in
// table of the dialect when there is one, the test table otherwise.
func predPropertyRules(dialect string) *Rules {
	if r, err := Builtin(dialect); err == nil {
		return r
	}
	return predTestRules(dialect)
}

// TestPredictRemediateProperty checks, on 250 random running/intended
// pairs per dialect, that applying the remediation to running predicts
// intended, and applying the rollback to intended predicts running. Every
// dialect runs with its built-in table; the JunOS ones also with a table
// that has idempotent rules (the built-in ones have none).
func TestPredictRemediateProperty(t *testing.T) {
	const pairs = 250
	type run struct {
		name, dialect string
		rules         *Rules
	}
	var runs []run
	for _, d := range []string{"ios", "nxos", "eos", "iosxr", "junos-set", "junos"} {
		runs = append(runs, run{d, d, predPropertyRules(d)})
	}
	runs = append(runs, run{"junos-set/idempotent", "junos-set", predRulesJunos("junos-set")}, run{"junos/idempotent", "junos", predRulesJunos("junos")})
	for _, ru := range runs {
		dialect, rules := ru.dialect, ru.rules
		t.Run(ru.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(int64(len(ru.name)) * 7919))
			failures, changed := 0, 0
			reasons := map[string]int{}
			for i := 0; i < pairs && failures < 3; i++ {
				running, intended := genPair(r, dialect)
				ok, res := checkPredictProperty(t, dialect, rules, running, intended, i)
				if !ok {
					failures++
				}
				if res != nil && len(res.Commands) > 0 {
					changed++
					for k, v := range res.Stats {
						reasons[k] += v
					}
				}
			}
			// The pairs must exercise the engine: nearly all differ, and
			// additions, removals and in-place replacements all occur.
			if changed < pairs*9/10 {
				t.Errorf("only %d of %d pairs differ", changed, pairs)
			}
			want := []string{ReasonAdded, ReasonRemoved}
			if len(rules.Idempotent) > 0 {
				want = append(want, ReasonReplaced)
			}
			for _, reason := range want {
				if reasons[reason] == 0 {
					t.Errorf("no command with reason %q in %d pairs (stats %v)", reason, pairs, reasons)
				}
			}
		})
	}
}

// checkPredictProperty checks both directions of one pair and reports a
// failure with everything needed to reproduce it. It returns the forward
// remediation.
func checkPredictProperty(t *testing.T, dialect string, rules *Rules, running, intended string, i int) (bool, *Result) {
	t.Helper()
	rt, it := predParse(t, running, dialect), predParse(t, intended, dialect)
	ok := true
	var forward *Result
	for _, rollback := range []bool{false, true} {
		res, err := Remediate(rt, it, Options{Dialect: dialect, Rules: rules, Rollback: rollback})
		if err != nil {
			t.Errorf("pair %d: Remediate (rollback %v): %v", i, rollback, err)
			return false, nil
		}
		if !rollback {
			forward = res
		}
		from, to := rt, it
		if rollback {
			from, to = it, rt
		}
		cmds := res.Text()
		got, err := predict(from, cmds, rules)
		if err != nil {
			t.Errorf("pair %d: predict (rollback %v): %v\ncommands:\n%s", i, rollback, err, cmds)
			return false, forward
		}
		if same, _ := equivalent(from, to, rules); same == (len(res.Commands) > 0) {
			t.Errorf("pair %d (rollback %v): Equivalent says %v, the remediation has %d commands\ncommands:\n%s", i, rollback, same, len(res.Commands), cmds)
			ok = false
		}
		var withExits strings.Builder
		if err := res.WriteTextExits(&withExits); err != nil {
			t.Fatal(err)
		}
		// Text with sectional exits predicts the same configuration (the
		// block ends it adds, as IOS-XR's end-policy, are not compared).
		got2, err := predict(from, withExits.String(), rules)
		if err != nil {
			t.Errorf("pair %d (rollback %v): predict with exits: %v\ncommands:\n%s", i, rollback, err, withExits.String())
			return false, forward
		}
		if eq, diff := equivalent(got2, got, rules); !eq {
			t.Errorf("pair %d (rollback %v): commands with sectional exits predict another configuration: %s\ncommands:\n%s\npredicted:\n%s", i, rollback, diff, withExits.String(), got2)
			ok = false
		}
		if eq, diff := equivalent(got, to, rules); !eq {
			t.Errorf("pair %d (rollback %v): %s\nfrom:\n%s\nto:\n%s\ncommands:\n%s\npredicted:\n%s", i, rollback, diff, from, to, cmds, got)
			ok = false
		}
	}
	return ok, forward
}

// TestPredictRemediateMatchProperty checks the property on remediations
// restricted to a match expression: the prediction agrees with intended on
// the selected statements, and the commands touch nothing else.
func TestPredictRemediateMatchProperty(t *testing.T) {
	const pairs = 100
	m := configtree.MustParseMatch("interface .*")
	for _, dialect := range []string{"ios", "nxos", "eos", "iosxr"} {
		t.Run(dialect, func(t *testing.T) {
			rules := predPropertyRules(dialect)
			r := rand.New(rand.NewSource(int64(len(dialect)) * 104729))
			touched := 0
			for i := 0; i < pairs; i++ {
				running, intended := genPair(r, dialect)
				rt, it := predParse(t, running, dialect), predParse(t, intended, dialect)
				res, err := Remediate(rt, it, Options{Dialect: dialect, Rules: rules, Match: []*configtree.Match{m}})
				if err != nil {
					t.Fatalf("pair %d: %v", i, err)
				}
				for _, c := range res.Commands {
					if c.Depth == 0 && !strings.HasPrefix(strings.TrimPrefix(c.Text, "no "), "interface ") {
						t.Fatalf("pair %d: command outside the match: %q", i, c.Text)
					}
				}
				if len(res.Commands) > 0 {
					touched++
				}
				got, err := predict(rt, res.Text(), rules)
				if err != nil {
					t.Fatalf("pair %d: predict: %v", i, err)
				}
				gs, err1 := configtree.SliceTree(got, m)
				is, err2 := configtree.SliceTree(it, m)
				if err1 != nil || err2 != nil {
					t.Fatalf("slice: %v %v", err1, err2)
				}
				if eq, diff := equivalent(gs, is, rules); !eq {
					t.Errorf("pair %d: %s\ncommands:\n%s\npredicted:\n%s\nintended:\n%s", i, diff, res.Text(), got, it)
				}
			}
			if touched < pairs/2 {
				t.Errorf("only %d of %d pairs change an interface", touched, pairs)
			}
		})
	}
}
