package service

import (
	"context"
	"errors"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/telemetry"
)

// EvaluatePolicies evaluates rules over the inventory (or the selected nodes),
// returns every result, and with req.Store keeps them and their history.
// Each evaluation is counted by the trigger its context carries
// (metrics.WithEvalTrigger; the API by default) and outcome; a server
// without policies (ErrNoPolicies) evaluates nothing and counts nothing.
func (s *Service) EvaluatePolicies(ctx context.Context, req unet.PolicyEvalRequest) (*unet.PolicyEvalReport, error) {
	ctx, span := telemetry.Start(ctx, "policy.evaluate")
	start := time.Now()
	rep, err := s.evaluatePolicies(ctx, req)
	telemetry.End(span, err)
	if !errors.Is(err, ErrNoPolicies) {
		metrics.ObservePolicyEvaluation(metrics.EvalTrigger(ctx), time.Since(start), err)
	}
	return rep, err
}

// storedAfter is what the policy results table holds once an evaluation's
// results are stored over the stored ones: the new results replace those of
// the same object and rule; a full evaluation also drops the others.
func storedAfter(stored map[sqlstore.ResultKey]sqlstore.StoredResult, results []unet.PolicyResult, full bool) []metrics.PolicyResult {
	out := make([]metrics.PolicyResult, 0, max(len(results), len(stored)))
	seen := make(map[sqlstore.ResultKey]bool, len(results))
	for i := range results {
		r := &results[i]
		seen[sqlstore.ResultKey{Kind: r.ObjectKind, ObjectID: r.ObjectID, Rule: r.Rule}] = true
		out = append(out, metrics.PolicyResult{Rule: r.Rule, Severity: r.Severity, Status: r.Status})
	}
	if full {
		return out
	}
	for k, old := range stored {
		if !seen[k] {
			out = append(out, metrics.PolicyResult{Rule: k.Rule, Severity: old.Severity, Status: old.Status})
		}
	}
	return out
}
