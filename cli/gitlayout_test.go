package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

// TestGitRejectedSyncKeepsLastSuccess: a sync whose commit is rejected records
// the attempt and the error but not a success; git status explains the
// implicit default environment.
func TestGitRejectedSyncKeepsLastSuccess(t *testing.T) {
	r := newRunner(t)
	repo := testutil.NewGitRepo(t, "net")
	repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base")})
	r.ok("git", "sources", "add", "net", "--url", repo.URL(), "--kind", "policies")
	r.ok("git", "sync")
	first := gitStatusJSON(r)[0]
	if first["last_success"] == nil || first["last_success"] != first["last_attempt"] {
		t.Fatalf("status after a good sync: %v", first)
	}
	repo.Commit("main", "broken", map[string]string{"bad.rules": "RULE \"broken\"\nWHEN node.role ==\nTHEN ASSERT true\n"})
	r.fails(66, []string{"bad.rules:3:1"}, "git", "sync")
	st := gitStatusJSON(r)[0]
	if st["last_success"] != first["last_success"] || st["last_attempt"] == first["last_attempt"] ||
		!strings.Contains(st["last_error"].(string), "bad.rules:3:1") {
		t.Fatalf("status after a rejected sync: last_success %v (before %v), last_attempt %v, last_error %v",
			st["last_success"], first["last_success"], st["last_attempt"], st["last_error"])
	}
	out := r.ok("git", "status", "-o", "table")
	if !strings.Contains(out, `environment "default" is the source's own line, the remote's default branch (HEAD)`) ||
		!strings.Contains(out, "it serves every node") {
		t.Fatalf("status does not explain the default environment:\n%s", out)
	}
}

// TestGitRepositoryWithSubfolders: a source of both kinds whose repository
// keeps rules under policies/ and templates under templates/ validates,
// evaluates and renders with template names relative to templates/.
func TestGitRepositoryWithSubfolders(t *testing.T) {
	r := newRunner(t)
	r.ok("nodes", "add", "--name", "edge1", "--vendor", "generic", "--lifecycle", "live")
	repo := testutil.NewGitRepo(t, "intent")
	repo.Commit("main", "layout", map[string]string{
		"README.md":                     "intent repository\n",
		"policies/base.rules":           gitRule("base") + "\nRULE \"tpl\"\nWHEN node.vendor == \"generic\"\nTHEN APPLY \"generic/hostname.j2\"\n",
		"templates/generic/hostname.j2": "hostname {{ node.name }}\n",
	})
	r.ok("git", "sources", "add", "intent", "--url", repo.URL(), "--branch", "main", "--kind", "both")
	r.ok("git", "sync")
	var rs []map[string]any
	if err := json.Unmarshal([]byte(r.ok("policy", "eval")), &rs); err != nil || len(rs) == 0 {
		t.Fatalf("eval: %v %v", rs, err)
	}
	if f, _ := rs[0]["file"].(string); f != "base.rules" || !strings.HasPrefix(rs[0]["source"].(string), "git:intent@") {
		t.Fatalf("result: %v", rs[0])
	}
	if out := r.ok("template", "render", "edge1"); !strings.Contains(out, "hostname edge1") {
		t.Fatalf("render: %s", out)
	}
	if out := r.ok("template", "list", "-o", "json"); !strings.Contains(out, `"generic/hostname.j2"`) {
		t.Fatalf("list: %s", out)
	}
	// Errors name the file inside the repository.
	repo.Commit("main", "broken", map[string]string{"templates/generic/hostname.j2": "hostname {{ node.name \n"})
	r.fails(66, []string{"templates/generic/hostname.j2"}, "git", "sync")
}

// TestGitSourceDirs: --policies-dir and --templates-dir name where a
// repository keeps its files; a directory missing from a commit rejects it.
func TestGitSourceDirs(t *testing.T) {
	r := newRunner(t)
	r.ok("nodes", "add", "--name", "edge1", "--vendor", "generic", "--lifecycle", "live")
	repo := testutil.NewGitRepo(t, "intent")
	repo.Commit("main", "layout", map[string]string{
		"net/rules/base.rules":        gitRule("base") + "\nRULE \"tpl\"\nWHEN node.vendor == \"generic\"\nTHEN APPLY \"generic/hostname.j2\"\n",
		"net/tpl/generic/hostname.j2": "hostname {{ node.name }}\n",
	})
	r.fails(66, []string{"policies_dir"}, "git", "sources", "add", "bad", "--url", repo.URL(), "--policies-dir", "../up")
	r.ok("git", "sources", "add", "intent", "--url", repo.URL(), "--branch", "main", "--kind", "both",
		"--policies-dir", "net/rules", "--templates-dir", "net/tpl/")
	if out := r.ok("git", "sources", "show", "intent", "-o", "table"); !strings.Contains(out, "net/rules") || !strings.Contains(out, "net/tpl") {
		t.Fatalf("show: %s", out)
	}
	r.ok("git", "sync")
	if out := r.ok("template", "render", "edge1"); !strings.Contains(out, "hostname edge1") {
		t.Fatalf("render: %s", out)
	}
	var rs []map[string]any
	if err := json.Unmarshal([]byte(r.ok("policy", "eval")), &rs); err != nil || len(rs) == 0 || rs[0]["file"] != "base.rules" {
		t.Fatalf("eval: %v %v", rs, err)
	}
	repo.Commit("main", "moved", map[string]string{"other/base.rules": gitRule("base")}, "net/rules/base.rules")
	r.fails(66, []string{"net/rules", "not in the commit"}, "git", "sync")
}
