package gitsync

import (
	"context"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

func TestExportCommitsAndPushes(t *testing.T) {
	repo := testutil.NewGitRepo(t, "intent")
	repo.Commit("main", "policies", map[string]string{"policies/a.rules": "RULE \"x\" WHEN node.vendor == \"cisco\" THEN APPLY \"x.j2\"\n",
		"inventory/old.yaml": "- stale\n"})
	s := newSyncer(t, nil)
	src := testSource(repo.URL())
	ctx := context.Background()
	files := map[string][]byte{"nodes.yaml": []byte("- name: r1\n  vendor: cisco\n"), "links.yaml": []byte("[]\n")}
	if _, err := s.Export(ctx, src, files, ExportOptions{}); err == nil {
		t.Fatal("an export without a directory must be refused")
	}
	res, err := s.Export(ctx, src, files, ExportOptions{Dir: "inventory", AuthorName: "alice", AuthorEmail: "alice@example.net", Message: "Export inventory\n"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed || res.Commit != repo.Head("main") || res.Parent == "" || res.Files != 2 {
		t.Fatalf("export: %+v (head %s)", res, repo.Head("main"))
	}
	if got := repo.Show("main", "inventory/nodes.yaml"); strings.TrimSpace(got) != "- name: r1\n  vendor: cisco" {
		t.Fatalf("exported file: %q", got)
	}
	if !strings.Contains(repo.Show("main", "policies/a.rules"), "RULE") {
		t.Fatal("files outside the export directory were lost")
	}
	if author := repo.BareGit("log", "-1", "--format=%an <%ae>", "main"); strings.TrimSpace(author) != "alice <alice@example.net>" {
		t.Fatalf("author: %q", author)
	}
	if ls := repo.BareGit("ls-tree", "-r", "--name-only", "main", "inventory/"); strings.Contains(ls, "old.yaml") {
		t.Fatalf("stale exported file kept: %s", ls)
	}
	// The same export again changes nothing.
	again, err := s.Export(ctx, src, files, ExportOptions{Dir: "inventory"})
	if err != nil || again.Changed || again.Commit != res.Commit {
		t.Fatalf("second export: %+v %v", again, err)
	}
}
