package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPolicyEvalNeedsRulesOutsideDemo: in an ordinary database, eval without
// a policy directory fails naming the ways to provide rules and stores
// nothing; --demo evaluates the demo policies.
func TestPolicyEvalNeedsRulesOutsideDemo(t *testing.T) {
	r := newRunner(t)
	r.ok("nodes", "add", "--name", "r1", "--vendor", "cisco", "--platform", "iosxe")
	for _, args := range [][]string{{"policy", "eval", "--store"}, {"policy", "report"}, {"policy", "apply", "--dry-run"}} {
		r.fails(66, []string{"--path", "git sources add", "--demo"}, args...)
	}
	if out := strings.TrimSpace(r.ok("policy", "results")); out != "[]" {
		t.Fatalf("results stored without policies: %s", out)
	}
	r.fails(64, []string{"no policy files"}, "policy", "validate")
	r.fails(66, []string{"no templates", "--path", "git sources add"}, "template", "render", "r1", "-t", "iosxe/base.j2")
	var rs []map[string]any
	if err := json.Unmarshal([]byte(r.ok("policy", "eval", "--demo", "--store")), &rs); err != nil || len(rs) == 0 {
		t.Fatalf("--demo: %v %v", rs, err)
	}
	if err := json.Unmarshal([]byte(r.ok("policy", "results")), &rs); err != nil || len(rs) == 0 || rs[0]["source"] != "builtin:demo" {
		t.Fatalf("stored demo results: %v %v", rs, err)
	}
	r.ok("policy", "validate", "--demo")
}

// TestDemoDatabaseRunsTheTour: a database loaded by `unet demo` evaluates and
// renders the demo content without --path, as the README tour does.
func TestDemoDatabaseRunsTheTour(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	var rs []map[string]any
	if err := json.Unmarshal([]byte(r.ok("policy", "eval", "--store")), &rs); err != nil || len(rs) == 0 {
		t.Fatalf("eval: %v %v", rs, err)
	}
	r.ok("policy", "report", "--by", "rule")
	if out := r.ok("policy", "results", "--status", "fail", "-o", "json"); !strings.Contains(out, `"source": "builtin:demo"`) {
		t.Fatalf("results: %.300s", out)
	}
	r.ok("nodes", "show", "lon-acc-07", "--eval")
	if out := r.ok("template", "render", "fra-leaf-01"); !strings.Contains(out, "hostname") {
		t.Fatalf("render: %.300s", out)
	}
	r.fails(2, nil, "template", "diff", "lon-dist-01", "--running", "../examples/running/lon-dist-01.cfg")
	r.ok("template", "diff", "lon-acc-11", "--running", "../examples/running/lon-acc-11.cfg")
}
