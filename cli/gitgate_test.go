package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
)

// TestGitGateAndPromotionApproval drives the CLI against a real repository:
// a commit whose tests/ case fails is rejected (exit 66) and git status
// names the case while the previous commit stays active; a covered
// promotion is proposed (exit 0, the set and next steps), its author
// cannot approve it, and another user's approval then apply promotes.
func TestGitGateAndPromotionApproval(t *testing.T) {
	r := newRunner(t)
	repo := testutil.NewGitRepo(t, "net")
	pass := "cases:\n  - name: core has a role\n    node: {name: c, lifecycle: live, role: core}\n    expect: {base: pass}\n"
	failing := pass + "  - name: roleless passes too\n    node: {name: s, lifecycle: live}\n    expect: {base: pass}\n"
	c1 := repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base"), "tests/base.yaml": pass})
	repo.Branch("staging", "main")
	repo.Branch("production", "main")
	r.ok("git", "sources", "add", "net", "--url", repo.URL(), "--branch", "main", "--kind", "policies",
		"--env", "staging=staging", "--env", "production=production")
	r.ok("git", "sync")

	c2 := repo.Commit("main", "failing case", map[string]string{"tests/base.yaml": failing})
	r.fails(66, []string{"tests/base.yaml:5: case roleless passes too: rule base: status fail, want pass"}, "git", "sync")
	out := r.ok("git", "status", "net", "-o", "table")
	if !strings.Contains(out, "rejected in default: commit "+c2[:12]) || !strings.Contains(out, "case roleless passes too") {
		t.Fatalf("status does not show the failing case:\n%s", out)
	}
	if st := gitStatusJSON(r, "net")[0]; st["active_commit"] != c1 {
		t.Fatalf("active commit %v, want %s", st["active_commit"], c1)
	}
	r.fails(66, []string{"roleless passes too"}, "git", "pin", "net", c2)
	if out := r.ok("git", "log", "net", "-o", "json"); !strings.Contains(out, `"outcome": "rejected"`) || !strings.Contains(out, "roleless passes too") {
		t.Fatalf("log: %s", out)
	}
	c3 := repo.Commit("main", "fixed", map[string]string{"tests/base.yaml": pass})
	r.ok("git", "sync")
	if out := r.ok("git", "status", "net", "-o", "table"); strings.Contains(out, "rejected in") {
		t.Fatalf("status after the fix still shows a rejection:\n%s", out)
	}
	if st := gitStatusJSON(r, "net")[0]; st["active_commit"] != c3 {
		t.Fatalf("active after the fix %v, want %s", st["active_commit"], c3)
	}

	// Promotion to production needs an approval.
	r.as("admin").ok("approvals", "add", "prod-promotions", "--when", `git_source.to == "production"`, "--require", "1")
	s1 := repo.Commit("staging", "staging rules", map[string]string{"more.rules": gitRule("more")})
	r.as("alice").ok("git", "sync")
	out = r.ok("git", "promote", "net", "--from", "staging", "--to", "production", "-o", "table")
	if !strings.Contains(out, "proposed cs-1: Promote Git source net from staging to production") ||
		!strings.Contains(out, "required by approval rule prod-promotions") || !strings.Contains(out, "unet changes apply cs-1") {
		t.Fatalf("proposal output:\n%s", out)
	}
	if repo.Head("production") != c1 {
		t.Fatal("a proposed promotion pushed")
	}
	var res unet.GitPromoteResult
	out = r.ok("git", "promote", "net", "--from", "staging", "--to", "production", "--propose", "second try")
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Kind != "proposed" || res.ChangeSet == nil ||
		res.ChangeSet.ID != "cs-2" || res.ChangeSet.Description != "second try" || res.Commit != s1 {
		t.Fatalf("json proposal: %v %+v", err, res)
	}
	r.fails(64, []string{"--emergency needs --reason"}, "git", "promote", "net", "--from", "staging", "--to", "production", "--emergency")
	r.ok("changes", "abandon", "cs-2", "--reason", "duplicate")
	r.fails(69, nil, "changes", "approve", "cs-1")
	r.as("bob").ok("changes", "approve", "cs-1")
	r.as("alice").ok("changes", "apply", "cs-1")
	if repo.Head("production") != s1 {
		t.Fatalf("production at %s after the apply, want %s", repo.Head("production"), s1)
	}
	if c := envCommit(t, gitStatusJSON(r, "net")[0], "production"); c != s1 {
		t.Fatalf("production active %s, want %s", c, s1)
	}
}
