package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
)

// TestServerSourcesDoNotFallBackToDemo: a server without --policies and
// --templates evaluates and renders nothing in an ordinary database (the
// error names the ways to provide rules and templates), a Git lookup that
// fails is reported rather than replaced by the demo content, and only a
// demo database uses the built-in demo policies.
func TestServerSourcesDoNotFallBackToDemo(t *testing.T) {
	ctx := unet.WithActor(context.Background(), "t")
	svc := newLocalService(t)
	svc.SetGitDataDir(t.TempDir())
	a := &app{env: Env{Getenv: func(string) string { return "" }}}
	if err := a.configureSources(svc, jobFlags{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateNode(ctx, &unet.Node{Name: "r1", Vendor: "cisco", Platform: "iosxe"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	rep, err := svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})
	if !errors.Is(err, service.ErrNoPolicies) || unet.ErrorCode(err) != unet.EINVALID {
		t.Fatalf("evaluation without policies: %v (report %+v)", err, rep)
	}
	for _, want := range []string{"--path", "--policies", "git sources add", "--demo"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error does not mention %q: %v", want, err)
		}
	}
	if l, err := svc.ListPolicyResults(ctx, unet.PolicyResultFilter{}); err != nil || len(l.Items) != 0 {
		t.Fatalf("results stored: %+v %v", l, err)
	}
	if _, err := svc.RenderNode(ctx, unet.TemplateRequest{Node: "r1", Templates: []string{"iosxe/base.j2"}}); !errors.Is(err, service.ErrNoTemplates) {
		t.Fatalf("render without templates: %v", err)
	}

	// A Git source of policies that has not synced yet: its error, not the demo.
	repo := testutil.NewGitRepo(t, "rules")
	repo.Commit("main", "rules", map[string]string{"a.rules": `RULE "r" WHEN node.vendor == "cisco" THEN ASSERT node.model IS NOT NULL` + "\n"})
	if _, err := svc.AddGitSource(ctx, &unet.GitSource{Name: "rules", URL: repo.URL(), Branch: "main", Kind: "policies"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.MarkDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{}); unet.ErrorCode(err) != unet.ENOTFOUND || !strings.Contains(err.Error(), "git sync") {
		t.Fatalf("unsynced Git source: %v", err)
	}
	if err := svc.RemoveGitSource(ctx, "rules", unet.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	// A demo database: the demo policies, labelled as such.
	rep, err = svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})
	if err != nil || len(rep.Results) == 0 || rep.Results[0].Source != service.DemoSource {
		t.Fatalf("demo database: %+v %v", rep, err)
	}
}
