package deploy

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// wantAlerts are the alerts the rule file must define.
var wantAlerts = []string{
	"UnetInstanceDown",
	"UnetHighErrorRatio",
	"UnetLatencySLOBurn",
	"UnetPolicyRegression",
	"UnetSNMPPollsFailing",
	"UnetGitSyncFailing",
	"UnetGitSyncStale",
	"UnetDBPoolSaturated",
	"UnetEmergencyChangesAwaitingReview",
	"UnetWorkerStalled",
}

func TestAlertsAreComplete(t *testing.T) {
	got := map[string]bool{}
	for _, r := range loadRules(t) {
		if r.Alert == "" {
			t.Errorf("rule %q is not an alert: the file holds alerts only", r.Record)
			continue
		}
		got[r.Alert] = true
		switch r.Labels["severity"] {
		case "critical", "warning", "info":
		default:
			t.Errorf("%s: severity label %q, want critical, warning or info", r.Alert, r.Labels["severity"])
		}
		for _, a := range []string{"summary", "description"} {
			if strings.TrimSpace(r.Annotations[a]) == "" {
				t.Errorf("%s: no %s annotation", r.Alert, a)
			}
		}
		if want := runbookURL + r.Alert + ".md"; r.Annotations["runbook_url"] != want {
			t.Errorf("%s: runbook_url %q, want %q", r.Alert, r.Annotations["runbook_url"], want)
		}
	}
	for _, name := range wantAlerts {
		if !got[name] {
			t.Errorf("%s defines no alert %s", alertsFile, name)
		}
	}
}

func TestEveryAlertHasARunbook(t *testing.T) {
	runbooks := runbookFiles(t)
	alerts := map[string]bool{}
	for _, r := range loadRules(t) {
		if alerts[r.Alert] {
			continue
		}
		alerts[r.Alert] = true
		if !runbooks[r.Alert] {
			t.Errorf("alert %s has no runbook %s", r.Alert, filepath.Join(runbookDir, r.Alert+".md"))
		}
	}
	for name := range runbooks {
		if !alerts[name] {
			t.Errorf("runbook %s.md belongs to no alert of %s", name, alertsFile)
		}
	}
	for name := range runbooks {
		text := string(readFile(t, filepath.Join(runbookDir, name+".md")))
		for _, section := range []string{"## Meaning", "## Confirm", "## Fix"} {
			if !strings.Contains(text, section) {
				t.Errorf("runbook %s.md has no %q section", name, section)
			}
		}
	}
}

// TestEveryAlertIsUnitTested checks that the promtool tests cover every
// alert both firing and not firing.
func TestEveryAlertIsUnitTested(t *testing.T) {
	files, err := filepath.Glob(alertTestsGlob)
	if err != nil {
		t.Fatal(err)
	}
	firing, quiet := map[string]bool{}, map[string]bool{}
	for _, file := range files {
		var f ruleTestFile
		if err := yaml.Unmarshal(readFile(t, file), &f); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, test := range f.Tests {
			for _, c := range test.AlertRuleTest {
				if len(c.ExpAlerts) > 0 {
					firing[c.AlertName] = true
				} else {
					quiet[c.AlertName] = true
				}
			}
		}
	}
	for _, r := range loadRules(t) {
		if !firing[r.Alert] {
			t.Errorf("no unit test sees %s fire", r.Alert)
		}
		if !quiet[r.Alert] {
			t.Errorf("no unit test checks that %s stays quiet", r.Alert)
		}
	}
}

func TestAlertsUseExportedMetrics(t *testing.T) {
	used := map[string]bool{}
	for _, r := range loadRules(t) {
		for _, p := range unknownUses(r.Expr) {
			t.Errorf("%s: %s", r.Alert, p)
		}
		for _, n := range metricNames(r.Expr) {
			used[n] = true
		}
	}
	// The rules watch these families; a rename in the rules that the
	// parser check would miss (the name is still exported) shows here.
	for _, want := range []string{
		"up", "unet_http_requests_total", "unet_http_request_duration_seconds_bucket",
		"unet_http_request_duration_seconds_count", "unet_policy_rule_failing_objects",
		"unet_snmp_polls_total", "unet_git_syncs_total", "unet_git_last_sync_timestamp_seconds",
		"go_sql_in_use_connections", "go_sql_max_open_connections", "go_sql_wait_count_total",
		"unet_emergency_changes_pending", "unet_worker_healthy",
	} {
		if !used[want] {
			t.Errorf("no alert uses %s", want)
		}
	}
}

func TestMetricNameExtraction(t *testing.T) {
	for _, c := range []struct {
		expr string
		want []string
	}{
		{`up{job="unet"} == 0`, []string{"up"}},
		{`sum by (route) (rate(unet_http_requests_total{code=~"5.."}[5m])) / ignoring(code) foo_bar`, []string{"foo_bar", "unet_http_requests_total"}},
		{`histogram_quantile(0.99, sum by (le) (rate(x_bucket[$__rate_interval])))`, []string{"x_bucket"}},
		{`time() - max by (source) (g{outcome="success"}) > 7200 and on (job) group by (job) (h offset 15m)`, []string{"g", "h"}},
		{`label_replace(a > b offset 1h, "dst", "$1", "src", "(.*)") or vector(1e3)`, []string{"a", "b"}},
		{`rate(c[5m:1m]) unless bool d`, []string{"c", "d"}},
	} {
		got := metricNames(c.expr)
		sort.Strings(c.want)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("metricNames(%q) = %v, want %v", c.expr, got, c.want)
		}
	}
	for _, c := range []struct {
		expr    string
		problem string
	}{
		{`rate(unet_http_requests_totals[5m])`, "metric unet_http_requests_totals is not exported"},
		{`unet_http_request_duration_seconds`, "metric unet_http_request_duration_seconds is not exported"},
		{`unet_snmp_polls_total{status="ok"}`, "metric unet_snmp_polls_total has no label status"},
		{`{__name__="unet_snmp_nodes"}`, "a selector without a metric name"},
		{`unet_snmp_last_success_age_seconds_bucket`, "is not exported"},
		{`unet_git_last_sync_timestamp_seconds{outcome="ok"}`, `has no outcome="ok"`},
		{`unet_policy_rule_failing_objects{severity=~"high|severe"}`, `has no severity="severe"`},
		{`unet_worker_healthy{worker!="syncer", job="unet"}`, `has no worker="syncer"`},
	} {
		problems := strings.Join(unknownUses(c.expr), "; ")
		if !strings.Contains(problems, c.problem) {
			t.Errorf("unknownUses(%q) = %q, want %q", c.expr, problems, c.problem)
		}
	}
	for _, ok := range []string{
		`unet_snmp_last_success_age_seconds{quantile="0.9"}`,
		`unet_http_request_duration_seconds_bucket{le="0.5", route="/x"}`,
		`go_goroutines + process_open_fds`,
		`unet_snmp_polls_total{outcome!~"ok|timeout", job="{x}"} or unet_http_requests_total{code=~"5.."}`,
	} {
		if p := unknownUses(ok); len(p) > 0 {
			t.Errorf("unknownUses(%q) = %v, want none", ok, p)
		}
	}
}
