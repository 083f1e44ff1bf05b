package telemetry

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/unet-dev/unet/internal/testutil"
)

// marshalClient is an OTLP client that marshals each request as the
// OTLP/HTTP client does and sends it nowhere.
type marshalClient struct{}

func (marshalClient) Start(context.Context) error { return nil }
func (marshalClient) Stop(context.Context) error  { return nil }
func (marshalClient) UploadTraces(_ context.Context, rss []*tracepb.ResourceSpans) error {
	_, err := proto.Marshal(&coltracepb.ExportTraceServiceRequest{ResourceSpans: rss})
	return err
}

// BenchmarkTracingPipeline is the tracing of one API request as the server
// makes it (a server span with its method, route and status, a service
// span and a database span), from the spans' start to the bytes an export
// request would send: "sdk" through the SDK's batch span processor and
// OTLP exporter, "unet-processor" through the batcher registered as the
// SDK's span processor (the SDK copies each span for it as it ends), and
// "unet" as Setup installs it: the spans end through End, which hands them
// to the batcher without that copy. It reports the process's CPU time per
// request (cpu-ns/req), export goroutine included: on a busy server that
// is the cost, whichever core it runs on.
func BenchmarkTracingPipeline(b *testing.B) {
	cfg := batchConfig{delay: 5 * time.Second, timeout: 30 * time.Second, maxQueue: 2048, maxBatch: 512, block: true}
	for _, p := range []struct {
		name string
		// setup returns the provider and the processor that flushes
		// the spans; end ends a span.
		setup func(b *testing.B) (*sdktrace.TracerProvider, sdktrace.SpanProcessor)
		end   func(trace.Span)
	}{
		{"sdk", func(b *testing.B) (*sdktrace.TracerProvider, sdktrace.SpanProcessor) {
			exp, err := otlptrace.New(context.Background(), marshalClient{})
			if err != nil {
				b.Fatal(err)
			}
			sp := sdktrace.NewBatchSpanProcessor(exp, sdktrace.WithBlocking())
			return sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sp)), sp
		}, func(s trace.Span) { s.End() }},
		{"unet-processor", func(*testing.B) (*sdktrace.TracerProvider, sdktrace.SpanProcessor) {
			sp := newBatcher(marshalClient{}, cfg)
			return sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sp)), sp
		}, func(s trace.Span) { s.End() }},
		{"unet", func(b *testing.B) (*sdktrace.TracerProvider, sdktrace.SpanProcessor) {
			p := &pipeline{tp: sdktrace.NewTracerProvider(), b: newBatcher(marshalClient{}, cfg)}
			prev := installed.Swap(p)
			b.Cleanup(func() { installed.Store(prev) })
			return p.tp, p.b
		}, func(s trace.Span) { End(s, nil) }},
	} {
		b.Run(p.name, func(b *testing.B) {
			tp, sp := p.setup(b)
			tr := tp.Tracer(ScopeName)
			server := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
				attribute.String("http.request.method", "GET"), attribute.String("http.route", "/api/v1/nodes/{ref}"))}
			db := []trace.SpanStartOption{trace.WithAttributes(
				attribute.String("db.system.name", "sqlite"), attribute.String("db.operation.name", "SELECT"))}
			b.ReportAllocs()
			cpu0 := testutil.CPUTime(b)
			for b.Loop() {
				ctx, s1 := tr.Start(context.Background(), "GET /api/v1/nodes/{ref}", server...)
				ctx, s2 := tr.Start(ctx, "service.getNode")
				_, s3 := tr.Start(ctx, "db.query", db...)
				p.end(s3)
				p.end(s2)
				s1.SetAttributes(attribute.Int("http.response.status_code", 200))
				p.end(s1)
			}
			if err := sp.ForceFlush(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(testutil.CPUTime(b)-cpu0)/float64(b.N), "cpu-ns/req")
			if err := errors.Join(tp.Shutdown(context.Background()), sp.Shutdown(context.Background())); err != nil {
				b.Fatal(err)
			}
		})
	}
}
