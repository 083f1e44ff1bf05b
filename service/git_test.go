package service_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/templates"
)

const invalidRule = "RULE \"broken\"\nWHEN node.role ==\nTHEN ASSERT true\n"

// rule returns a valid rule file defining rule id.
func rule(id string) string {
	return "RULE \"" + id + "\" SEVERITY low\nWHEN node.lifecycle == \"live\"\nTHEN ASSERT node.role IS NOT NULL\n"
}

// gitChanges returns the change rows of a Git source, oldest first.
func gitChanges(t *testing.T, svc *service.Service, name string) []unet.Change {
	t.Helper()
	l := ok(svc.ListChanges(context.Background(), unet.ChangeFilter{Page: unet.Page{Limit: 500}})).v(t)
	var out []unet.Change
	for i := len(l.Items) - 1; i >= 0; i-- {
		if c := l.Items[i]; c.ObjectKind == unet.KindGitSource && c.ObjectName == name {
			out = append(out, c)
		}
	}
	return out
}

func ops(cs []unet.Change) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = c.Op
	}
	return strings.Join(s, ",")
}

func gitStatusOf(t *testing.T, svc *service.Service, name string) unet.GitStatus {
	t.Helper()
	sts := ok(svc.GitStatus(actx(), name)).v(t)
	if len(sts) != 1 {
		t.Fatalf("status of %s: %+v", name, sts)
	}
	return sts[0]
}

func envStatus(t *testing.T, st unet.GitStatus, env string) unet.GitEnvStatus {
	t.Helper()
	for _, e := range st.Environments {
		if e.Name == env {
			return e
		}
	}
	t.Fatalf("status has no environment %s: %+v", env, st.Environments)
	return unet.GitEnvStatus{}
}

// TestGitSyncValidatePinPromote runs the life of a Git source on both engines
// against a real repository over file://: add, sync, activation in the change
// log, an invalid commit rejected with file:line while the old one stays
// active, pin/unpin, and a fast-forward promotion.
func TestGitSyncValidatePinPromote(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		svc.SetGitDataDir(t.TempDir())
		repo := testutil.NewGitRepo(t, "net")
		c1 := repo.Commit("main", "first rules", map[string]string{"base.rules": rule("base"), "hostname.j2": "hostname {{ node.name }}\n"})
		repo.Branch("staging", "main")
		repo.Branch("production", "main")

		for _, bad := range []*unet.GitSource{
			{Name: "x", URL: repo.URL(), Kind: "pictures"},
			{Name: "x", URL: repo.URL(), Auth: &unet.GitAuth{TokenRef: "plaintext-token"}},
			{Name: "x", URL: repo.URL(), Interval: "often"},
			{Name: "x y", URL: repo.URL()},
			{Name: "x", URL: repo.URL(), Branch: "main", Tag: "v1"},
		} {
			_, err := svc.AddGitSource(ctx, bad, unet.WriteOptions{})
			mustCode(t, err, unet.EINVALID)
		}
		src := ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindBoth,
			Interval: "5m", Environments: map[string]string{"staging": "staging", "production": "production"}}, unet.WriteOptions{})).v(t)
		if src.Interval != "5m0s" || src.CreatedAt.IsZero() {
			t.Fatalf("added: %+v", src)
		}
		_, err := svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL()}, unet.WriteOptions{})
		mustCode(t, err, unet.ECONFLICT)

		// First sync: every environment activates c1.
		res := ok(svc.SyncGitSource(ctx, "net", "")).v(t)
		if len(res) != 1 || len(res[0].Environments) != 3 {
			t.Fatalf("sync: %+v", res)
		}
		for _, e := range res[0].Environments {
			if e.Outcome != unet.GitActivated || e.Commit != c1 || e.Trigger != "manual" {
				t.Fatalf("first sync of %s: %+v", e.Environment, e)
			}
		}
		st := gitStatusOf(t, svc, "net")
		if st.ActiveCommit != c1 || st.ActiveMessage != "first rules" || st.Branch != "main" || st.LastError != "" ||
			st.LastSuccess == nil || st.NextRun == nil || len(st.Files) != 2 || st.Files[0].Hash == "" || st.Files[0].Change != "added" {
			t.Fatalf("status after first sync: %+v", st)
		}
		if cs := gitChanges(t, svc, "net"); ops(cs) != "create,activate,activate,activate" || cs[1].Actor != "tester" ||
			!strings.Contains(string(cs[1].After), c1) || cs[1].Reason != "git manual" {
			t.Fatalf("change log: %s %+v", ops(cs), cs)
		}
		// Unchanged: no work, no change rows.
		res = ok(svc.SyncGitSource(ctx, "", "schedule")).v(t)
		if e := res[0].Environments[0]; e.Outcome != unet.GitUnchanged {
			t.Fatalf("second sync: %+v", e)
		}

		// An invalid commit is rejected with file:line; c1 stays active.
		c2 := repo.Commit("main", "break the rules", map[string]string{"bad.rules": invalidRule})
		res, err = svc.SyncGitSource(ctx, "net", "")
		mustCode(t, err, unet.EINVALID)
		if !strings.Contains(err.Error(), "bad.rules:3:1") || res[0].Environments[0].Outcome != unet.GitRejected {
			t.Fatalf("rejection: %v %+v", err, res)
		}
		st = gitStatusOf(t, svc, "net")
		if st.ActiveCommit != c1 || !strings.Contains(st.LastError, "bad.rules:3:1") || len(st.Errors) == 0 || st.Errors[0].File != "bad.rules" {
			t.Fatalf("status after rejection: %+v", st)
		}
		files, label, err := svc.ActivePolicyFiles(ctx, "production")
		if err != nil || label != "git:net@"+c1 || len(files) != 1 || files[0].Name != "base.rules" {
			t.Fatalf("active policies: %s %+v", label, files)
		}
		// The rejected commit is reported again by the next sync.
		_, err = svc.SyncGitSource(ctx, "net", "")
		mustCode(t, err, unet.EINVALID)

		// A fixed commit activates, with the file changes and their hashes.
		c3 := repo.Commit("main", "fix the rules", map[string]string{"bad.rules": rule("fixed")})
		res = ok(svc.SyncGitSource(ctx, "net", "")).v(t)
		if e := res[0].Environments[0]; e.Outcome != unet.GitActivated || e.Commit != c3 || e.Previous != c1 ||
			len(e.Files) != 1 || e.Files[0].Path != "bad.rules" || e.Files[0].Change != "added" {
			t.Fatalf("fixed commit: %+v", e)
		}
		log := ok(svc.GitLog(ctx, "net", 0)).v(t)
		if len(log) != 5 || log[0].Commit != c3 || log[1].Outcome != unet.GitRejected || log[1].Commit != c2 || len(log[1].Errors) == 0 {
			t.Fatalf("log: %+v", log)
		}

		// Pin: an invalid commit is refused and nothing changes; c1 is
		// activated and kept while main moves on.
		_, err = svc.PinGitSource(ctx, "net", "", c2[:10])
		mustCode(t, err, unet.EINVALID)
		_, err = svc.PinGitSource(ctx, "net", "nowhere", c1)
		mustCode(t, err, unet.EINVALID)
		_, err = svc.PinGitSource(ctx, "net", "", "HEAD")
		mustCode(t, err, unet.EINVALID)
		_, err = svc.PinGitSource(ctx, "net", "", "0000000")
		mustCode(t, err, unet.ENOTFOUND)
		before := len(gitChanges(t, svc, "net"))
		e := ok(svc.PinGitSource(ctx, "net", "", c1[:12])).v(t)
		if e.Commit != c1 {
			t.Fatalf("pin: %+v", e)
		}
		c4 := repo.Commit("main", "more rules", map[string]string{"more.rules": rule("more")})
		res = ok(svc.SyncGitSource(ctx, "net", "")).v(t)
		if e := res[0].Environments[0]; e.Outcome != unet.GitPinned || e.Commit != c1 {
			t.Fatalf("sync while pinned: %+v", e)
		}
		if st := gitStatusOf(t, svc, "net"); !st.Pinned || st.ActiveCommit != c1 {
			t.Fatalf("status while pinned: %+v", st)
		}
		if s := ok(svc.GetGitSource(ctx, "net")).v(t); s.Pinned["default"] != c1 {
			t.Fatalf("source while pinned: %+v", s.Pinned)
		}
		u := ok(svc.UnpinGitSource(ctx, "net", "")).v(t)
		if e := u.Environments[0]; e.Outcome != unet.GitActivated || e.Commit != c4 {
			t.Fatalf("unpin: %+v", u)
		}
		if cs := gitChanges(t, svc, "net")[before:]; ops(cs) != "pin,unpin,activate" || !strings.Contains(string(cs[0].After), c1) {
			t.Fatalf("pin/unpin change log: %s", ops(cs))
		}

		// Promotion: a new template on staging is activated there, then
		// fast-forwarded to production.
		s1 := repo.Commit("staging", "staging template", map[string]string{"hostname.j2": "hostname {{ node.name }} staging\n"})
		ok(svc.SyncGitSource(ctx, "net", "")).v(t)
		if st := gitStatusOf(t, svc, "net"); envStatus(t, st, "staging").ActiveCommit != s1 || envStatus(t, st, "production").ActiveCommit != c1 {
			t.Fatalf("environments: %+v", st.Environments)
		}
		_, err = svc.PromoteGitSource(ctx, "net", "staging", "production", "everything")
		mustCode(t, err, unet.EINVALID)
		before = len(gitChanges(t, svc, "net"))
		p := ok(svc.PromoteGitSource(ctx, "net", "staging", "production", "")).v(t)
		if p.Kind != "fast_forward" || p.Commit != s1 || p.TargetAfter != s1 || p.Activation == nil || p.Activation.Outcome != unet.GitActivated {
			t.Fatalf("promote: %+v", p)
		}
		if repo.Head("production") != s1 {
			t.Fatalf("production branch is at %s, want %s", repo.Head("production"), s1)
		}
		if cs := gitChanges(t, svc, "net")[before:]; ops(cs) != "activate,promote" {
			t.Fatalf("promotion change log: %s", ops(cs))
		}
		if st := gitStatusOf(t, svc, "net"); envStatus(t, st, "production").ActiveCommit != s1 {
			t.Fatalf("production after promotion: %+v", st.Environments)
		}

		// Removal deletes the source, its state and its history.
		if err := svc.RemoveGitSource(ctx, "net", unet.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.GitStatus(ctx, "net")
		mustCode(t, err, unet.ENOTFOUND)
		if cs := gitChanges(t, svc, "net"); cs[len(cs)-1].Op != unet.OpDelete {
			t.Fatalf("remove not logged: %s", ops(cs))
		}
	})
}

// TestGitEnvironmentsRenderDifferentTemplates shows two nodes in different
// environments rendering different versions of one template source.
func TestGitEnvironmentsRenderDifferentTemplates(t *testing.T) {
	svc := newService(t, "sqlite")
	svc.SetGitDataDir(t.TempDir())
	ctx := actx()
	repo := testutil.NewGitRepo(t, "tpl")
	prod := repo.Commit("production", "v1", map[string]string{"hostname.j2": "hostname {{ node.name }} # v1\n"})
	stg := repo.Commit("staging", "v2", map[string]string{"hostname.j2": "hostname {{ node.name }} # v2\n"})
	ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "tpl", URL: repo.URL(), Branch: "production", Kind: unet.GitKindTemplates,
		Environments: map[string]string{"staging": "staging", "production": "production"}}, unet.WriteOptions{})).v(t)
	ok(svc.SyncGitSource(ctx, "tpl", "")).v(t)
	ok(svc.CreateNode(ctx, &unet.Node{Name: "edge-stg", Vendor: "generic", Environment: "staging"}, unet.WriteOptions{})).v(t)
	ok(svc.CreateNode(ctx, &unet.Node{Name: "edge-prod", Vendor: "generic", Environment: "production"}, unet.WriteOptions{})).v(t)

	want := map[string]string{"edge-stg": "hostname edge-stg # v2", "edge-prod": "hostname edge-prod # v1"}
	for node, text := range want {
		n := ok(svc.GetNode(ctx, node)).v(t)
		dir := ok(svc.ActiveTemplateDir(ctx, n.Environment)).v(t)
		env, err := templates.NewDir(dir, templates.Options{})
		if err != nil {
			t.Fatal(err)
		}
		svc.SetTemplateEnv(env)
		out := ok(svc.RenderNode(ctx, unet.TemplateRequest{Node: node, Templates: []string{"hostname.j2"}})).v(t)
		env.Close()
		if got := out.Parts[0].Output; got != text {
			t.Errorf("%s (%s) renders %q, want %q", node, n.Environment, got, text)
		}
	}
	st := gitStatusOf(t, svc, "tpl")
	if envStatus(t, st, "staging").ActiveCommit != stg || envStatus(t, st, "production").ActiveCommit != prod || st.ActiveCommit != prod {
		t.Fatalf("status: %+v", st)
	}
	// No policy source: a clear not-found error.
	_, _, err := svc.ActivePolicyFiles(ctx, "staging")
	mustCode(t, err, unet.ENOTFOUND)
}

// TestGitSyncOverHTTPWithCredentials syncs a source served by git
// http-backend behind basic authentication, with the password as a secret
// reference, and reports a wrong password as unavailable with the previous
// snapshot kept.
func TestGitSyncOverHTTPWithCredentials(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		svc.SetGitDataDir(t.TempDir())
		repo := testutil.NewGitRepo(t, "policies")
		c1 := repo.Commit("main", "rules", map[string]string{"policies/base.rules": rule("base")})
		srv := testutil.ServeGitHTTP(t, repo.Root, "unet", "s3cret")
		t.Setenv("UNET_GIT_TEST_PASSWORD", "s3cret")
		ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "policies", URL: srv.RepoURL(repo), Path: "policies", Kind: unet.GitKindPolicies,
			Auth: &unet.GitAuth{Username: "unet", PasswordRef: "env:UNET_GIT_TEST_PASSWORD"}}, unet.WriteOptions{})).v(t)
		res := ok(svc.SyncGitSource(ctx, "policies", "webhook")).v(t)
		if e := res[0].Environments[0]; e.Outcome != unet.GitActivated || e.Commit != c1 || e.Trigger != "webhook" {
			t.Fatalf("sync over HTTP: %+v", res)
		}
		src := ok(svc.GetGitSource(ctx, "policies")).v(t)
		if b, _ := json.Marshal(src); strings.Contains(string(b), "s3cret") {
			t.Fatalf("the source leaks its password: %s", b)
		}
		t.Setenv("UNET_GIT_TEST_PASSWORD", "wrong")
		repo.Commit("main", "more", map[string]string{"policies/more.rules": rule("more")})
		res, err := svc.SyncGitSource(ctx, "policies", "")
		mustCode(t, err, unet.EUNAVAILABLE)
		if res[0].Error == "" || strings.Contains(err.Error(), "wrong") {
			t.Fatalf("failed sync: %+v %v", res, err)
		}
		if st := gitStatusOf(t, svc, "policies"); st.ActiveCommit != c1 || st.LastError == "" {
			t.Fatalf("status after a failed fetch: %+v", st)
		}
	})
}
