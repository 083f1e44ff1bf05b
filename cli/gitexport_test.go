package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

// TestGitExportInventoryAsCode: the inventory is written into the source's
// repository in the import format, committed as the actor and pushed; the
// exported files import back.
func TestGitExportInventoryAsCode(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	repo := testutil.NewGitRepo(t, "intent")
	repo.Commit("main", "policies", map[string]string{"base.rules": gitRule("base")})
	r.ok("git", "sources", "add", "intent", "--url", repo.URL(), "--branch", "main", "--kind", "policies")
	var res map[string]any
	if err := json.Unmarshal([]byte(r.ok("git", "export", "intent", "--message", "Inventory snapshot")), &res); err != nil {
		t.Fatal(err)
	}
	if res["changed"] != true || res["commit"] != repo.Head("main") || res["files"] != float64(4) {
		t.Fatalf("export: %v (head %s)", res, repo.Head("main"))
	}
	if author := strings.TrimSpace(repo.BareGit("log", "-1", "--format=%an|%s", "main")); author != "tester|Inventory snapshot" {
		t.Fatalf("commit: %q", author)
	}
	if nodes := repo.Show("main", "inventory/nodes.yaml"); !strings.Contains(nodes, "name: lon-core-01") {
		t.Fatalf("nodes.yaml: %.200s", nodes)
	}
	if out := r.ok("git", "export", "intent", "-o", "table"); !strings.Contains(out, "unchanged") {
		t.Fatalf("second export: %s", out)
	}
	// The export is in the change log.
	var ch []map[string]any
	json.Unmarshal([]byte(r.ok("changes", "list", "--object", "git_source/intent", "--limit", "5")), &ch)
	found := false
	for _, c := range ch {
		found = found || c["op"] == "export"
	}
	if !found {
		t.Fatalf("no export change row: %v", ch)
	}
	// The exported files import back into an empty database.
	repo.Git("pull", "-q", "origin", "main")
	r2 := newRunner(t)
	r2.ok("import", repo.Work+"/inventory")
	if n := r2.nodeCount(); n != 51 {
		t.Fatalf("the export imports %d nodes, want 51", n)
	}
}

// TestGitExportWithoutBranch: a source added without --branch follows the
// remote's default branch, and export commits there; an environment that
// follows a tag is refused with what to pass instead.
func TestGitExportWithoutBranch(t *testing.T) {
	r := newRunner(t)
	r.ok("demo")
	repo := testutil.NewGitRepo(t, "intent")
	repo.Commit("main", "policies", map[string]string{"base.rules": gitRule("base")})
	repo.Git("tag", "v1", "main")
	repo.Git("push", "-q", "origin", "v1")
	r.ok("git", "sources", "add", "intent", "--url", repo.URL(), "--kind", "policies")
	r.ok("git", "sources", "add", "frozen", "--url", repo.URL(), "--kind", "policies", "--tag", "v1")
	var res map[string]any
	if err := json.Unmarshal([]byte(r.ok("git", "export", "intent")), &res); err != nil {
		t.Fatal(err)
	}
	if res["branch"] != "main" || res["changed"] != true || res["commit"] != repo.Head("main") {
		t.Fatalf("export: %v (head %s)", res, repo.Head("main"))
	}
	r.fails(66, []string{"frozen", "follows no branch", "--branch"}, "git", "export", "frozen")
}
