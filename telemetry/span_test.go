package telemetry_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/unet-dev/unet/telemetry"
)

func TestOffIsFree(t *testing.T) {
	t.Setenv("OTEL_TRACES_EXPORTER", "")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	shutdown, err := telemetry.Setup(context.Background(), "", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if telemetry.Enabled() {
		t.Fatal("tracing on with no exporter configured")
	}
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		c, span := telemetry.Start(ctx, "x")
		telemetry.End(span, nil)
		if c != ctx || span.IsRecording() {
			t.Fatal("Start with tracing off made a new context or a recording span")
		}
	})
	if allocs != 0 {
		t.Errorf("Start/End with tracing off: %v allocations, want 0", allocs)
	}
	if id := telemetry.TraceID(ctx); id != "" {
		t.Errorf("TraceID without a span = %q", id)
	}
}

func TestStartOffDoesNotEndTheParent(t *testing.T) {
	// With tracing off, ending the span Start returns must not end a span
	// the context already carries.
	parent := &endCounter{Span: trace.SpanFromContext(context.Background())}
	ctx := trace.ContextWithSpan(context.Background(), parent)
	_, span := telemetry.Start(ctx, "child")
	telemetry.End(span, errors.New("boom"))
	if parent.ended != 0 {
		t.Errorf("the parent span was ended %d times", parent.ended)
	}
}

type endCounter struct {
	trace.Span
	ended int
}

func (s *endCounter) End(...trace.SpanEndOption) { s.ended++ }

func TestTraceIDOfRemoteParent(t *testing.T) {
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled, Remote: true}))
	if got := telemetry.TraceID(ctx); got != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("TraceID = %q", got)
	}
}

func TestSetupRefusesGRPC(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
	_, err := telemetry.Setup(context.Background(), "", "v1")
	if err == nil || !strings.Contains(err.Error(), "only http/protobuf") {
		t.Fatalf("Setup with OTLP over gRPC: %v, want a refusal naming http/protobuf", err)
	}
	if telemetry.Enabled() {
		t.Error("tracing on after a refused setup")
	}
}
