package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

func gitRule(id string) string {
	return "RULE \"" + id + "\" SEVERITY low\nWHEN node.lifecycle == \"live\"\nTHEN ASSERT node.role IS NOT NULL\n"
}

// gitStatusJSON returns `unet git status -o json` decoded.
func gitStatusJSON(r *runner, args ...string) []map[string]any {
	r.t.Helper()
	var sts []map[string]any
	out := r.ok(append([]string{"git", "status", "-o", "json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &sts); err != nil {
		r.t.Fatalf("git status -o json: %v\n%s", err, out)
	}
	return sts
}

func envCommit(t *testing.T, st map[string]any, env string) string {
	t.Helper()
	for _, e := range st["environments"].([]any) {
		if m := e.(map[string]any); m["name"] == env {
			c, _ := m["active_commit"].(string)
			return c
		}
	}
	t.Fatalf("no environment %s in %v", env, st["environments"])
	return ""
}

// TestGitCommands drives the git command tree against a real repository:
// sources, sync (with a rejected commit: exit 66, file:line, old snapshot
// kept), status, log, pin/unpin and promotion with a same-file conflict (exit
// 1, both hashes listed, nothing pushed) resolved with --prefer.
func TestGitCommands(t *testing.T) {
	r := newRunner(t)
	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base")})
	repo.Branch("staging", "main")
	repo.Branch("production", "main")

	r.fails(64, []string{"NAME=BRANCH"}, "git", "sources", "add", "net", "--url", repo.URL(), "--env", "staging")
	r.fails(64, []string{"url"}, "git", "sources", "add", "net")
	r.fails(66, []string{"kind"}, "git", "sources", "add", "net", "--url", repo.URL(), "--kind", "pictures")
	r.fails(66, []string{"auth.token_ref"}, "git", "sources", "add", "net", "--url", repo.URL(), "--auth", "hunter2")
	r.ok("git", "sources", "add", "net", "--url", repo.URL(), "--branch", "main", "--kind", "policies",
		"--env", "staging=staging", "--env", "production=production", "--interval", "10m")
	r.fails(1, []string{"already exists"}, "git", "sources", "add", "net", "--url", repo.URL())
	if out := r.ok("git", "sources", "list", "-o", "table"); !strings.Contains(out, "production=production, staging=staging") {
		t.Fatalf("sources list: %s", out)
	}
	r.ok("git", "sources", "add", "remote", "--url", "https://git.example.net/net/policies.git", "--auth", "env:UNET_GIT_TOKEN")
	if out := r.ok("git", "sources", "show", "remote", "-o", "table"); !strings.Contains(out, "env:UNET_GIT_TOKEN") || !strings.Contains(out, "HEAD") {
		t.Fatalf("sources show: %s", out)
	}
	r.ok("git", "sources", "remove", "remote")
	r.fails(1, []string{"not found"}, "git", "sources", "show", "remote")

	// Status before any sync, then the first sync.
	if sts := gitStatusJSON(r); len(sts) != 1 || sts[0]["active_commit"] != "" || sts[0]["next_run"] == nil {
		t.Fatalf("status before sync: %v", sts)
	}
	if out := r.ok("git", "sync", "-o", "table"); strings.Count(out, "activated") != 3 {
		t.Fatalf("sync: %s", out)
	}
	st := gitStatusJSON(r, "net")[0]
	for _, k := range []string{"name", "url", "branch", "active_commit", "active_message", "last_attempt", "last_success", "last_error", "next_run", "environments", "files"} {
		if _, ok := st[k]; !ok {
			t.Errorf("git status -o json lacks %s: %v", k, st)
		}
	}
	if st["active_commit"] != c1 || st["active_message"] != "baseline" || st["branch"] != "main" || st["last_error"] != "" ||
		envCommit(t, st, "staging") != c1 || len(st["files"].([]any)) != 1 {
		t.Fatalf("status: %v", st)
	}
	dataDir := filepath.Join(filepath.Dir(strings.TrimPrefix(r.db, "sqlite://")), "unet-data")
	if _, err := os.Stat(filepath.Join(dataDir, "repos", "net.git")); err != nil {
		t.Fatalf("the data directory is not beside the database: %v", err)
	}

	// A commit that does not parse: exit 66 with file:line, c1 stays active.
	repo.Commit("main", "broken", map[string]string{"bad.rules": "RULE \"broken\"\nWHEN node.role ==\nTHEN ASSERT true\n"})
	res := r.fails(66, []string{"bad.rules:3:1", "previous snapshot stays active"}, "git", "sync", "net")
	if !strings.Contains(res.stdout, "rejected") {
		t.Fatalf("sync output: %s", res.stdout)
	}
	st = gitStatusJSON(r)[0]
	if st["active_commit"] != c1 || !strings.Contains(st["last_error"].(string), "bad.rules:3:1") {
		t.Fatalf("status after a rejected commit: %v", st)
	}
	if out := r.ok("git", "status", "-o", "table"); !strings.Contains(out, "bad.rules:3:1") || !strings.Contains(out, "ENVIRONMENT") {
		t.Fatalf("status table: %s", out)
	}
	if out := r.ok("git", "log", "net", "-o", "table"); !strings.Contains(out, "rejected") || strings.Count(out, "activated") != 3 {
		t.Fatalf("log: %s", out)
	}
	r.fails(1, []string{"not found"}, "git", "log", "nope")

	// The rejected commit is reported again until the branch is fixed.
	r.fails(66, []string{"bad.rules:3:1"}, "git", "sync")
	repo.Commit("main", "fixed", map[string]string{"bad.rules": gitRule("fixed")})

	// Pin an environment and release it.
	repo.Commit("production", "prod rules", map[string]string{"prod.rules": gitRule("prod")})
	r.ok("git", "sync", "net", "--data-dir", dataDir)
	r.fails(66, []string{"no environment"}, "git", "pin", "net", c1, "--env", "qa")
	if out := r.ok("git", "pin", "net", c1[:10], "--env", "production", "-o", "table"); !strings.Contains(out, "pinned net/production to "+c1[:12]) {
		t.Fatalf("pin: %s", out)
	}
	st = gitStatusJSON(r)[0]
	if envCommit(t, st, "production") != c1 {
		t.Fatalf("pinned production: %v", st["environments"])
	}
	if out := r.ok("git", "unpin", "net", "--env", "production", "-o", "table"); !strings.Contains(out, "activated") {
		t.Fatalf("unpin: %s", out)
	}
	if out := r.ok("changes", "list", "-o", "json"); !strings.Contains(out, `"op": "pin"`) || !strings.Contains(out, `"op": "unpin"`) ||
		!strings.Contains(out, `"object_kind": "git_source"`) {
		t.Fatalf("change log: %s", out)
	}

	// Same-file conflict: nothing pushed, both hashes listed; --prefer source
	// merges.
	repo.Commit("staging", "staging base", map[string]string{"base.rules": gitRule("base-staging")})
	repo.Commit("production", "production base", map[string]string{"base.rules": gitRule("base-production")})
	r.ok("git", "sync")
	prodBefore := repo.Head("production")
	srcHash := repo.BareGit("rev-parse", "staging:base.rules")
	dstHash := repo.BareGit("rev-parse", "production:base.rules")
	r.fails(64, []string{"--prefer"}, "git", "promote", "net", "--from", "staging", "--to", "production", "--prefer", "mine")
	r.fails(1, []string{"base.rules", srcHash, dstHash, "nothing was pushed"}, "git", "promote", "net", "--from", "staging", "--to", "production")
	if repo.Head("production") != prodBefore {
		t.Fatal("a conflicting promotion pushed")
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(r.ok("git", "promote", "net", "--from", "staging", "--to", "production", "--prefer", "source")), &p); err != nil {
		t.Fatal(err)
	}
	if p["kind"] != "merge" || repo.Head("production") != p["target_after"] || repo.Show("production", "base.rules") != strings.TrimSpace(gitRule("base-staging")) {
		t.Fatalf("promotion with --prefer source: %v", p)
	}
	if envCommit(t, gitStatusJSON(r)[0], "production") != p["target_after"] {
		t.Fatal("the merge commit is not active in production")
	}

	r.ok("git", "sources", "remove", "net")
	r.fails(1, []string{"not found"}, "git", "status", "net")
	if out := r.ok("git", "status"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("status without sources: %s", out)
	}
}
