package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplateDiffDemo: on the demo, compliant nodes exit 0 and drifted nodes
// exit 2 with the expected differences.
func TestTemplateDiffDemo(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	for _, n := range []string{"lon-acc-11", "fra-leaf-01"} {
		res := r.run("template", "diff", n, "--running", "../examples/running/"+n+".cfg", "-o", "table")
		if res.code != 0 || !strings.Contains(res.stdout, "matches intent") {
			t.Fatalf("%s: want exit 0, got %d\n%s\n%s", n, res.code, res.stdout, res.stderr)
		}
	}
	res := r.run("template", "diff", "lon-dist-01", "--running", "../examples/running/lon-dist-01.cfg", "-o", "table")
	if res.code != 2 {
		t.Fatalf("drifted node: want exit 2, got %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"-logging host 198.51.100.7", "- description TEMP UPLINK - DO NOT TOUCH",
		"+ description BACKBONE: lon-core-01", "-ntp server 192.0.2.99", "+ntp server 192.0.2.11", "differs from intent"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("diff lacks %q:\n%s", want, res.stdout)
		}
	}
	// JSON: stable structure.
	res = r.run("template", "diff", "fra-edge-01", "--running", "../examples/running/fra-edge-01.cfg", "-o", "json")
	if res.code != 2 {
		t.Fatalf("fra-edge-01: exit %d %s", res.code, res.stderr)
	}
	var d struct {
		Node      string `json:"node"`
		Dialect   string `json:"dialect"`
		Equal     bool   `json:"equal"`
		Templates []struct {
			Template string `json:"template"`
			Owned    bool   `json:"owned"`
			Equal    bool   `json:"equal"`
			Added    int    `json:"added"`
			Removed  int    `json:"removed"`
			Diff     string `json:"diff"`
		} `json:"templates"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &d); err != nil {
		t.Fatal(err)
	}
	if d.Node != "fra-edge-01.example.net" || d.Dialect != "junos" || d.Equal || len(d.Templates) != 1 ||
		d.Templates[0].Added != 1 || d.Templates[0].Removed != 1 || !strings.Contains(d.Templates[0].Diff, "+        server 192.0.2.11;") {
		t.Fatalf("json diff: %+v", d)
	}
	// Stdin and a single explicit template.
	data, _ := os.ReadFile("../examples/running/fra-leaf-02.cfg")
	r2 := r.runStdin(string(data), "template", "diff", "fra-leaf-02", "--running", "-", "-t", "eos/ntp.j2", "-o", "table")
	if r2.code != 2 || !strings.Contains(r2.stdout, "+ntp server 192.0.2.11") || strings.Contains(r2.stdout, "snmp-server") {
		t.Fatalf("stdin + -t: %d\n%s\n%s", r2.code, r2.stdout, r2.stderr)
	}
}

func TestTemplateDiffBadRunningConfig(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	cases := map[string]struct{ file, want string }{
		"empty":         {write("empty.cfg", "\n  \n"), "is empty"},
		"binary":        {write("bin.cfg", "\x7fELF\x02\x01\x01\x00\x00\x00"), "binary"},
		"wrong dialect": {write("junos.cfg", "system {\n    host-name x;\n    ntp {\n        server 192.0.2.1;\n    }\n}\ninterfaces {\n    ge-0/0/0 {\n        unit 0;\n    }\n}\n"), "looks like junos"},
		"missing file":  {filepath.Join(dir, "nope.cfg"), "no such file"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r.t = t
			r.fails(1, []string{c.want}, "template", "diff", "lon-acc-11", "--running", c.file)
		})
	}
	r.t = t
	r.fails(64, []string{"--running"}, "template", "diff", "lon-acc-11")
}

func TestTemplateRenderAndValidate(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	out := r.ok("template", "render", "lon-acc-11")
	if !strings.HasPrefix(out, "hostname lon-acc-11\n") || !strings.Contains(out, "ntp server 192.0.2.10 prefer") {
		t.Fatalf("render: %s", out)
	}
	file := filepath.Join(t.TempDir(), "out.cfg")
	r.ok("template", "render", "lon-acc-11", "-o", file)
	if b, _ := os.ReadFile(file); string(b) != out {
		t.Fatalf("-o FILE differs from stdout")
	}
	var parts map[string]any
	json.Unmarshal([]byte(r.ok("template", "render", "fra-leaf-01", "-t", "eos/ntp.j2", "-t", "eos/snmp.j2", "-o", "json")), &parts)
	if ps := parts["parts"].([]any); len(ps) != 2 || ps[0].(map[string]any)["template"] != "eos/ntp.j2" {
		t.Fatalf("parts: %v", parts)
	}
	// --var reaches templates as vars.*
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "motd.j2"), []byte("banner {{ vars.site }} {{ node.name }} {{ links | length }}\n"), 0o644)
	if out := r.ok("template", "render", "fra-spine-01", "--path", dir, "-t", "motd.j2", "--var", "site=FRA"); out != "banner FRA fra-spine-01 11\n" {
		t.Fatalf("vars: %q", out)
	}
	// --context renders without inventory.
	os.WriteFile(filepath.Join(dir, "ctx.json"), []byte(`{"node": {"name": "x1"}, "links": [1, 2]}`), 0o644)
	if out := r.ok("template", "render", "--context", filepath.Join(dir, "ctx.json"), "--root", dir, "motd.j2", "--var", "site=LAB"); out != "banner LAB x1 2\n" {
		t.Fatalf("--context: %q", out)
	}
	// Undefined variables are errors naming the template and line.
	os.WriteFile(filepath.Join(dir, "bad.j2"), []byte("ok\n{{ node.nosuchfield }}\n"), 0o644)
	r.fails(66, []string{"bad.j2", "2", "nosuchfield"}, "template", "render", "fra-spine-01", "--path", dir, "-t", "bad.j2")
	os.WriteFile(filepath.Join(dir, "broken.j2"), []byte("{% if x %}\nno end\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "hdr.j2"), []byte("{# template-match: interface (||.* #}\nx\n"), 0o644)
	r.fails(66, []string{"broken.j2", "hdr.j2"}, "template", "validate", dir)
	if out := r.ok("template", "validate", "../examples/templates", "-o", "table"); !strings.HasPrefix(out, "ok:") {
		t.Fatalf("demo templates do not validate: %s", out)
	}
	// A node whose policies assign no template and no -t.
	r.fails(66, []string{"no templates", "-t TEMPLATE"}, "template", "render", "nyc-fw-01")
}
