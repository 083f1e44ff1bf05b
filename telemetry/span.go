package telemetry

import (
	"context"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of μNet's spans.
const ScopeName = "github.com/unet-dev/unet"

// tracer is the tracer of the provider Setup installed last (a global
// delegate would stay bound to the first provider ever installed).
var tracer atomic.Pointer[trace.Tracer]

func setTracer(tp trace.TracerProvider) {
	t := tp.Tracer(ScopeName)
	tracer.Store(&t)
}

// noSpan is the non-recording span of Start when tracing is off.
var noSpan = trace.SpanFromContext(context.Background())

// Tracer is the package-wide tracer of μNet's spans.
func Tracer() trace.Tracer {
	if t := tracer.Load(); t != nil {
		return *t
	}
	return otel.Tracer(ScopeName)
}

// Start starts a span named name as a child of the span in ctx (a root span
// when there is none). With tracing off it returns ctx itself and a
// non-recording span: no allocation, nothing to export.
func Start(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	if !enabled.Load() {
		return ctx, noSpan
	}
	if len(attrs) == 0 {
		return Tracer().Start(ctx, name)
	}
	return Tracer().Start(ctx, name, trace.WithAttributes(attrs...))
}

// StartWith is Start with span start options built in advance (a hot path
// builds them once rather than per span).
func StartWith(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	if !enabled.Load() {
		return ctx, noSpan
	}
	return Tracer().Start(ctx, name, opts...)
}

// StartSet is StartWith that records attrs once the span has started
// rather than through a start option: the SDK then copies them once, into
// the span, where an option first copies them into the start
// configuration. Samplers do not see them (μNet's, from OTEL_TRACES_SAMPLER,
// do not look at attributes). attrs is not kept.
func StartSet(ctx context.Context, name string, attrs []attribute.KeyValue, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	if !enabled.Load() {
		return ctx, noSpan
	}
	ctx, span := Tracer().Start(ctx, name, opts...)
	span.SetAttributes(attrs...)
	return ctx, span
}

// StartRoot starts a span that begins a new trace whatever ctx holds (for
// background jobs: each run is a trace of its own).
func StartRoot(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	if !enabled.Load() {
		return ctx, noSpan
	}
	return Tracer().Start(ctx, name, trace.WithNewRoot(), trace.WithAttributes(attrs...))
}

// End ends span, marking it failed with err when err is not nil, and hands
// it to the exporter when it is sampled. μNet's spans end here (or through
// EndWith), never through span.End alone: the exporter is not one of the
// SDK's span processors (see pipeline), so a span ended otherwise is not
// exported. Ending a span twice exports it once.
func End(span trace.Span, err error) {
	recording := span.IsRecording()
	if err != nil && recording {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
	if recording {
		export(span)
	}
}

// TraceID is the hex trace id of the span in ctx, "" when there is none (or
// tracing is off).
func TraceID(ctx context.Context) string {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.HasTraceID() {
		return ""
	}
	return sc.TraceID().String()
}
