package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplateRenderWithoutPolicies: in a database that is not a demo one and
// with nothing providing policies, `template render NODE` reports that there
// are no policies (and how to give them) instead of asking for -t; with -t it
// renders and warns that no policies were applied.
func TestTemplateRenderWithoutPolicies(t *testing.T) {
	r := newRunner(t)
	r.ok("nodes", "add", "--name", "n1", "--vendor", "cisco", "--platform", "iosxe")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "motd.j2"), []byte("banner {{ node.name }}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := r.fails(66, []string{"no policies", "--path", "Git source"}, "template", "render", "n1", "--path", dir)
	if strings.Contains(res.stderr, "no policy APPLY") {
		t.Fatalf("no-policies error hidden behind the -t hint:\n%s", res.stderr)
	}
	res = r.run("template", "render", "n1", "--path", dir, "-t", "motd.j2")
	if res.code != 0 || res.stdout != "banner n1\n" {
		t.Fatalf("render with -t: exit %d\nstdout: %q\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "warning: no policies were applied") {
		t.Fatalf("no warning that no policies were applied:\n%s", res.stderr)
	}
	var parts struct {
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(r.ok("template", "render", "n1", "--path", dir, "-t", "motd.j2", "-o", "json")), &parts); err != nil {
		t.Fatal(err)
	}
	if len(parts.Warnings) != 1 || !strings.Contains(parts.Warnings[0], "no policies were applied") {
		t.Fatalf("result warnings: %v", parts.Warnings)
	}
}
