package gitsync

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/unet-dev/unet/telemetry"
)

// startSync starts the "git.sync" span of one source's sync: a root span
// for the background syncer, a child of the request's span for a sync asked
// through the API.
func startSync(ctx context.Context, source string, trigger Trigger) (context.Context, trace.Span) {
	if !telemetry.Enabled() {
		return telemetry.Start(ctx, "")
	}
	if trigger == "" {
		trigger = TriggerManual
	}
	return telemetry.Start(ctx, "git.sync", attribute.String("unet.git.source", source),
		attribute.String("unet.git.trigger", string(trigger)))
}

// endSync records the sync's outcome and ends its span: error when the sync
// could not run, else rejected when an environment's new commit failed
// validation, activated when one was activated, unchanged otherwise.
func endSync(span trace.Span, res Result, err error) {
	if span.IsRecording() {
		span.SetAttributes(attribute.String("unet.git.outcome", syncOutcome(res, err)),
			attribute.Int("unet.git.environments", len(res.Environments)))
	}
	telemetry.End(span, err)
}

func syncOutcome(res Result, err error) string {
	if err != nil {
		return "error"
	}
	outcome := string(OutcomeUnchanged)
	for _, e := range res.Environments {
		switch e.Outcome {
		case OutcomeRejected:
			return string(OutcomeRejected)
		case OutcomeFailed:
			return "error"
		case OutcomeActivated:
			outcome = string(OutcomeActivated)
		}
	}
	return outcome
}
