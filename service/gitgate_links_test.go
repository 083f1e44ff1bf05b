package service_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
)

// TestGitLinksThroughLinksRejected: symbolic links that each look inside
// the snapshot when read alone but leave it when resolved through one
// another (x → "..", y → "x/..") are refused, so a test case file linked
// through them cannot make the gate read (and report) a file outside the
// snapshot; the previous commit stays active.
func TestGitLinksThroughLinksRejected(t *testing.T) {
	svc := newService(t, "sqlite")
	ctx := actx()
	svc.SetGitDataDir(t.TempDir())
	outside := filepath.Join(t.TempDir(), "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := "cases:\n  - name: OUTSIDE-CONTENT\n    node: {name: x, lifecycle: live}\n    expect: {base: pass}\n"
	if err := os.WriteFile(filepath.Join(outside, "leak.yaml"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	repo := testutil.NewGitRepo(t, "links")
	c1 := repo.Commit("main", "rules with tests", map[string]string{"base.rules": rule("base"), "tests/base.yaml": gateCases(false)})
	ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "links", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{})).v(t)
	ok(svc.SyncGitSource(ctx, "links", "")).v(t)

	// deep/x resolves to the snapshot's root; deep/y, whose text stays
	// inside, goes one level further up, far enough to reach "/"; the case
	// file is linked through y to the file outside.
	deep := strings.TrimSuffix(strings.Repeat("d/", 16), "/")
	link := func(name, target string) {
		t.Helper()
		full := filepath.Join(repo.Work, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, full); err != nil {
			t.Fatal(err)
		}
		repo.Git("add", "--", name)
	}
	link(deep+"/x", strings.TrimSuffix(strings.Repeat("../", 16), "/"))
	link(deep+"/y", "x/"+strings.TrimSuffix(strings.Repeat("../", 17), "/"))
	link("tests/leak.yaml", "../"+deep+"/y"+outside+"/leak.yaml")
	repo.Git("commit", "--quiet", "-m", "links through links")
	repo.Git("push", "--quiet", "origin", "HEAD:refs/heads/main")

	res, err := svc.SyncGitSource(ctx, "links", "")
	mustCode(t, err, unet.EINVALID)
	if strings.Contains(err.Error(), "OUTSIDE-CONTENT") {
		t.Fatalf("the gate read a file outside the snapshot: %v", err)
	}
	e := res[0].Environments[0]
	if e.Outcome != unet.GitRejected {
		t.Fatalf("outcome %+v", e)
	}
	bad := map[string]bool{}
	for _, ve := range e.Errors {
		if strings.Contains(ve.Message, "OUTSIDE-CONTENT") {
			t.Fatalf("the gate read a file outside the snapshot: %v", ve)
		}
		if strings.Contains(ve.Message, "leaves the source directory") {
			bad[ve.File] = true
		}
	}
	for _, name := range []string{deep + "/y", "tests/leak.yaml"} {
		if !bad[name] {
			t.Errorf("link %s not refused: %+v", name, e.Errors)
		}
	}
	if st := gitStatusOf(t, svc, "links"); st.ActiveCommit != c1 {
		t.Fatalf("active commit %s, want %s", st.ActiveCommit, c1)
	}
}
