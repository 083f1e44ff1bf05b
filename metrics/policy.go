package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Triggers of a policy evaluation: how it was started.
const (
	TriggerSchedule = "schedule"
	TriggerChange   = "change"
	TriggerAPI      = "api"
	TriggerCLI      = "cli"
)

// Policy statuses and severities always exported (at 0 when no result has
// them), so that rules and dashboards see a series before the first failure.
var (
	policyStatuses   = []string{"pass", "fail", "error", "not_applicable"}
	policySeverities = []string{"info", "low", "medium", "high", "critical"}
)

var (
	policyEvaluations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "unet_policy_evaluations_total",
		Help: "Policy evaluations by how they were started (schedule, change, api, cli) and outcome (ok, error).",
	}, []string{"trigger", "outcome"})
	policyEvalDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "unet_policy_evaluation_duration_seconds",
		Help:    "Duration of policy evaluations, storing included.",
		Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300},
	})
	policyResults = &policyResultsCollector{
		results: prometheus.NewDesc("unet_policy_results",
			"Stored policy results of the last evaluation by status and severity.", []string{"status", "severity"}, nil),
		failing: prometheus.NewDesc("unet_policy_rule_failing_objects",
			"Objects failing each rule in the stored policy results.", []string{"rule", "severity"}, nil),
	}
)

func init() {
	Registry.MustRegister(policyEvaluations, policyEvalDuration, policyResults)
	for _, t := range []string{TriggerSchedule, TriggerChange, TriggerAPI, TriggerCLI} {
		for _, o := range []string{"ok", "error"} {
			policyEvaluations.WithLabelValues(t, o)
		}
	}
}

type evalTriggerKey struct{}

// WithEvalTrigger returns ctx carrying how a policy evaluation was started
// (TriggerSchedule, TriggerChange, TriggerAPI or TriggerCLI).
func WithEvalTrigger(ctx context.Context, trigger string) context.Context {
	return context.WithValue(ctx, evalTriggerKey{}, trigger)
}

// EvalTrigger returns the trigger ctx carries; an evaluation started without
// one was asked for through the API.
func EvalTrigger(ctx context.Context) string {
	switch t, _ := ctx.Value(evalTriggerKey{}).(string); t {
	case TriggerSchedule, TriggerChange, TriggerCLI:
		return t
	default:
		return TriggerAPI
	}
}

// ObservePolicyEvaluation counts one evaluation started by trigger that took
// d and failed when err is not nil.
func ObservePolicyEvaluation(trigger string, d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	policyEvaluations.WithLabelValues(trigger, outcome).Inc()
	policyEvalDuration.Observe(d.Seconds())
}

// PolicyResult is what the policy gauges need of one stored result.
type PolicyResult struct {
	Rule, Severity, Status string
}

// SetPolicyResults replaces the policy gauges with the stored results:
// results by status and severity, and failing objects per rule (0 for a
// rule whose objects all pass; rules without results disappear).
func SetPolicyResults(rs []PolicyResult) {
	counts := make(map[PolicyResult]int)
	for _, r := range rs {
		counts[r]++
	}
	SetPolicyResultCounts(counts)
}

// SetPolicyResultCounts is SetPolicyResults over the stored results counted
// by rule, severity and status.
func SetPolicyResultCounts(counts map[PolicyResult]int) {
	results := map[[2]string]float64{}
	for _, st := range policyStatuses {
		for _, sev := range policySeverities {
			results[[2]string{st, sev}] = 0
		}
	}
	failing := map[[2]string]float64{}
	for r, n := range counts {
		if n <= 0 {
			continue
		}
		results[[2]string{r.Status, r.Severity}] += float64(n)
		k := [2]string{r.Rule, r.Severity}
		if r.Status == "fail" {
			failing[k] += float64(n)
		} else if _, ok := failing[k]; !ok {
			failing[k] = 0
		}
	}
	policyResults.set(results, failing)
}
