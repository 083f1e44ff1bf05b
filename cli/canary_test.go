package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
)

const canaryTestRules = `RULE "has-role" SEVERITY low
WHEN node.lifecycle == "live"
THEN ASSERT node.role IS NOT NULL

RULE "base-config" SEVERITY low
WHEN node.lifecycle == "live"
THEN APPLY "base.j2"
`

const canaryTestAccessRule = `RULE "access-vlan" SEVERITY high
WHEN node.role == "access"
THEN ASSERT node.custom_data.vlan IS NOT NULL
`

// TestCanaryCommandsAgainstServer drives the canary commands through a real
// `unet serve` and a real Git repository: start (commit, branch and path
// candidates), the one-per-environment conflict, status with --diff and
// --check, list, abort, promote of a path candidate (committed to the
// branch), and TTL expiry by the server's canary job.
func TestCanaryCommandsAgainstServer(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "unet.toml")
	content := "[server]\ncanary_interval = \"200ms\"\n\n[database]\nurl = \"sqlite://" + filepath.Join(dir, "unet.db") +
		"\"\n\n[git]\nallow_local_urls = true\n"
	if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	url, logs, _ := startServe(t, []string{"--config", cfg, "--no-snmp"}, nil)
	run := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := Run(context.Background(), append([]string{"--server", url}, args...),
			Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
		return out.String(), errb.String(), code
	}
	ok := func(args ...string) string {
		t.Helper()
		out, errs, code := run(args...)
		if code != 0 {
			t.Fatalf("unet %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		return out
	}
	fails := func(code int, want string, args ...string) {
		t.Helper()
		out, errs, got := run(args...)
		if got != code || !strings.Contains(errs, want) {
			t.Fatalf("unet %s: exit %d, want %d mentioning %q\n%s%s", strings.Join(args, " "), got, code, want, out, errs)
		}
	}

	repo := testutil.NewGitRepo(t, "net")
	repo.Commit("main", "active rules", map[string]string{"policies/base.rules": canaryTestRules, "templates/base.j2": "hostname {{ node.name }}\n"})
	repo.Branch("candidate", "main")
	c2 := repo.Commit("candidate", "access switches need a VLAN", map[string]string{"policies/access.rules": canaryTestAccessRule,
		"templates/base.j2": "hostname {{ node.name }}\nntp server 192.0.2.123\n"})
	ok("git", "sources", "add", "net", "--url", repo.URL(), "--branch", "main", "--kind", "both")
	ok("git", "sync", "net")
	for _, site := range []string{"SiteA", "SiteB"} {
		ok("locations", "add", "--name", site, "--type", "site")
		p := strings.ToLower(site[len(site)-1:])
		ok("nodes", "add", "--name", p+"-access1", "--vendor", "generic", "--role", "access", "--location", site, "--lifecycle", "live")
		ok("nodes", "add", "--name", p+"-core1", "--vendor", "generic", "--role", "core", "--location", site, "--lifecycle", "live")
	}
	sel := `location.name == "SiteA" AND node.role == "access"`

	fails(ExitUsage, "exactly one of --commit, --branch or --path", "canary", "start", "x", "--source", "net", "--select", sel, "--ttl", "1h")
	fails(ExitUsage, "--ttl is required", "canary", "start", "x", "--source", "net", "--commit", c2, "--select", sel)
	fails(ExitInvalid, "selector", "canary", "start", "x", "--source", "net", "--commit", c2, "--select", "node.role ==", "--ttl", "1h")

	var c unet.Canary
	if err := json.Unmarshal([]byte(ok("canary", "start", "vlan", "--source", "net", "--branch", "candidate", "--select", sel,
		"--ttl", "1h", "-o", "json")), &c); err != nil || c.Commit != c2 || c.State != unet.CanaryActive {
		t.Fatalf("start: %+v %v", c, err)
	}
	fails(ExitFailure, "one canary per source and environment", "canary", "start", "other", "--source", "net", "--commit", c2,
		"--select", `node.role == "core"`, "--ttl", "1h")
	status := ok("canary", "status", "vlan", "--diff", "-o", "table")
	for _, want := range []string{"verdict: fail (1 new failure(s))", "a-access1", "new_failure access-vlan: - → fail", "+ntp server 192.0.2.123"} {
		if !strings.Contains(status, want) {
			t.Fatalf("status lacks %q:\n%s", want, status)
		}
	}
	if strings.Contains(status, "b-access1") {
		t.Fatalf("status shows a node the canary does not select:\n%s", status)
	}
	fails(ExitDifferent, "", "canary", "status", "vlan", "--check")
	if out := ok("canary", "list", "-o", "table"); !strings.Contains(out, "vlan") || !strings.Contains(out, "fail (1 new failures)") {
		t.Fatalf("list:\n%s", out)
	}
	// Rendering on the server follows the canary.
	if out := ok("template", "render", "a-access1"); !strings.Contains(out, "ntp server") {
		t.Fatalf("a-access1 does not render the candidate:\n%s", out)
	}
	if out := ok("template", "render", "b-access1"); strings.Contains(out, "ntp server") {
		t.Fatalf("b-access1 renders the candidate:\n%s", out)
	}
	ok("canary", "abort", "vlan", "--reason", "seen enough")
	fails(ExitFailure, "not active", "canary", "abort", "vlan")

	// A path candidate: files of a local directory, refused when they do
	// not validate, promoted as a commit on the branch.
	local := t.TempDir()
	for p, text := range map[string]string{"policies/base.rules": canaryTestRules, "policies/access.rules": canaryTestAccessRule,
		"templates/base.j2": "hostname {{ node.name }}\nlogging host 192.0.2.9\n", ".git/config": "ignored"} {
		if err := os.MkdirAll(filepath.Join(local, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(local, p), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bad := t.TempDir()
	if err := os.MkdirAll(filepath.Join(bad, "policies"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "policies", "bad.rules"), []byte("RULE \"broken\"\nWHEN node.role ==\nTHEN ASSERT true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fails(ExitInvalid, "policies/bad.rules:3:1", "canary", "start", "bad", "--source", "net", "--path", bad, "--select", sel, "--ttl", "1h")
	if err := json.Unmarshal([]byte(ok("canary", "start", "local", "--source", "net", "--path", local, "--select", sel,
		"--ttl", "1h", "-o", "json")), &c); err != nil || !strings.HasPrefix(c.Commit, "sha256:") || c.CandidateKind != unet.CanaryPath {
		t.Fatalf("path start: %+v %v", c, err)
	}
	var rep unet.CanaryReport
	if err := json.Unmarshal([]byte(ok("canary", "status", "local", "-o", "json")), &rep); err != nil ||
		rep.Summary.NewFailures != 1 || rep.Summary.ChangedConfigs != 1 || rep.Summary.Nodes != 1 {
		t.Fatalf("path status: %+v %v", rep.Summary, err)
	}
	ok("canary", "promote", "local")
	head := repo.Head("main")
	if got := repo.Show(head, "policies/access.rules"); got != strings.TrimSpace(canaryTestAccessRule) {
		t.Fatalf("main after promotion has access.rules %q", got)
	}
	if out := ok("git", "status", "net", "-o", "table"); !strings.Contains(out, head[:12]) {
		t.Fatalf("git status after promotion does not show %s:\n%s", head[:12], out)
	}
	if out := ok("template", "render", "b-core1"); !strings.Contains(out, "logging host 192.0.2.9") {
		t.Fatalf("b-core1 after promotion:\n%s", out)
	}

	// TTL expiry by the server's canary job.
	ok("canary", "start", "short", "--source", "net", "--commit", c2, "--select", sel, "--ttl", "1s")
	deadline := time.Now().Add(20 * time.Second)
	for {
		var list []unet.Canary
		if err := json.Unmarshal([]byte(ok("canary", "list", "--all", "-o", "json")), &list); err != nil {
			t.Fatal(err)
		}
		states := map[string]string{}
		for _, c := range list {
			states[c.Name] = c.State + "/" + c.EndReason
		}
		if states["short"] == "expired/ttl" {
			if states["vlan"] != "aborted/manual" || states["local"] != "promoted/promoted" {
				t.Fatalf("states: %v", states)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the canary did not expire: %v\n%s", states, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
