package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeRules(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPolicyValidateErrors(t *testing.T) {
	r := newRunner(t)
	dir := writeRules(t, map[string]string{
		"a.rules": "RULE \"x\" SEVERITY bogus\nWHEN node.vendor == \"cisco\"\nTHEN ASSERT node.model IS \"c\"\n",
		"b.rules": "WHEN node.vendor == \"cisco\" AND\nTHEN ASSERT node.colour IS \"red\"\n",
	})
	res := r.fails(65, []string{"a.rules:1:19", "expected a severity", "RULE \"x\" SEVERITY bogus", "^", "b.rules:2:1"}, "policy", "validate", dir, "-o", "table")
	if strings.Count(res.stderr, "^") < 2 {
		t.Fatalf("want a caret per error:\n%s", res.stderr)
	}
	// Checker errors (unknown field) after the syntax is fixed.
	ok := writeRules(t, map[string]string{"c.rules": "WHEN node.vendor == \"cisco\"\nTHEN ASSERT node.colour IS \"red\"\n"})
	r.fails(65, []string{"c.rules:2", "colour"}, "policy", "validate", ok, "-o", "table")
	good := writeRules(t, map[string]string{"d.rules": "RULE \"m\" WHEN node.vendor == \"cisco\" THEN ASSERT node.model IS NOT NULL\n"})
	if out := r.ok("policy", "validate", good, "-o", "table"); !strings.Contains(out, "1 rule(s)") {
		t.Fatalf("validate ok: %s", out)
	}
}

// TestPolicyValidateTargetWarnings: validate prints the ambiguous-target
// warning with its position, line and caret and still succeeds (--strict
// fails), lists it in JSON, and reports a rule writing both a location and
// its nodes as an error.
func TestPolicyValidateTargetWarnings(t *testing.T) {
	r := newRunner(t)
	dir := writeRules(t, map[string]string{"a.rules": "RULE \"contact\"\nWHEN location.type == \"site\"\nTHEN ASSERT custom_data.contact IS NOT NULL\n"})
	res := r.run("policy", "validate", dir, "-o", "table")
	if res.code != 0 || res.stdout != "ok: 1 file(s), 1 rule(s), 1 warning(s)\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"a.rules:3:13: warning: custom_data.contact is ambiguous", "write node.custom_data.contact", " 3 | THEN ASSERT custom_data.contact IS NOT NULL\n   |             ^\n"} {
		if !strings.Contains(res.stderr, want) {
			t.Fatalf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	var rep struct {
		Errors   []map[string]any `json:"errors"`
		Warnings []struct {
			Line, Col int
			Warning   bool
			Message   string
		} `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(r.ok("policy", "validate", dir, "-o", "json")), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 0 || len(rep.Warnings) != 1 || rep.Warnings[0].Line != 3 || rep.Warnings[0].Col != 13 || !rep.Warnings[0].Warning {
		t.Fatalf("json report: %+v", rep)
	}
	r.fails(65, []string{"a.rules:3:13: warning:", "0 policy error(s), 1 warning(s)"}, "policy", "validate", "--strict", dir, "-o", "table")

	override := writeRules(t, map[string]string{"b.rules": "WHEN location.name == \"lon\" THEN SET custom_data.tier TO \"gold\"\n"})
	if res := r.run("policy", "validate", "--strict", override, "-o", "table"); res.code != 0 || res.stderr != "" || res.stdout != "ok: 1 file(s), 1 rule(s)\n" {
		t.Fatalf("site override: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	mixed := writeRules(t, map[string]string{"c.rules": "WHEN location.name == \"lon\"\nTHEN { SET location.custom_data.a TO 1; SET custom_data.b TO 2 }\n"})
	r.fails(65, []string{"c.rules:2:45: rule writes both its location (SET location.custom_data.a at 2:12) and its nodes (SET custom_data.b at 2:45)", "1 policy error(s)"}, "policy", "validate", mixed, "-o", "table")
}

func TestPolicyEvalJSONShapeAndStore(t *testing.T) {
	r := newRunner(t)
	r.ok("locations", "add", "--name", "DC", "--type", "site")
	r.ok("nodes", "add", "--name", "r1", "--vendor", "cisco", "--platform", "iosxe", "--software-version", "17.6.5", "--location", "DC")
	r.ok("nodes", "add", "--name", "r2", "--vendor", "cisco", "--platform", "iosxe", "--software-version", "17.12.1")
	r.ok("nodes", "add", "--name", "a1", "--vendor", "arista")
	r.ok("links", "add", "--a", "r1:Gi1", "--z", "r2:Gi1", "--bandwidth", "1G")
	dir := writeRules(t, map[string]string{
		"10-min.rules": `RULE "min-version" SEVERITY high
WHEN node.platform == "iosxe"
THEN ASSERT version(node.software_version) >= version("17.9.4")
`,
		"20-links.rules": `RULE "fast-links" WHEN link.role IS NULL THEN ASSERT link.bandwidth_bps >= 10000000000
RULE "site-address" SEVERITY low WHEN location.type == "site" THEN ASSERT location.address IS NOT NULL
RULE "tier" WHEN node.vendor == "cisco" THEN { SET custom_data.tier TO "gold"; APPLY "ios/base.j2" }
`,
	})
	var results []map[string]any
	if err := json.Unmarshal([]byte(r.ok("policy", "eval", "--path", dir, "-o", "json")), &results); err != nil {
		t.Fatal(err)
	}
	byKey := map[string]map[string]any{}
	for _, res := range results {
		for _, k := range []string{"object_kind", "object_id", "object_name", "rule", "severity", "status", "expected", "actual", "message", "file", "line"} {
			if _, ok := res[k]; !ok {
				t.Fatalf("result lacks %q: %v", k, res)
			}
		}
		byKey[res["object_name"].(string)+"/"+res["rule"].(string)] = res
	}
	want := map[string]string{
		"r1/min-version": "fail", "r2/min-version": "pass", "a1/min-version": "not_applicable",
		"r1.example.net:Gi1/fast-links": "", "DC/site-address": "fail", "r1/tier": "pass",
	}
	for k, status := range want {
		res, ok := byKey[k]
		if status == "" {
			// link names are node FQDN:interface; r1 has no domain
			res, ok = byKey["r1:Gi1/fast-links"]
			status = "fail"
		}
		if !ok || res["status"] != status {
			t.Errorf("%s: want %s, got %v", k, status, res)
		}
	}
	if f := byKey["r1/min-version"]; f["actual"] != "17.6.5" || f["file"] != "10-min.rules" || f["line"] != float64(1) || f["severity"] != "high" {
		t.Errorf("fail result: %v", f)
	}
	// --store keeps results and history; a fix shows up as a status change.
	r.ok("policy", "eval", "--path", dir, "--store")
	r.ok("nodes", "update", "r1", "--software-version", "17.9.5")
	r.ok("policy", "eval", "--path", dir, "--store")
	var hist []map[string]any
	json.Unmarshal([]byte(r.ok("policy", "history", "--node", "r1", "--rule", "min-version")), &hist)
	if len(hist) != 2 || hist[0]["from"] != "fail" || hist[0]["to"] != "pass" || hist[1]["from"] != "" || hist[1]["to"] != "fail" {
		t.Fatalf("history: %v", hist)
	}
	var stored []map[string]any
	json.Unmarshal([]byte(r.ok("policy", "results", "--status", "fail")), &stored)
	for _, s := range stored {
		if s["object_name"] == "r1" && s["rule"] == "min-version" {
			t.Fatalf("stale stored result: %v", s)
		}
	}
	// nodes show --eval: results and APPLY'd templates.
	var shown map[string]any
	json.Unmarshal([]byte(r.ok("nodes", "show", "r1", "--eval", "--path", dir)), &shown)
	if tm := shown["templates"].([]any); len(tm) != 1 || tm[0] != "ios/base.j2" {
		t.Fatalf("templates: %v", shown["templates"])
	}
	// apply: SETs become one tracked change batch.
	out := r.ok("policy", "apply", "--path", dir, "--reason", "tiering", "-o", "table")
	if !strings.Contains(out, "updated 2 node(s)") {
		t.Fatalf("apply: %s", out)
	}
	var ch []map[string]any
	json.Unmarshal([]byte(r.ok("changes", "list", "--limit", "2")), &ch)
	if len(ch) != 2 || ch[0]["reason"] != "tiering" || ch[0]["batch"] != ch[1]["batch"] {
		t.Fatalf("apply changes: %v", ch)
	}
	var n map[string]any
	json.Unmarshal([]byte(r.ok("nodes", "show", "r2")), &n)
	if n["custom_data"].(map[string]any)["tier"] != "gold" {
		t.Fatalf("apply did not write: %v", n["custom_data"])
	}
	if out := r.ok("policy", "apply", "--path", dir, "-o", "table"); !strings.Contains(out, "updated 0 node(s)") {
		t.Fatalf("second apply: %s", out)
	}
	// report
	var rep []map[string]any
	json.Unmarshal([]byte(r.ok("policy", "report", "--by", "severity", "--path", dir)), &rep)
	if len(rep) == 0 {
		t.Fatal("empty report")
	}
	r.fails(64, []string{"--by"}, "policy", "report", "--by", "colour", "--path", dir)
}

// TestDemoPolicyTests runs the demo policies' rule tests, as CI for a policy
// repository would.
func TestDemoPolicyTests(t *testing.T) {
	r := newRunner(t)
	out := r.ok("policy", "test", "../examples/policies", "-o", "table")
	if !strings.Contains(out, "0 failed") {
		t.Fatalf("demo policy tests: %s", out)
	}
	// A failing expectation exits 1.
	dir := writeRules(t, map[string]string{
		"a.rules":      "RULE \"m\" WHEN node.vendor == \"cisco\" THEN ASSERT node.model IS \"x\"\n",
		"tests/a.yaml": "cases:\n  - name: wrong\n    node: {name: r1, vendor: cisco, model: x}\n    expect:\n      m: fail\n",
	})
	r.fails(1, []string{"failed"}, "policy", "test", dir, "-o", "table")
}

func TestPolicyFmtCheck(t *testing.T) {
	r := newRunner(t)
	dir := writeRules(t, map[string]string{"a.rules": "rule \"m\" when node.vendor==\"cisco\" then assert node.model is \"x\"\n"})
	r.fails(1, []string{"not formatted"}, "policy", "fmt", "--check", dir)
	r.ok("policy", "fmt", dir)
	r.ok("policy", "fmt", "--check", dir)
	formatted, _ := os.ReadFile(filepath.Join(dir, "a.rules"))
	if !strings.Contains(string(formatted), "RULE \"m\"") {
		t.Fatalf("formatted: %s", formatted)
	}
}

// TestPolicyTestBrokenRulesAndNoCases: `policy test DIR` exits 65 when a rule
// file of DIR does not parse, even with no test cases, and 1 when DIR has no
// test cases at all (nothing tested is not a pass).
func TestPolicyTestBrokenRulesAndNoCases(t *testing.T) {
	r := newRunner(t)
	broken := writeRules(t, map[string]string{"a.rules": "RULE \"m\" WHEN node.vendor == THEN\n"})
	r.fails(65, []string{"a.rules:1"}, "policy", "test", broken)
	unchecked := writeRules(t, map[string]string{"a.rules": "RULE \"m\" WHEN node.nosuch == 1 THEN ASSERT node.model IS \"x\"\n"})
	r.fails(65, []string{"a.rules"}, "policy", "test", unchecked)
	empty := writeRules(t, map[string]string{"a.rules": "RULE \"m\" WHEN node.vendor == \"cisco\" THEN ASSERT node.model IS \"x\"\n"})
	r.fails(1, []string{"no rule tests in " + empty}, "policy", "test", empty)
}
