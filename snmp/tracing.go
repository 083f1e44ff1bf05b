package snmp

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/unet-dev/unet/telemetry"
)

// startCycle starts the span of one scheduler cycle: the root of the polls
// it runs (a child when ctx carries a span, as for a poll asked through the
// API).
func startCycle(ctx context.Context, targets int) (context.Context, trace.Span) {
	if !telemetry.Enabled() {
		return telemetry.Start(ctx, "")
	}
	return telemetry.Start(ctx, "snmp.cycle", attribute.Int("unet.snmp.targets", targets))
}

// endCycle ends the span of a scheduler cycle.
func endCycle(span trace.Span) { telemetry.End(span, nil) }

// startPoll starts the "snmp.poll" span of one agent.
func startPoll(ctx context.Context, target Target, profile Profile) (context.Context, trace.Span) {
	if !telemetry.Enabled() {
		return telemetry.Start(ctx, "")
	}
	node := target.Name
	if node == "" {
		node = target.ID
	}
	return telemetry.Start(ctx, "snmp.poll", attribute.String("unet.node", node),
		attribute.String("unet.snmp.profile", profile.Name), attribute.String("server.address", target.Host))
}

// endPoll records the poll's outcome (ok, timeout, auth or error) and ends
// its span.
func endPoll(span trace.Span, err error) {
	if span.IsRecording() {
		span.SetAttributes(attribute.String("unet.snmp.outcome", spanOutcome(err)))
	}
	telemetry.End(span, err)
}

// spanOutcome classifies a poll's error as "ok" (nil), "timeout", "auth" or
// "error", as the poll metrics do.
func spanOutcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, ErrAuth):
		return "auth"
	}
	return "error"
}
