package service_test

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// summaryRules: critical and high rules that some nodes fail, and rules
// of other severities on links and locations.
const summaryRules = `RULE "node-model" SEVERITY critical WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL
RULE "node-site" SEVERITY high WHEN node.role == "leaf" THEN ASSERT location.path MATCHES "^Paris/"
RULE "node-spine" SEVERITY high WHEN node.role == "spine" THEN ASSERT node.vendor == "arista"
RULE "link-vendor" SEVERITY medium WHEN link.role == "backbone" THEN ASSERT link.a.node.vendor == link.z.node.vendor
RULE "rack-path" SEVERITY low WHEN location.type == "rack" THEN ASSERT location.path MATCHES "^Paris/"
`

// countedSummary is the summary that counting the results the caller
// lists gives.
func countedSummary(t *testing.T, ctx context.Context, svc *service.Service, top int) *unet.PolicyResultSummary {
	t.Helper()
	var rs []unet.PolicyResult
	p := unet.Page{Limit: 1000}
	for {
		l := ok(svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Page: p})).v(t)
		rs = append(rs, l.Items...)
		if l.Next == "" {
			break
		}
		p.Cursor = l.Next
	}
	sum := &unet.PolicyResultSummary{ByStatus: map[string]int{}, BySeverity: []unet.PolicyResultCount{},
		ByRule: []unet.PolicyResultCount{}, FailingNodes: []unet.FailingNode{}}
	type key struct{ rule, sev, status string }
	byRule, bySev := map[key]int{}, map[key]int{}
	failing := map[string]*unet.FailingNode{}
	for _, r := range rs {
		sum.Total++
		sum.ByStatus[r.Status]++
		byRule[key{r.Rule, r.Severity, r.Status}]++
		bySev[key{"", r.Severity, r.Status}]++
		if r.ObjectKind != unet.KindNode || r.Status != unet.StatusFail || (r.Severity != "critical" && r.Severity != "high") {
			continue
		}
		n := failing[r.ObjectID]
		if n == nil {
			n = &unet.FailingNode{ID: r.ObjectID, Name: r.ObjectName, Rules: []string{}}
			failing[r.ObjectID] = n
		}
		if r.Severity == "critical" {
			n.Critical++
		} else {
			n.High++
		}
		n.Rules = append(n.Rules, r.Rule)
	}
	for k, n := range byRule {
		sum.ByRule = append(sum.ByRule, unet.PolicyResultCount{Rule: k.rule, Severity: k.sev, Status: k.status, Count: n})
	}
	slices.SortFunc(sum.ByRule, func(a, b unet.PolicyResultCount) int {
		return cmp.Or(strings.Compare(a.Rule, b.Rule), strings.Compare(a.Severity, b.Severity), strings.Compare(a.Status, b.Status))
	})
	for k, n := range bySev {
		sum.BySeverity = append(sum.BySeverity, unet.PolicyResultCount{Severity: k.sev, Status: k.status, Count: n})
	}
	slices.SortFunc(sum.BySeverity, func(a, b unet.PolicyResultCount) int {
		return cmp.Or(cmp.Compare(unet.SeverityRank(a.Severity), unet.SeverityRank(b.Severity)), strings.Compare(a.Status, b.Status))
	})
	for _, n := range failing {
		slices.Sort(n.Rules)
		sum.FailingNodes = append(sum.FailingNodes, *n)
	}
	slices.SortFunc(sum.FailingNodes, func(a, b unet.FailingNode) int {
		return cmp.Or(cmp.Compare(b.Critical, a.Critical), cmp.Compare(b.High, a.High), strings.Compare(a.Name, b.Name))
	})
	sum.FailingNodesTotal = len(sum.FailingNodes)
	sum.FailingNodes = sum.FailingNodes[:min(top, len(sum.FailingNodes))]
	return sum
}

// checkSummary asserts that the caller's summary equals counting what the
// caller lists, with the default and a small top.
func checkSummary(t *testing.T, ctx context.Context, svc *service.Service, step string) *unet.PolicyResultSummary {
	t.Helper()
	var first *unet.PolicyResultSummary
	for _, top := range []int{0, 2} {
		got := ok(svc.SummarizePolicyResults(ctx, unet.PolicyResultSummaryFilter{Top: top})).v(t)
		want := countedSummary(t, ctx, svc, cmp.Or(top, unet.DefaultSummaryTop))
		if g, w := summaryJSON(t, got), summaryJSON(t, want); g != w {
			t.Fatalf("%s (top %d): summary\n%s\ncounting the listed results\n%s", step, top, g, w)
		}
		if first == nil {
			first = got
		}
	}
	return first
}

func summaryJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPolicyResultSummary: the summary equals counting the stored results
// after a full store, an incremental store of an edited node, a partial
// store of some nodes, a rule removed (its results dropped) and a node
// deleted; top is bounded.
func TestPolicyResultSummary(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		incrementalInventory(t, svc)
		files := []unet.PolicyFile{{Name: "sum.rules", Content: summaryRules}}
		svc.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) { return files, "test", nil })
		empty := checkSummary(t, ctx, svc, "nothing stored")
		if empty.Total != 0 || len(empty.ByRule) != 0 || empty.FailingNodesTotal != 0 {
			t.Fatalf("empty summary %+v", empty)
		}
		ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})).v(t)
		_, last := changesAfter(t, svc, "")
		full := checkSummary(t, ctx, svc, "full store")
		// leaf1 and the ten fillers lack a model (critical) and sit outside
		// Paris (high); spine1 is not arista (high).
		if full.FailingNodesTotal != 13 || full.FailingNodes[0].Critical != 1 || full.FailingNodes[0].High != 1 ||
			full.FailingNodes[len(full.FailingNodes)-1].Name != "spine1.example.net" {
			t.Fatalf("failing nodes after a full store: %s", summaryJSON(t, full))
		}

		ok(svc.UpdateNode(ctx, "leaf1.example.net", unet.Patch{"model": "7050"}, unet.WriteOptions{})).v(t)
		changes, last := changesAfter(t, svc, last)
		if _, _, err := svc.EvaluateIncremental(ctx, service.IncrementalRequest{Changes: changes}); err != nil {
			t.Fatal(err)
		}
		inc := checkSummary(t, ctx, svc, "incremental store")
		if inc.FailingNodesTotal != 13 || inc.ByStatus["pass"] != full.ByStatus["pass"]+1 {
			t.Fatalf("after leaf1 got a model: %s", summaryJSON(t, inc))
		}

		ok(svc.UpdateNode(ctx, "spine1.example.net", unet.Patch{"vendor": "arista", "model": "7280"}, unet.WriteOptions{})).v(t)
		ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true, Nodes: []string{"spine1.example.net"}})).v(t)
		if s := checkSummary(t, ctx, svc, "partial store"); s.FailingNodesTotal != 12 {
			t.Fatalf("after spine1 complies: %s", summaryJSON(t, s))
		}
		_, last = changesAfter(t, svc, last)

		files = []unet.PolicyFile{{Name: "sum.rules", Content: strings.Replace(summaryRules,
			`RULE "node-model" SEVERITY critical WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL`+"\n", "", 1)}}
		ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})).v(t)
		removed := checkSummary(t, ctx, svc, "rule removed")
		for _, c := range removed.ByRule {
			if c.Rule == "node-model" {
				t.Fatalf("removed rule still counted: %s", summaryJSON(t, removed))
			}
		}
		if removed.FailingNodesTotal != 12 || removed.FailingNodes[0].Critical != 0 {
			t.Fatalf("after the critical rule went: %s", summaryJSON(t, removed))
		}

		if err := svc.DeleteNode(ctx, "fill0.example.net", unet.DeleteOptions{Cascade: true}); err != nil {
			t.Fatal(err)
		}
		changes, _ = changesAfter(t, svc, last)
		if _, _, err := svc.EvaluateIncremental(ctx, service.IncrementalRequest{Changes: changes}); err != nil {
			t.Fatal(err)
		}
		if s := checkSummary(t, ctx, svc, "node deleted"); s.FailingNodesTotal != 11 {
			t.Fatalf("after fill0 went: %s", summaryJSON(t, s))
		}

		for _, top := range []int{-1, unet.MaxSummaryTop + 1} {
			_, err := svc.SummarizePolicyResults(ctx, unet.PolicyResultSummaryFilter{Top: top})
			mustCode(t, err, unet.EINVALID)
		}
	})
}

// TestPolicyResultSummaryScoped: a caller scoped to a region is summarized
// from the results they may list only; an unscoped reader gets every
// result.
func TestPolicyResultSummaryScoped(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		alice, bob := scopeWorld(t, svc)
		files := []unet.PolicyFile{{Name: "s.rules", Content: `RULE "has-model" SEVERITY critical WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL
RULE "leaf-role" SEVERITY high WHEN node.role == "leaf" THEN ASSERT node.model IS NOT NULL
RULE "link-role" SEVERITY low WHEN link.role == "backbone" THEN ASSERT link.a.node.vendor == link.z.node.vendor
`}}
		svc.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) { return files, "test", nil })
		ok(svc.EvaluatePolicies(actx(), unet.PolicyEvalRequest{Store: true})).v(t)
		all := checkSummary(t, bob, svc, "unscoped reader")
		scoped := checkSummary(t, alice, svc, "scoped reader")
		if all.FailingNodesTotal != 4 || scoped.FailingNodesTotal != 2 || scoped.Total >= all.Total {
			t.Fatalf("unscoped %s\nscoped %s", summaryJSON(t, all), summaryJSON(t, scoped))
		}
		for _, n := range scoped.FailingNodes {
			if !strings.HasPrefix(n.Name, "lon") {
				t.Fatalf("scoped summary lists %s", n.Name)
			}
		}
	})
}

// TestPolicyResultSummaryConcurrentStores: stores running at the same
// time (full and partial, of rule sets that differ) leave counts equal to
// the stored results.
func TestPolicyResultSummaryConcurrentStores(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		incrementalInventory(t, svc)
		sets := [][]unet.PolicyFile{{{Name: "a.rules", Content: summaryRules}},
			{{Name: "b.rules", Content: strings.Replace(summaryRules, `SEVERITY critical`, `SEVERITY high`, 1)}}}
		errs := make(chan error, 8)
		for i := range 8 {
			go func() {
				req := unet.PolicyEvalRequest{Files: sets[i%2], Source: "test", Store: true}
				if i%4 == 3 {
					req.Nodes = []string{"leaf1.example.net", "fill3.example.net"}
				}
				_, err := svc.EvaluatePolicies(ctx, req)
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		checkSummary(t, ctx, svc, "after concurrent stores")
	})
}
