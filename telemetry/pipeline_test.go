package telemetry

import (
	"context"
	"errors"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/proto"
)

// install makes p the installed pipeline for the rest of the test.
func install(t *testing.T, p *pipeline) {
	t.Helper()
	prev := installed.Swap(p)
	t.Cleanup(func() { installed.Store(prev) })
}

// TestEndExportsTheEndedSpan checks that End hands the SDK's span itself,
// once it has ended, to the batcher, and that what the batcher sends is
// what the SDK's exporter sends for the copy the SDK makes for its span
// processors: attributes set before and after the start, a replaced
// attribute, an error and its event, a link, the kinds, parents and
// statuses.
func TestEndExportsTheEndedSpan(t *testing.T) {
	ctx := context.Background()
	sdkClient, ourClient := &captureClient{}, &captureClient{}
	sdkExp, err := otlptrace.New(ctx, sdkClient)
	if err != nil {
		t.Fatal(err)
	}
	// The SDK's processor is registered only to have the SDK's copy of
	// each span to compare with: the pipeline Setup builds has none.
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sdktrace.NewSimpleSpanProcessor(sdkExp)))
	t.Cleanup(func() { _ = tp.Shutdown(ctx) })
	install(t, &pipeline{tp: tp, b: testBatcher(t, ourClient, 512, 2048)})
	tr := tp.Tracer(ScopeName)

	ctx, server := tr.Start(ctx, "GET /api/v1/nodes/{ref}", trace.WithSpanKind(trace.SpanKindServer))
	server.SetAttributes(attribute.String("http.request.method", "GET"), attribute.Int("http.response.status_code", 200))
	sctx, svc := tr.Start(ctx, "service.getNode", trace.WithAttributes(attribute.Bool("x", true)))
	_, db := tr.Start(sctx, "db.query", trace.WithLinks(trace.Link{SpanContext: server.SpanContext(),
		Attributes: []attribute.KeyValue{attribute.Int("n", 1)}}))
	db.SetAttributes(attribute.String("db.operation.name", "SELECT"), attribute.Float64("f", 1.5))
	End(db, errors.New("no such table"))
	svc.SetAttributes(attribute.String("unet.error.code", "not_found"))
	End(svc, nil)
	server.SetAttributes(attribute.Int("http.response.status_code", 503))
	server.SetStatus(codes.Error, "Service Unavailable")
	End(server, nil)
	End(server, nil) // ending twice sends it once

	if err := installed.Load().b.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sdkClient.got) != 3 || len(ourClient.got) != 1 {
		t.Fatalf("%d requests from the SDK's exporter (want 3, one per span), %d from the batcher (want 1)",
			len(sdkClient.got), len(ourClient.got))
	}
	got := ourClient.got[0]
	if len(got) != 1 || len(got[0].ScopeSpans) != 1 || len(got[0].ScopeSpans[0].Spans) != 3 {
		t.Fatalf("batcher sent:\n%s\nwant the 3 spans, once each", text(got))
	}
	for i, want := range sdkClient.got {
		w, g := want[0].ScopeSpans[0].Spans[0], got[0].ScopeSpans[0].Spans[i]
		if !proto.Equal(w, g) {
			t.Errorf("span %d differs from the SDK exporter's:\nSDK:\n%s\nours:\n%s", i, text(want), text(got))
		}
	}
	if !proto.Equal(sdkClient.got[0][0].Resource, got[0].Resource) || !proto.Equal(sdkClient.got[0][0].ScopeSpans[0].Scope, got[0].ScopeSpans[0].Scope) {
		t.Errorf("resource or scope differ:\nSDK:\n%s\nours:\n%s", text(sdkClient.got[0]), text(got))
	}
}

// TestEndExportsOnlySampledSpansOfThePipeline: End sends nothing for a
// span recorded but not sampled, a span the sampler dropped, or a span of
// another provider; and a span ended by its End method alone is not sent.
func TestEndExportsOnlySampledSpansOfThePipeline(t *testing.T) {
	ctx := context.Background()
	c := &captureClient{}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(byName{}))
	other := sdktrace.NewTracerProvider()
	install(t, &pipeline{tp: tp, b: testBatcher(t, c, 512, 2048)})
	tr := tp.Tracer(ScopeName)

	_, recordOnly := tr.Start(ctx, "record")
	_, dropped := tr.Start(ctx, "drop")
	_, foreign := other.Tracer(ScopeName).Start(ctx, "foreign")
	_, direct := tr.Start(ctx, "direct")
	_, sampled := tr.Start(ctx, "sampled")
	if !recordOnly.IsRecording() || recordOnly.SpanContext().IsSampled() || dropped.IsRecording() || !foreign.IsRecording() {
		t.Fatal("the sampler did not decide as the test expects")
	}
	End(recordOnly, nil)
	End(dropped, errors.New("boom"))
	End(foreign, nil)
	direct.End()
	End(direct, nil) // already ended: not sent either
	End(sampled, nil)
	if err := installed.Load().b.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(c.got) != 1 || len(c.got[0][0].ScopeSpans[0].Spans) != 1 || c.got[0][0].ScopeSpans[0].Spans[0].Name != "sampled" {
		t.Fatalf("sent:\n%s\nwant the span named sampled alone", text(c.got[0]))
	}
}

// byName samples the spans named "sampled" and "direct", records without
// sampling "record" and drops the others.
type byName struct{}

func (byName) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	d := sdktrace.Drop
	switch p.Name {
	case "sampled", "direct":
		d = sdktrace.RecordAndSample
	case "record":
		d = sdktrace.RecordOnly
	}
	return sdktrace.SamplingResult{Decision: d, Tracestate: trace.SpanContextFromContext(p.ParentContext).TraceState()}
}

func (byName) Description() string { return "byName" }
