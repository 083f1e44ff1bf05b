package gitsync

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

// promoteSetup returns a repository whose production branch is at the first
// commit and whose staging branch has one more commit changing stagingFiles,
// and a source over url(repo) with both environments, synced.
func promoteSetup(t *testing.T, stagingFiles map[string]string, url func(*testutil.GitRepo) string) (*testutil.GitRepo, *Syncer, Source, string, string) {
	t.Helper()
	r, first := newRepo(t)
	r.Branch("production", first)
	staged := r.Commit("staging", "staging work", stagingFiles)
	s := newSyncer(t, nil)
	src := testSource(url(r))
	src.Environments = map[string]string{"staging": "staging", "production": "production"}
	mustSync(t, s, src)
	return r, s, src, first, staged
}

func fileURL(r *testutil.GitRepo) string { return r.URL() }

func TestPromoteFastForward(t *testing.T) {
	r, s, src, first, staged := promoteSetup(t, map[string]string{"core.rules": "# staged\n"}, fileURL)
	res, err := s.Promote(context.Background(), src, "staging", "production", PromoteOptions{})
	if err != nil {
		t.Fatalf("promote: %v", err)
	}
	if res.Kind != PromoteFastForward || res.Commit != staged || res.TargetBefore != first || res.TargetAfter != staged {
		t.Fatalf("promote result: %+v", res)
	}
	if got := r.Head("production"); got != staged {
		t.Fatalf("production upstream = %s, want %s", got, staged)
	}
	if res.Activation == nil || res.Activation.Outcome != OutcomeActivated || res.Activation.Trigger != TriggerPromote {
		t.Fatalf("activation after promote: %+v", res.Activation)
	}
	if got := active(t, s, src, "production").Commit; got != staged {
		t.Fatalf("production active = %s, want %s", got, staged)
	}
	// Promoting again changes nothing.
	res, err = s.Promote(context.Background(), src, "staging", "production", PromoteOptions{})
	if err != nil || res.Kind != PromoteUpToDate || res.TargetAfter != "" {
		t.Fatalf("second promote: %+v %v", res, err)
	}
}

func TestPromoteDisjointDivergenceCreatesMergeOverHTTP(t *testing.T) {
	var srv *testutil.GitHTTPServer
	httpURL := func(r *testutil.GitRepo) string {
		r.EnableHTTPPush()
		srv = testutil.ServeGitHTTP(t, r.Root, "deployer", "pw")
		return srv.RepoURL(r)
	}
	r, s, src, _, staged := promoteSetup(t, map[string]string{"core.rules": "# staged\n"}, func(r *testutil.GitRepo) string { return r.URL() })
	// Serve the same repository over HTTP with credentials; a push needs
	// them.
	src.URL = httpURL(r)
	src.Auth = &Auth{Username: "deployer", PasswordRef: "pw"}
	s.secrets = func(context.Context, string) (string, error) { return "pw", nil }
	hotfix := r.Commit("production", "hotfix", map[string]string{"templates/aaa.j2": "aaa new-model\naaa authentication login default local\n"})
	mustSync(t, s, src)

	res, err := s.Promote(context.Background(), src, "staging", "production", PromoteOptions{AuthorName: "Alice", AuthorEmail: "alice@example.net"})
	if err != nil {
		t.Fatalf("promote: %v", err)
	}
	if res.Kind != PromoteMerge || res.TargetBefore != hotfix || len(res.Conflicts) != 0 {
		t.Fatalf("promote result: %+v", res)
	}
	head := r.Head("production")
	if head != res.TargetAfter {
		t.Fatalf("production upstream = %s, want merge %s", head, res.TargetAfter)
	}
	if parents := r.BareGit("log", "-1", "--format=%P", head); parents != hotfix+" "+staged {
		t.Fatalf("merge parents = %q, want %s %s", parents, hotfix, staged)
	}
	if author := r.BareGit("log", "-1", "--format=%an <%ae>", head); author != "Alice <alice@example.net>" {
		t.Fatalf("merge author = %q", author)
	}
	if r.Show(head, "core.rules") != "# staged" || !strings.Contains(r.Show(head, "templates/aaa.j2"), "authentication") {
		t.Fatal("merge commit lacks one side's change")
	}
	if r.BareGit("fsck", "--no-progress") != "" {
		t.Fatal("repository not consistent after the merge push")
	}
	if got := active(t, s, src, "production").Commit; got != head {
		t.Fatalf("production active = %s, want the merge %s", got, head)
	}
}

func TestPromoteSameFileConflict(t *testing.T) {
	r, s, src, _, staged := promoteSetup(t, map[string]string{"core.rules": "# staged\n", "site/new.rules": "# new\n"}, fileURL)
	hotfix := r.Commit("production", "hotfix", map[string]string{"core.rules": "# hotfix\n"})
	mustSync(t, s, src)

	res, err := s.Promote(context.Background(), src, "staging", "production", PromoteOptions{})
	if !errors.Is(err, ErrConflict) || res.Kind != PromoteConflict {
		t.Fatalf("promote: %+v %v, want a conflict", res, err)
	}
	if len(res.Conflicts) != 1 {
		t.Fatalf("conflicts = %+v, want core.rules only", res.Conflicts)
	}
	c := res.Conflicts[0]
	if c.Path != "core.rules" || c.SourceHash != r.BareGit("rev-parse", staged+":core.rules") ||
		c.TargetHash != r.BareGit("rev-parse", hotfix+":core.rules") || c.BaseHash == "" {
		t.Fatalf("conflict = %+v", c)
	}
	if got := r.Head("production"); got != hotfix {
		t.Fatalf("production moved to %s on conflict; nothing may be pushed", got)
	}

	for _, tc := range []struct {
		prefer Prefer
		want   string
	}{{PreferTarget, "# hotfix"}, {PreferSource, "# staged"}} {
		// Start each resolution from the diverged state again.
		r.Branch("production", hotfix)
		mustSync(t, s, src)
		before := r.Head("production")
		res, err := s.Promote(context.Background(), src, "staging", "production", PromoteOptions{Prefer: tc.prefer})
		if err != nil || res.Kind != PromoteMerge || len(res.Conflicts) != 1 {
			t.Fatalf("promote --prefer %s: %+v %v", tc.prefer, res, err)
		}
		head := r.Head("production")
		if head == before || r.Show(head, "core.rules") != tc.want || r.Show(head, "site/new.rules") != "# new" {
			t.Fatalf("--prefer %s: core.rules = %q", tc.prefer, r.Show(head, "core.rules"))
		}
	}
}

func TestPromoteRefusedByProtectedRemote(t *testing.T) {
	var srvURL string
	r, s, src, first, _ := promoteSetup(t, map[string]string{"core.rules": "# staged\n"}, func(r *testutil.GitRepo) string {
		// http.receivepack stays off: the server refuses pushes.
		srvURL = testutil.ServeGitHTTP(t, r.Root, "", "").RepoURL(r)
		return srvURL
	})
	_, err := s.Promote(context.Background(), src, "staging", "production", PromoteOptions{})
	var re *RemoteError
	if !errors.As(err, &re) || re.Op != "push" || re.Retryable {
		t.Fatalf("promote to protected remote: err = %v, want a permanent push error", err)
	}
	if r.Head("production") != first {
		t.Fatal("protected branch moved")
	}
	if _, err := s.Promote(context.Background(), src, "staging", "staging", PromoteOptions{}); err == nil {
		t.Fatal("promote to the same environment accepted")
	}
	if _, err := s.Promote(context.Background(), src, "staging", "nope", PromoteOptions{}); err == nil {
		t.Fatal("promote to an unknown environment accepted")
	}
}
