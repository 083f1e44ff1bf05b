package service_test

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
)

// gateCases is a tests/ file with a passing case and, when failing is set, a
// case whose expectation the rule "base" does not meet.
func gateCases(failing bool) string {
	s := "cases:\n" +
		"  - name: core switch has a role\n" +
		"    node: {name: core-1, lifecycle: live, role: core}\n" +
		"    expect: {base: pass}\n"
	if failing {
		s += "  - name: roleless switch passes\n" +
			"    node: {name: sw-1, lifecycle: live}\n" +
			"    expect: {base: pass}\n"
	}
	return s
}

// TestGitGatedActivation: a commit whose tests/ cases fail is rejected by
// sync, pin and unpin alike, with one positioned error per failing case in
// the status and the log, while the previous commit stays active; a fixed
// commit then activates.
func TestGitGatedActivation(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		svc.SetGitDataDir(t.TempDir())
		repo := testutil.NewGitRepo(t, "gated")
		c1 := repo.Commit("main", "rules with tests", map[string]string{"base.rules": rule("base"), "tests/base.yaml": gateCases(false)})
		ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "gated", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{})).v(t)
		if e := ok(svc.SyncGitSource(ctx, "gated", "")).v(t)[0].Environments[0]; e.Outcome != unet.GitActivated || e.Commit != c1 {
			t.Fatalf("first sync: %+v", e)
		}

		// A commit that fails its own case: rejected, c1 stays active.
		c2 := repo.Commit("main", "a failing case", map[string]string{"tests/base.yaml": gateCases(true)})
		res, err := svc.SyncGitSource(ctx, "gated", "")
		mustCode(t, err, unet.EINVALID)
		want := "tests/base.yaml:5: case roleless switch passes: rule base: status fail, want pass"
		if !strings.Contains(err.Error(), "validation failed") || len(res) != 1 || res[0].Environments[0].Outcome != unet.GitRejected {
			t.Fatalf("sync of a failing commit: %v %+v", err, res)
		}
		if e := res[0].Environments[0]; len(e.Errors) != 1 || !strings.HasPrefix(e.Errors[0].String(), want) {
			t.Fatalf("rejection errors: %+v", e.Errors)
		}
		st := gitStatusOf(t, svc, "gated")
		if st.ActiveCommit != c1 || len(st.Errors) != 1 || !strings.HasPrefix(st.Errors[0].String(), want) ||
			envStatus(t, st, "default").Rejected != c2 {
			t.Fatalf("status after the rejection: %+v", st)
		}
		log := ok(svc.GitLog(ctx, "gated", 0)).v(t)
		if log[0].Outcome != unet.GitRejected || log[0].Commit != c2 || len(log[0].Errors) != 1 || log[0].Errors[0].Line != 5 {
			t.Fatalf("log: %+v", log[0])
		}
		files, label, err := svc.ActivePolicyFiles(ctx, "")
		if err != nil || label != "git:gated@"+c1 || len(files) != 1 {
			t.Fatalf("active policies after the rejection: %s %v", label, err)
		}

		// Pin of the failing commit is refused; pin c1 and unpin: the
		// followed tip (c2) is rejected again and c1 stays.
		_, err = svc.PinGitSource(ctx, "gated", "", c2)
		mustCode(t, err, unet.EINVALID)
		if !strings.Contains(err.Error(), "roleless switch passes") {
			t.Fatalf("pin refusal does not name the case: %v", err)
		}
		ok(svc.PinGitSource(ctx, "gated", "", c1)).v(t)
		// (the tip was rejected before: it is reported, not run again)
		u := ok(svc.UnpinGitSource(ctx, "gated", "")).v(t)
		if e := u.Environments[0]; e.Commit != c2 || len(e.Errors) != 1 || e.Outcome == unet.GitActivated {
			t.Fatalf("unpin onto a failing tip: %+v", u)
		}
		if st := gitStatusOf(t, svc, "gated"); st.ActiveCommit != c1 {
			t.Fatalf("active after unpin: %s", st.ActiveCommit)
		}

		// A test file that does not parse rejects too, positioned.
		repo.Commit("main", "broken test file", map[string]string{"tests/broken.yaml": "cases: [\n"})
		_, err = svc.SyncGitSource(ctx, "gated", "")
		mustCode(t, err, unet.EINVALID)
		if !strings.Contains(err.Error(), "tests/broken.yaml") {
			t.Fatalf("broken test file: %v", err)
		}

		// The fix activates.
		c4 := repo.Commit("main", "fix the case", map[string]string{"tests/base.yaml": gateCases(false)}, "tests/broken.yaml")
		if e := ok(svc.SyncGitSource(ctx, "gated", "")).v(t)[0].Environments[0]; e.Outcome != unet.GitActivated || e.Commit != c4 {
			t.Fatalf("fixed commit: %+v", e)
		}
		if st := gitStatusOf(t, svc, "gated"); st.ActiveCommit != c4 || len(st.Errors) != 0 {
			t.Fatalf("status after the fix: %+v", st)
		}
	})
}

// TestGitGateTemplatesAndLimits: a case naming a template the commit does not
// hold fails (a source holding policies and templates), and a repository
// beyond the case limit is rejected rather than run.
func TestGitGateTemplatesAndLimits(t *testing.T) {
	svc := newService(t, "sqlite")
	svc.SetGitDataDir(t.TempDir())
	ctx := actx()
	repo := testutil.NewGitRepo(t, "both")
	assign := "RULE \"tpl\"\nWHEN node.role == \"core\"\nTHEN APPLY \"core.j2\"\n"
	cases := "cases:\n  - name: core gets core.j2\n    node: {name: c, role: core}\n    templates: [core.j2]\n"
	c1 := repo.Commit("main", "rules and templates", map[string]string{"policies/tpl.rules": assign, "tests/tpl.yaml": cases,
		"templates/core.j2": "hostname {{ node.name }}\n"})
	ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "both", URL: repo.URL(), Branch: "main", Kind: unet.GitKindBoth}, unet.WriteOptions{})).v(t)
	if e := ok(svc.SyncGitSource(ctx, "both", "")).v(t)[0].Environments[0]; e.Outcome != unet.GitActivated || e.Commit != c1 {
		t.Fatalf("first sync: %+v", e)
	}
	repo.Commit("main", "template removed", nil, "templates/core.j2")
	_, err := svc.SyncGitSource(ctx, "both", "")
	mustCode(t, err, unet.EINVALID)
	if !strings.Contains(err.Error(), "tests/tpl.yaml:2: case core gets core.j2: template core.j2") {
		t.Fatalf("missing template: %v", err)
	}

	defer service.SetGateCaseLimit(2)()
	many := "cases:\n" + strings.Repeat("  - name: core\n    node: {name: c, role: core}\n    templates: [core.j2]\n", 3)
	repo.Commit("main", "too many cases", map[string]string{"templates/core.j2": "hostname x\n", "tests/tpl.yaml": many})
	_, err = svc.SyncGitSource(ctx, "both", "")
	mustCode(t, err, unet.EINVALID)
	if !strings.Contains(err.Error(), "more than 2 cases") {
		t.Fatalf("case limit: %v", err)
	}
	if st := gitStatusOf(t, svc, "both"); st.ActiveCommit != c1 {
		t.Fatalf("active: %s", st.ActiveCommit)
	}
}

// TestGitGateTestDirectories: cases under the rules' own tests/ and beside a
// configured policies directory gate too; a test file naming other rules
// is refused.
func TestGitGateTestDirectories(t *testing.T) {
	svc := newService(t, "sqlite")
	svc.SetGitDataDir(t.TempDir())
	ctx := actx()
	repo := testutil.NewGitRepo(t, "dirs")
	repo.Commit("main", "layout", map[string]string{"policies/base.rules": rule("base"), "policies/tests/a.yaml": gateCases(true),
		"net/rules/base.rules": rule("base"), "net/tests/b.yaml": gateCases(true)})
	ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "inner", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{})).v(t)
	ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "beside", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies,
		PoliciesDir: "net/rules"}, unet.WriteOptions{})).v(t)
	for src, want := range map[string]string{"inner": "policies/tests/a.yaml:5: case roleless switch passes", "beside": "net/tests/b.yaml:5: case roleless switch passes"} {
		_, err := svc.SyncGitSource(ctx, src, "")
		mustCode(t, err, unet.EINVALID)
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", src, err, want)
		}
	}
	repo.Commit("main", "other rules", map[string]string{"policies/tests/a.yaml": "policies: ../../net/rules\n" + gateCases(false)})
	_, err := svc.SyncGitSource(ctx, "inner", "")
	mustCode(t, err, unet.EINVALID)
	if !strings.Contains(err.Error(), "policies/tests/a.yaml: \"policies:\" names other rules") {
		t.Errorf("policies key: %v", err)
	}
	repo.Commit("main", "same rules", map[string]string{"policies/tests/a.yaml": "policies: ..\n" + gateCases(false)})
	if e := ok(svc.SyncGitSource(ctx, "inner", "")).v(t)[0].Environments[0]; e.Outcome != unet.GitActivated {
		t.Fatalf("policies key naming the rules under test: %+v", e)
	}
}
