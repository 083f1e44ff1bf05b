package remediation

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/remgen"
)

// hierConfigText is the text form of a remediation (WriteText: no
// sectional exits, two spaces per level in every built-in table) as
// hier_config's runner prints it: a lone newline when there is no command.
func hierConfigText(r *Result) string {
	if text := r.Text(); text != "" {
		return text
	}
	return "\n"
}

// TestAgainstHierConfig compares μNet's remediation and rollback with
// hier_config's on every committed case.
func TestAgainstHierConfig(t *testing.T) {
	type tally struct{ same, documented, total int }
	counts := map[string]*tally{}
	var order []string
	undocumented := 0
	classes := map[string]int{}
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
			if used := classifyCommands(c, got, want); used != nil {
				n.documented++
				for _, u := range used {
					classes[u]++
				}
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
	t.Logf("documented classes: %v", classes)
	if undocumented > 0 {
		t.Errorf("%d outputs differ from hier_config's outside the documented classes", undocumented)
	}
	checkClassesUsed(t, "commands", classes)
}

func changesOf(c corpusCase) []string {
	p, err := remgenPair(c)
	if err != nil {
		return []string{fmt.Sprint(err)}
	}
	return p.Changes
}

// TestFutureAgainstHierConfig compares μNet's prediction of the device
// configuration after the remediation with hier_config's future() on every
// committed case. They must be equivalent, unless hier_config's future()
// is in a documented class: then μNet's prediction must be the intended
// configuration (the prediction property) and hier_config's must not be.
func TestFutureAgainstHierConfig(t *testing.T) {
	type tally struct{ same, documented, total int }
	counts := map[string]*tally{}
	var order []string
	classes := map[string]int{}
	for _, c := range loadCorpus(t) {
		if !c.hasReference {
			continue
		}
		rules, err := Builtin(c.dialect)
		if err != nil {
			t.Fatal(err)
		}
		if counts[c.dialect] == nil {
			counts[c.dialect] = &tally{}
			order = append(order, c.dialect)
		}
		n := counts[c.dialect]
		n.total++
		running, intended, future := parseCase(t, c, c.running), parseCase(t, c, c.intended), parseCase(t, c, c.future)
		res, err := Remediate(running, intended, Options{Dialect: c.dialect, Rules: rules})
		if err != nil {
			t.Fatalf("%s: %v", c.name(), err)
		}
		got, err := Predict(running, res.Text(), rules)
		if err != nil {
			t.Errorf("%s: Predict: %v", c.name(), err)
			continue
		}
		same, diff := Equivalent(got, future, rules)
		if same {
			n.same++
			continue
		}
		if used := classifyFuture(c, rules, future, intended); used != nil {
			rightHere, _ := Equivalent(got, intended, rules)
			wrongThere, _ := Equivalent(future, intended, rules)
			if rightHere && !wrongThere {
				n.documented++
				for _, u := range used {
					classes[u]++
				}
				continue
			}
		}
		t.Errorf("%s: μNet's prediction differs from hier_config's future(): %s\n--- hier_config's future()\n%s--- changes: %s",
			c.name(), diff, c.future, strings.Join(changesOf(c), ", "))
	}
	for _, d := range order {
		n := counts[d]
		t.Logf("%-9s %4d of %4d predictions equivalent to hier_config's future(), %d in documented difference classes", d, n.same, n.total, n.documented)
	}
	t.Logf("documented classes: %v", classes)
	checkClassesUsed(t, "future", classes)
}

// checkClassesUsed fails when a documented class of an output explains no
// case: the class is stale, or the corpus lost its coverage.
func checkClassesUsed(t *testing.T, output string, classes map[string]int) {
	t.Helper()
	for _, dc := range differenceClasses {
		if dc.output == output && classes[dc.name] == 0 {
			t.Errorf("class %s explains no case", dc.name)
		}
	}
}

// TestLargeAgainstHierConfig compares the remediation of the benchmark pair
// (two IOS configurations of about 10,000 lines, 500 changes) with
// hier_config's.
func TestLargeAgainstHierConfig(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "hierconfig", "large", "remediation.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p := remgen.Large(remgen.LargeSeed, 10000, 500)
	res := remediateResult(t, "ios", p.Running, p.Intended, Options{})
	if got := hierConfigText(res); got != string(want) {
		t.Errorf("the remediation of the benchmark pair differs from hier_config's: %d lines, hier_config %d",
			strings.Count(got, "\n"), strings.Count(string(want), "\n"))
	}
	if len(res.Commands) < 500 {
		t.Errorf("%d commands for 500 changes", len(res.Commands))
	}
}

// TestDifferenceClassesAreSpecific proves the classes explain only their
// flaw: each documented example is explained, and no longer once an
// unrelated statement (the hostname) is dropped from hier_config's output.
func TestDifferenceClassesAreSpecific(t *testing.T) {
	examples := map[string]string{
		"secondary-address-negation":   "ios/206",
		"future-sequence-order":        "nxos/20",
		"future-secondary-address":     "ios/203",
		"future-junos-delete":          "junos-set/31",
		"future-negated-form-replaced": "eos/35",
	}
	cases := map[string]corpusCase{}
	for _, c := range loadCorpus(t) {
		cases[c.name()] = c
	}
	dropHostname := func(text string) string {
		var kept []string
		for _, line := range strings.SplitAfter(text, "\n") {
			if !strings.Contains(line, "hostname") && !strings.Contains(line, "host-name") {
				kept = append(kept, line)
			}
		}
		if len(kept) == len(strings.SplitAfter(text, "\n")) {
			t.Fatalf("no hostname line to drop in\n%s", text)
		}
		return strings.Join(kept, "")
	}
	for _, dc := range differenceClasses {
		name, ok := examples[dc.name]
		if !ok {
			t.Errorf("class %s has no example here", dc.name)
			continue
		}
		c := cases[name]
		rules, err := Builtin(c.dialect)
		if err != nil {
			t.Fatal(err)
		}
		running, intended := parseCase(t, c, c.running), parseCase(t, c, c.intended)
		if dc.output == "commands" {
			res, err := Remediate(running, intended, Options{Dialect: c.dialect, Rules: rules})
			if err != nil {
				t.Fatal(err)
			}
			unet := hierConfigText(res)
			if used := classifyCommands(c, unet, c.remediation); !slices.Contains(used, dc.name) {
				t.Errorf("%s: the documented example %s is explained by %v", dc.name, name, used)
			}
			// A command missing for another reason is not explained.
			if used := classifyCommands(c, unet, dropLastLine(c.remediation)); used != nil {
				t.Errorf("%s: a remediation missing its last line is explained by %v", dc.name, used)
			}
			continue
		}
		future := parseCase(t, c, c.future)
		if used := classifyFuture(c, rules, future, intended); !slices.Contains(used, dc.name) {
			t.Errorf("%s: the documented example %s is explained by %v", dc.name, name, used)
		}
		if used := classifyFuture(c, rules, parseCase(t, c, dropHostname(c.future)), intended); used != nil {
			t.Errorf("%s: still explained by %v with the hostname missing", dc.name, used)
		}
	}
}

func dropLastLine(text string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n")
	return strings.Join(lines[:len(lines)-1], "")
}
