package service_test

import (
	"context"
	"errors"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/service"
)

// TestPolicyMetrics: each evaluation is counted by its trigger and outcome;
// a stored evaluation replaces the result gauges (by status and severity,
// failing objects per rule) and a rule that is gone leaves no series.
func TestPolicyMetrics(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		files := []unet.PolicyFile{{Name: "m.rules", Content: `RULE "model-set" SEVERITY high WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL
RULE "eos" SEVERITY low WHEN node.platform == "eos" THEN ASSERT node.platform == "eos"
RULE "rack" SEVERITY critical WHEN location.type == "rack" THEN ASSERT location.description IS NOT NULL
`}}
		count := func(trigger, outcome string) float64 {
			return scrapedValue(t, "unet_policy_evaluations_total", map[string]string{"trigger": trigger, "outcome": outcome})
		}
		results := func(status, severity string) float64 {
			return scrapedValue(t, "unet_policy_results", map[string]string{"status": status, "severity": severity})
		}
		failing := func(rule, severity string) scrapedSample {
			return scraped(t, "unet_policy_rule_failing_objects", map[string]string{"rule": rule, "severity": severity})
		}
		sched, api, apiErr, cli, cliErr := count("schedule", "ok"), count("api", "ok"), count("api", "error"), count("cli", "ok"), count("cli", "error")
		took := scrapedCount(t, "unet_policy_evaluation_duration_seconds")

		eval := func(ctx context.Context, files []unet.PolicyFile) {
			t.Helper()
			ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: files, Source: "test", Store: true})).v(t)
		}
		eval(metrics.WithEvalTrigger(ctx, metrics.TriggerSchedule), files)
		if d := count("schedule", "ok") - sched; d != 1 {
			t.Fatalf("scheduled evaluations counted %v, want 1", d)
		}
		if n := scrapedCount(t, "unet_policy_evaluation_duration_seconds"); n != took+1 {
			t.Fatalf("duration observations %d, want %d", n, took+1)
		}
		// Both arista nodes lack a model; both eos nodes pass; the rack has
		// no description.
		if got := failing("model-set", "high"); !got.found || got.value != 2 {
			t.Fatalf("failing objects of model-set: %+v", got)
		}
		if got := failing("eos", "low"); !got.found || got.value != 0 {
			t.Fatalf("failing objects of a passing rule: %+v", got)
		}
		if got := failing("rack", "critical"); got.value != 1 {
			t.Fatalf("failing objects of rack: %+v", got)
		}
		if results("fail", "high") != 2 || results("pass", "low") != 2 || results("fail", "critical") != 1 {
			t.Fatalf("results: fail/high %v pass/low %v fail/critical %v", results("fail", "high"), results("pass", "low"), results("fail", "critical"))
		}
		if got := scraped(t, "unet_policy_results", map[string]string{"status": "error", "severity": "medium"}); !got.found || got.value != 0 {
			t.Fatalf("a status and severity without results is exported at 0: %+v", got)
		}

		// Without a trigger in the context the evaluation came through the
		// API; one node fixed, one rule dropped.
		ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"model": "7050X3"}, unet.WriteOptions{})).v(t)
		eval(ctx, []unet.PolicyFile{{Name: "m.rules", Content: `RULE "model-set" SEVERITY high WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL`}})
		if d := count("api", "ok") - api; d != 1 {
			t.Fatalf("API evaluations counted %v, want 1", d)
		}
		if got := failing("model-set", "high"); got.value != 1 {
			t.Fatalf("failing objects after the fix: %+v", got)
		}
		if got := failing("rack", "critical"); got.found {
			t.Fatalf("a removed rule keeps its series: %+v", got)
		}
		if results("fail", "critical") != 0 || results("pass", "low") != 0 || results("fail", "high") != 1 || results("pass", "high") != 1 {
			t.Fatal("results by status and severity were not replaced by the last evaluation")
		}

		// An evaluation of some nodes replaces only their results: the
		// gauges still count those of the other nodes.
		ok(svc.EvaluatePolicies(metrics.WithEvalTrigger(ctx, metrics.TriggerChange), unet.PolicyEvalRequest{Files: []unet.PolicyFile{{Name: "m.rules",
			Content: `RULE "model-set" SEVERITY high WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL`}}, Nodes: []string{"spine1"}, Store: true})).v(t)
		if results("pass", "high") != 1 || results("fail", "high") != 1 {
			t.Fatalf("after a partial evaluation: pass/high %v fail/high %v, want 1 and 1", results("pass", "high"), results("fail", "high"))
		}

		// A failing evaluation is an error of its trigger and leaves the
		// gauges alone.
		_, err := svc.EvaluatePolicies(metrics.WithEvalTrigger(ctx, metrics.TriggerCLI), unet.PolicyEvalRequest{
			Files: []unet.PolicyFile{{Name: "bad.rules", Content: "RULE"}}, Store: true})
		mustCode(t, err, unet.EINVALID)
		if d := count("cli", "error") - cliErr; d != 1 || count("cli", "ok") != cli || count("api", "error") != apiErr {
			t.Fatalf("failed evaluation: cli/error +%v, cli/ok %v→%v", d, cli, count("cli", "ok"))
		}
		if got := failing("model-set", "high"); got.value != 1 {
			t.Fatalf("a failed evaluation changed the gauges: %+v", got)
		}

		// Without policies nothing is evaluated and nothing is counted.
		apiErr = count("api", "error")
		if _, err := svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true}); !errors.Is(err, service.ErrNoPolicies) {
			t.Fatalf("evaluation without policies: %v", err)
		}
		if count("api", "error") != apiErr {
			t.Fatal("an evaluation without policies counts as failed")
		}
	})
}
