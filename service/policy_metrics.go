package service

import (
	"context"
	"errors"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/metrics"
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
