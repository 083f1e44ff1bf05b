package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
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

// TestPolicyAndTemplatePathsFromConfig: the config file is the third way to
// name the policy and template directories ([policies] path, [templates]
// path), below --path and the environment; the error without any source
// names it.
func TestPolicyAndTemplatePathsFromConfig(t *testing.T) {
	r := newRunner(t)
	r.ok("nodes", "add", "--name", "r1", "--vendor", "cisco", "--platform", "iosxe")
	r.fails(66, []string{"[policies] path in the config file"}, "policy", "eval")
	r.fails(66, []string{"[templates] path in the config file"}, "template", "render", "r1", "-t", "iosxe/base.j2")

	dir := t.TempDir()
	pol, tpl := filepath.Join(dir, "rules"), filepath.Join(dir, "tpl")
	for _, d := range []string{pol, filepath.Join(tpl, "iosxe")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(pol, "a.rules"):          `RULE "from-config" WHEN node.vendor == "cisco" THEN ASSERT node.name IS "r1"`,
		filepath.Join(tpl, "iosxe", "base.j2"): "hostname {{ node.name }} from config\n",
	}
	for p, c := range files {
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(dir, "unet.toml")
	if err := os.WriteFile(cfg, []byte("[policies]\npath = \""+pol+"\"\n[templates]\npath = \""+tpl+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.env["UNET_CONFIG"] = cfg
	if out := r.ok("policy", "eval"); !strings.Contains(out, "from-config") {
		t.Fatalf("eval with [policies] path: %s", out)
	}
	if out := r.ok("template", "render", "r1", "-t", "iosxe/base.j2"); !strings.Contains(out, "hostname r1 from config") {
		t.Fatalf("render with [templates] path: %s", out)
	}
	// --path still wins over the config file.
	r.fails(66, []string{"no *.rules files"}, "policy", "eval", "--path", t.TempDir())
}
