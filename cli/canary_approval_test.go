package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
)

// TestCanaryPromotionApprovalAgainstServer drives `canary promote` through
// a real `unet serve` when an approval rule covers the environment: the
// promotion is proposed (exit 0, the set, the rule and next steps; -o json
// the structured answer), nothing is pushed and the canary stays active;
// its author cannot approve the set; another user's approval then the
// author's apply promote the candidate and end the canary as promoted.
func TestCanaryPromotionApprovalAgainstServer(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "unet.toml")
	content := "[database]\nurl = \"sqlite://" + filepath.Join(dir, "unet.db") + "\"\n\n[git]\nallow_local_urls = true\n"
	if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	url, _, _ := startServe(t, []string{"--config", cfg, "--no-snmp"}, nil)
	run := func(actor string, args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		env := map[string]string{"UNET_ACTOR": actor}
		code := Run(context.Background(), append([]string{"--server", url}, args...),
			Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
		return out.String(), errb.String(), code
	}
	ok := func(actor string, args ...string) string {
		t.Helper()
		out, errs, code := run(actor, args...)
		if code != 0 {
			t.Fatalf("unet %s (as %s): exit %d\n%s%s", strings.Join(args, " "), actor, code, out, errs)
		}
		return out
	}
	fails := func(code int, want, actor string, args ...string) {
		t.Helper()
		out, errs, got := run(actor, args...)
		if got != code || !strings.Contains(errs, want) {
			t.Fatalf("unet %s (as %s): exit %d, want %d mentioning %q\n%s%s", strings.Join(args, " "), actor, got, code, want, out, errs)
		}
	}
	canary := func(name string) unet.Canary {
		t.Helper()
		var list []unet.Canary
		if err := json.Unmarshal([]byte(ok("alice", "canary", "list", "--all", "-o", "json")), &list); err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			if c.Name == name {
				return c
			}
		}
		t.Fatalf("no canary %s in %+v", name, list)
		return unet.Canary{}
	}

	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "active rules", map[string]string{"policies/base.rules": canaryTestRules, "templates/base.j2": "hostname {{ node.name }}\n"})
	repo.Branch("production", "main")
	repo.Branch("candidate", "main")
	c2 := repo.Commit("candidate", "access switches need a VLAN", map[string]string{"policies/access.rules": canaryTestAccessRule})
	ok("alice", "git", "sources", "add", "net", "--url", repo.URL(), "--branch", "main", "--kind", "both", "--env", "production=production")
	ok("alice", "git", "sync", "net")
	ok("alice", "locations", "add", "--name", "SiteA", "--type", "site")
	ok("alice", "nodes", "add", "--name", "a-access1", "--vendor", "generic", "--role", "access", "--location", "SiteA", "--lifecycle", "live")
	ok("admin", "approvals", "add", "prod-promotions", "--when", `git_source.to == "production"`, "--require", "1")
	ok("alice", "canary", "start", "rel", "--source", "net", "--env", "production", "--commit", c2,
		"--select", `node.role == "access"`, "--ttl", "1h")

	out := ok("alice", "canary", "promote", "rel", "-o", "table")
	for _, want := range []string{"proposed cs-1: Promote canary rel: commit " + c2[:12] + " of net to production",
		"nothing was pushed: canary rel stays active", "required by approval rule prod-promotions: 1 approval(s)",
		"unet changes approve cs-1", "unet changes apply cs-1"} {
		if !strings.Contains(out, want) {
			t.Fatalf("proposal output lacks %q:\n%s", want, out)
		}
	}
	if repo.Head("production") != c1 || canary("rel").State != unet.CanaryActive {
		t.Fatal("a proposed canary promotion pushed or ended the canary")
	}
	var res unet.CanaryPromoteResult
	out = ok("alice", "canary", "promote", "rel", "--propose", "second try", "-o", "json")
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Kind != unet.CanaryPromoteProposed || res.ChangeSet == nil ||
		res.ChangeSet.ID != "cs-2" || res.ChangeSet.Description != "second try" || res.Canary == nil || res.Canary.State != unet.CanaryActive {
		t.Fatalf("json proposal: %v\n%s", err, out)
	}
	fails(ExitUsage, "--emergency needs --reason", "alice", "canary", "promote", "rel", "--emergency")
	fails(ExitUsage, "--propose needs a reason", "alice", "canary", "promote", "rel", "--propose", " ")
	ok("alice", "changes", "abandon", "cs-2", "--reason", "duplicate")
	// The API answers a proposal 202 with the set; the body is optional.
	req, err := http.NewRequest(http.MethodPost, url+"/api/v1/canaries/rel/promote", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Unet-Actor", "alice")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res = unet.CanaryPromoteResult{}
	derr := json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || derr != nil || res.Kind != unet.CanaryPromoteProposed || res.ChangeSet == nil || res.ChangeSet.ID != "cs-3" {
		t.Fatalf("API proposal: %d %v %+v", resp.StatusCode, derr, res)
	}
	ok("alice", "changes", "abandon", "cs-3", "--reason", "duplicate")

	show := ok("alice", "changes", "show", "cs-1", "-o", "table")
	for _, want := range []string{"1. promote canary rel", "rule prod-promotions: 0/1 approvals; matched git_source/net", `from: null → "canary:rel"`} {
		if !strings.Contains(show, want) {
			t.Fatalf("changes show lacks %q:\n%s", want, show)
		}
	}
	fails(ExitAuth, "", "alice", "changes", "approve", "cs-1")
	ok("bob", "changes", "approve", "cs-1")
	ok("alice", "changes", "apply", "cs-1")
	if repo.Head("production") != c2 {
		t.Fatalf("production at %s after the apply, want %s", repo.Head("production"), c2)
	}
	if c := canary("rel"); c.State != unet.CanaryPromoted || c.EndReason != unet.CanaryReasonPromoted || c.EndedBy != "alice" {
		t.Fatalf("canary after the apply: %+v", c)
	}
	if out := ok("alice", "changes", "show", "cs-1", "-o", "json"); !strings.Contains(out, `"state": "applied"`) {
		t.Fatalf("cs-1 after the apply:\n%s", out)
	}
}
