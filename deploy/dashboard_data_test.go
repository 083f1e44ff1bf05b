package deploy

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// sampleLabelValues are the values the generated series take for labels
// without a fixed set of values.
var sampleLabelValues = map[string][]string{
	"route":       {"/api/v1/nodes/{id}"},
	"method":      {"GET"},
	"code":        {"200", "404", "500"},
	"version":     {"v1.0.0"},
	"commit":      {"abc1234"},
	"goversion":   {"go1.27.3"},
	"rule":        {"ntp-configured"},
	"source":      {"netops"},
	"environment": {"production"},
	"state":       {"open", "applied"},
}

// literalAlternatives matches a matcher value that is a literal or an
// alternation of literals (a dot matches itself, too).
var literalAlternatives = regexp.MustCompile(`^[a-zA-Z0-9_.:/-]+(?:\|[a-zA-Z0-9_.:/-]+)*$`)

// promSeries is one input series of a promtool unit test.
type promSeries struct {
	Series string `yaml:"series"`
	Values string `yaml:"values"`
}

// seriesSet generates series shaped like μNet's for every exported family
// (every value of every enumerated label) and for the go_ and process_
// series the queries select, with the labels their matchers ask for.
func seriesSet(exprs []dashboardExpr) []promSeries {
	const values = "1+1x60"
	target := map[string]string{"job": "unet", "instance": "unet-a:8080"}
	var out []promSeries
	add := func(name string, labels map[string]string) {
		keys := make([]string, 0, len(labels))
		for k := range labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%q", k, labels[k]))
		}
		out = append(out, promSeries{Series: name + "{" + strings.Join(parts, ", ") + "}", Values: values})
	}
	names := make([]string, 0, len(exported))
	for name := range exported {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m := exported[name]
		for _, labels := range labelCombinations(name, m.labels, target) {
			switch m.kind {
			case histogram:
				for _, le := range []string{"0.1", "0.5", "+Inf"} {
					add(name+"_bucket", with(labels, "le", le))
				}
				add(name+"_sum", labels)
				add(name+"_count", labels)
			case summary:
				for _, q := range []string{"0.5", "0.9", "0.99"} {
					add(name, with(labels, "quantile", q))
				}
				add(name+"_sum", labels)
				add(name+"_count", labels)
			default:
				add(name, labels)
			}
		}
	}
	add("up", target)
	seen := map[string]bool{}
	for _, e := range exprs {
		for _, u := range selectors(e.expr) {
			if !strings.HasPrefix(u.name, "go_") && !strings.HasPrefix(u.name, "process_") {
				continue
			}
			labels := with(target, "", "")
			for _, mt := range u.matchers {
				if _, isTarget := target[mt.label]; !isTarget && literalAlternatives.MatchString(mt.value) {
					labels[mt.label] = strings.Split(mt.value, "|")[0]
				}
			}
			key := fmt.Sprint(u.name, labels)
			if !seen[key] {
				seen[key] = true
				add(u.name, labels)
			}
		}
	}
	return out
}

// labelCombinations returns every combination of the label values of a
// family, each with the target labels.
func labelCombinations(name string, labels []string, target map[string]string) []map[string]string {
	combos := []map[string]string{with(target, "", "")}
	for _, l := range labels {
		vals := enumValues(name, l)
		if vals == nil {
			vals = sampleLabelValues[l]
		}
		var next []map[string]string
		for _, c := range combos {
			for _, v := range vals {
				next = append(next, with(c, l, v))
			}
		}
		combos = next
	}
	return combos
}

// with returns a copy of labels with k set to v (no change for k == "").
func with(labels map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(labels)+1)
	for key, val := range labels {
		out[key] = val
	}
	if k != "" {
		out[k] = v
	}
	return out
}

// TestDashboardQueriesReturnData evaluates every panel query with promtool
// over series shaped like μNet's: each query becomes an alert that fires
// when the query returns at least one sample, and the unit test expects
// every one of them to fire. A query that selects a wrong label value,
// fails at evaluation (e.g. many-to-many matching) or returns nothing
// fails the test.
func TestDashboardQueriesReturnData(t *testing.T) {
	exprs := dashboardExprs(t, loadDashboard(t))
	type alertRule struct {
		Alert string `yaml:"alert"`
		Expr  string `yaml:"expr"`
	}
	type alertCase struct {
		EvalTime  string `yaml:"eval_time"`
		AlertName string `yaml:"alertname"`
		ExpAlerts []any  `yaml:"exp_alerts"`
	}
	var rules []alertRule
	var cases []alertCase
	where := map[string]string{}
	for i, e := range exprs {
		name := fmt.Sprintf("DashboardQuery%d", i)
		where[name] = e.where
		rules = append(rules, alertRule{Alert: name, Expr: "count(" + e.expr + ") > 0"})
		cases = append(cases, alertCase{EvalTime: "30m", AlertName: name, ExpAlerts: []any{map[string]any{"exp_labels": map[string]string{}}}})
	}
	dir := t.TempDir()
	rulesYAML, err := yaml.Marshal(map[string]any{"groups": []map[string]any{{"name": "dashboard", "rules": rules}}})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "dashboard.yml"), string(rulesYAML))
	testYAML, err := yaml.Marshal(map[string]any{
		"rule_files":          []string{"dashboard.yml"},
		"evaluation_interval": "1m",
		"tests": []map[string]any{{
			"interval":        "1m",
			"input_series":    seriesSet(exprs),
			"alert_rule_test": cases,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "dashboard_test.yml"), string(testYAML))
	if out, ok := runPromtool(t, dir, "test", "rules", "dashboard_test.yml"); !ok {
		// Name the panels of the queries that returned nothing.
		for name, w := range where {
			out = strings.ReplaceAll(out, "alertname: "+name+",", "alertname: "+name+" ("+w+"),")
		}
		t.Fatalf("dashboard queries return no data over μNet-shaped series:\n%s", out)
	}
}
