package service_test

import (
	"context"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// TestPolicyResultsAndHistory: results are stored per (object, rule), only
// status changes append history, and rules that disappear leave a history row
// — identically on both engines.
func TestPolicyResultsAndHistory(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		rules := func(min string) []unet.PolicyFile {
			return []unet.PolicyFile{{Name: "a.rules", Content: `RULE "model-set" SEVERITY high WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL
RULE "min" WHEN node.platform == "eos" THEN ASSERT version(node.software_version) >= version("` + min + `")
RULE "rack" WHEN location.type == "rack" THEN ASSERT location.description IS NOT NULL
`}}
		}
		eval := func(files []unet.PolicyFile) *unet.PolicyEvalReport {
			return ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: files, Source: "test", Store: true})).v(t)
		}
		rep := eval(rules("4.30.1F"))
		// 2 nodes × 3 rules + 1 link × 0 + 2 locations × 1 (rack rule is a location rule)
		stored := ok(svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Page: unet.Page{Limit: 1000}})).v(t)
		if stored.Total != len(rep.Results) || rep.Changed != len(rep.Results) {
			t.Fatalf("stored %d of %d results, %d changes", stored.Total, len(rep.Results), rep.Changed)
		}
		fails := ok(svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Status: unet.StatusFail, Severity: "high"})).v(t)
		if fails.Total != 2 { // both arista nodes lack a model
			t.Fatalf("high failures: %+v", fails.Items)
		}
		h0 := ok(svc.ListComplianceHistory(ctx, unet.ComplianceHistoryFilter{})).v(t).Total
		// Re-evaluating unchanged rules adds no history.
		if rep := eval(rules("4.30.1F")); rep.Changed != 0 {
			t.Fatalf("unchanged evaluation changed %d", rep.Changed)
		}
		// Fix one node: one history row, from fail to pass.
		ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"model": "7050X3"}, unet.WriteOptions{})).v(t)
		if rep := eval(rules("4.30.1F")); rep.Changed != 1 {
			t.Fatalf("fix: %d changes", rep.Changed)
		}
		h := ok(svc.ListComplianceHistory(ctx, unet.ComplianceHistoryFilter{Node: "leaf1", Rule: "model-set"})).v(t)
		if h.Total != 2 || h.Items[0].From != unet.StatusFail || h.Items[0].To != unet.StatusPass || h.Items[1].From != "" {
			t.Fatalf("history: %+v", h.Items)
		}
		r := ok(svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Node: "leaf1", Rule: "model-set"})).v(t)
		if r.Total != 1 || r.Items[0].Status != unet.StatusPass || r.Items[0].Since == nil || r.Items[0].Source != "test" {
			t.Fatalf("stored result: %+v", r.Items)
		}
		// A rule removed from the set: its results go, with a history row each.
		only := []unet.PolicyFile{{Name: "a.rules", Content: `RULE "model-set" SEVERITY high WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL`}}
		eval(only)
		gone := ok(svc.ListComplianceHistory(ctx, unet.ComplianceHistoryFilter{Rule: "min"})).v(t)
		if gone.Items[0].To != "" {
			t.Fatalf("removed rule: %+v", gone.Items[0])
		}
		if n := ok(svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Rule: "min"})).v(t).Total; n != 0 {
			t.Fatalf("results of a removed rule remain: %d", n)
		}
		if ok(svc.ListComplianceHistory(ctx, unet.ComplianceHistoryFilter{})).v(t).Total <= h0 {
			t.Fatal("history did not grow")
		}
		// Pagination of results walks everything once.
		seen := map[string]bool{}
		p := unet.Page{Limit: 2}
		for {
			l := ok(svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Page: p})).v(t)
			for _, it := range l.Items {
				k := it.ObjectID + "/" + it.Rule
				if seen[k] {
					t.Fatalf("%s twice", k)
				}
				seen[k] = true
			}
			if l.Next == "" {
				break
			}
			p.Cursor = l.Next
		}
		if len(seen) != ok(svc.ListPolicyResults(ctx, unet.PolicyResultFilter{})).v(t).Total {
			t.Fatalf("pagination saw %d", len(seen))
		}
		// Syntax errors come back positioned.
		_, err := svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: []unet.PolicyFile{{Name: "x.rules", Content: "WHEN node.vendor == THEN ASSERT x"}}})
		mustCode(t, err, unet.EINVALID)
		if f := unet.ErrorFields(err); len(f) == 0 || f[0].File != "x.rules" || f[0].Field != "1:21" {
			t.Fatalf("positioned error: %+v", f)
		}
	})
}

// TestPolicySourcePerEnvironment: without rules in the request, each node is
// evaluated with the rules of its own environment.
func TestPolicySourcePerEnvironment(t *testing.T) {
	svc := newService(t, "sqlite")
	ctx := actx()
	ok(svc.CreateNode(ctx, &unet.Node{Name: "prod1", Vendor: "cisco", Model: "A"}, unet.WriteOptions{})).v(t)
	ok(svc.CreateNode(ctx, &unet.Node{Name: "stage1", Vendor: "cisco", Model: "A", Environment: "staging"}, unet.WriteOptions{})).v(t)
	svc.SetPolicySource(func(_ context.Context, env string) ([]unet.PolicyFile, string, error) {
		model := map[string]string{"production": "A", "staging": "B"}[env]
		return []unet.PolicyFile{{Name: "m.rules", Content: `RULE "model" WHEN node.vendor == "cisco" THEN ASSERT node.model == "` + model + `"`}}, "src:" + env, nil
	})
	rep := ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{})).v(t)
	got := map[string]string{}
	for _, r := range rep.Results {
		got[r.ObjectName] = r.Status + " " + r.Source
	}
	if got["prod1"] != "pass src:production" || got["stage1"] != "fail src:staging" {
		t.Fatalf("per-environment results: %v", got)
	}
}
