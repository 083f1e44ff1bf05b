package deploy

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// grafanaVariables are the values the dashboard's variables take for the
// checks; an expression with any other variable fails the test.
var grafanaVariables = strings.NewReplacer(
	"$__rate_interval", "5m",
	"${__rate_interval}", "5m",
	"$__interval", "1m",
	"$__range", "1h",
	"${instance}", ".*",
	"$instance", ".*",
)

var labelValues = regexp.MustCompile(`^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$`)

// dashboardExpr is one target's query with the variables replaced.
type dashboardExpr struct {
	where string
	expr  string
}

func dashboardExprs(t *testing.T, d dashboard) []dashboardExpr {
	t.Helper()
	var out []dashboardExpr
	for _, p := range flatPanels(d.Panels) {
		for _, target := range p.Targets {
			where := fmt.Sprintf("panel %d %q target %s", p.ID, p.Title, target.RefID)
			expr := grafanaVariables.Replace(target.Expr)
			if strings.Contains(expr, "$") {
				t.Errorf("%s: unknown variable in %q", where, target.Expr)
			}
			out = append(out, dashboardExpr{where: where, expr: expr})
		}
	}
	return out
}

func TestDashboardStructure(t *testing.T) {
	d := loadDashboard(t)
	if d.UID == "" || d.Title == "" {
		t.Errorf("dashboard uid %q title %q: both are needed", d.UID, d.Title)
	}
	var haveDatasource bool
	for _, v := range d.Templating.List {
		if v.Name == "datasource" && v.Type == "datasource" && string(v.Query) == `"prometheus"` {
			haveDatasource = true
		}
	}
	if !haveDatasource {
		t.Error("no datasource variable of type prometheus")
	}
	ids := map[int]string{}
	var queries int
	for _, p := range flatPanels(d.Panels) {
		if prev, dup := ids[p.ID]; dup {
			t.Errorf("panels %q and %q share id %d", prev, p.Title, p.ID)
		}
		ids[p.ID] = p.Title
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" || p.Datasource.Type != "prometheus" {
			t.Errorf("panel %q does not use the ${datasource} variable", p.Title)
		}
		queries += len(p.Targets)
	}
	if queries < 20 {
		t.Errorf("the dashboard has %d queries: the overview is missing", queries)
	}
}

// TestDashboardQueriesParse hands every panel query to promtool's parser:
// each becomes a recording rule of a generated rule file that promtool
// check rules reads.
func TestDashboardQueriesParse(t *testing.T) {
	exprs := dashboardExprs(t, loadDashboard(t))
	type recording struct {
		Record string `yaml:"record"`
		Expr   string `yaml:"expr"`
	}
	var rules []recording
	names := map[string]string{}
	for i, e := range exprs {
		name := fmt.Sprintf("dashboard:query_%d", i)
		names[name] = e.where
		rules = append(rules, recording{Record: name, Expr: e.expr})
	}
	file := map[string]any{"groups": []map[string]any{{"name": "dashboard", "rules": rules}}}
	b, err := yaml.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "dashboard.yml")
	writeFile(t, path, string(b))
	if out, ok := runPromtool(t, dir, "check", "rules", "dashboard.yml"); !ok {
		for name, where := range names {
			out = strings.ReplaceAll(out, name+"\"", name+"\" ("+where+")")
		}
		t.Fatalf("promtool rejects dashboard queries:\n%s", out)
	}
}

func TestDashboardUsesExportedMetrics(t *testing.T) {
	d := loadDashboard(t)
	used := map[string]bool{}
	for _, e := range dashboardExprs(t, d) {
		for _, p := range unknownUses(e.expr) {
			t.Errorf("%s: %s", e.where, p)
		}
		for _, n := range metricNames(e.expr) {
			used[n] = true
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		m := labelValues.FindStringSubmatch(v.Definition)
		if m == nil {
			t.Errorf("variable %s: query %q is not label_values(metric, label)", v.Name, v.Definition)
			continue
		}
		labels, ok := seriesLabels(m[1])
		if !ok || (labels != nil && !contains(labels, m[2])) {
			t.Errorf("variable %s: %s is not an exported series with label %s", v.Name, m[1], m[2])
		}
	}
	// Every unet_ family appears on the dashboard.
	for name, m := range exported {
		probe := name
		if m.kind == histogram {
			probe = name + "_bucket"
		}
		if !used[probe] {
			t.Errorf("the dashboard shows no %s", probe)
		}
	}
}
