package service

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/telemetry"
)

// startRender starts the "template.render" span of one node's rendering.
func startRender(ctx context.Context, node string, templates int) (context.Context, trace.Span) {
	if !telemetry.Enabled() {
		return telemetry.Start(ctx, "")
	}
	return telemetry.Start(ctx, "template.render", attribute.String("unet.node", node),
		attribute.Int("unet.templates", templates))
}

// evaluationCounts records the size of a policy evaluation on its span: the
// rules of the (default environment's) program, the nodes selected, the
// objects evaluated and the results kept.
func evaluationCounts(ctx context.Context, prog *policy.Program, nodes, objects, results int) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	span.SetAttributes(
		attribute.Int("unet.policy.rules", len(prog.Rules())),
		attribute.Int("unet.policy.nodes", nodes),
		attribute.Int("unet.policy.objects", objects),
		attribute.Int("unet.policy.results", results),
	)
}
