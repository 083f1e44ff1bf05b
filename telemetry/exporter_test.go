package telemetry

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
)

// captureClient is an OTLP client that keeps a copy of every request.
type captureClient struct{ got [][]*tracepb.ResourceSpans }

func (c *captureClient) Start(context.Context) error { return nil }
func (c *captureClient) Stop(context.Context) error  { return nil }
func (c *captureClient) UploadTraces(_ context.Context, rss []*tracepb.ResourceSpans) error {
	cp := make([]*tracepb.ResourceSpans, len(rss))
	for i, rs := range rss {
		cp[i] = proto.Clone(rs).(*tracepb.ResourceSpans)
	}
	c.got = append(c.got, cp)
	return nil
}

// testSpans are spans with every kind of field the exporter converts.
func testSpans(n int) []sdktrace.ReadOnlySpan {
	res := resource.NewSchemaless(attribute.String("service.name", "unet-test"), attribute.Int("pid", 42))
	scopes := []instrumentation.Scope{
		{Name: ScopeName, Version: "v1"},
		{Name: "other", SchemaURL: "https://opentelemetry.io/schemas/1.26.0",
			Attributes: attribute.NewSet(attribute.Bool("x", true))},
	}
	start := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	var stubs tracetest.SpanStubs
	for i := range n {
		tid := trace.TraceID{1, byte(i)}
		sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{2, byte(i)}, TraceFlags: trace.FlagsSampled})
		parent := trace.SpanContext{}
		if i%3 != 0 {
			parent = trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{3, byte(i)}, Remote: i%3 == 2})
		}
		s := tracetest.SpanStub{
			Name: "span", SpanContext: sc, Parent: parent, SpanKind: trace.SpanKind(i % 6),
			StartTime: start.Add(time.Duration(i) * time.Millisecond), EndTime: start.Add(time.Duration(i+1) * time.Millisecond),
			Attributes: []attribute.KeyValue{
				attribute.String("http.route", "/api/v1/nodes/{ref}"), attribute.Int("http.response.status_code", 200+i),
				attribute.Bool("b", i%2 == 0), attribute.Float64("f", 1.5),
			},
			Resource: res, InstrumentationScope: scopes[i%2], DroppedAttributes: i % 2,
		}
		if i%4 == 1 {
			s.Attributes = append(s.Attributes, attribute.StringSlice("ss", []string{"a", "b"}), attribute.Int64Slice("is", []int64{1, 2}),
				attribute.BoolSlice("bs", []bool{true}), attribute.Float64Slice("fs", []float64{0.5}))
			s.Status = sdktrace.Status{Code: codes.Error, Description: "boom"}
			s.Events = []sdktrace.Event{{Name: "exception", Time: start, Attributes: []attribute.KeyValue{attribute.String("exception.message", "boom")}}}
			s.Links = []sdktrace.Link{{SpanContext: parent, Attributes: []attribute.KeyValue{attribute.Int("n", 1)}, DroppedAttributeCount: 1}}
			ts, _ := trace.ParseTraceState("vendor=value")
			s.SpanContext = s.SpanContext.WithTraceState(ts)
		}
		if i%4 == 2 {
			s.Attributes = nil
			s.Status = sdktrace.Status{Code: codes.Ok}
		}
		stubs = append(stubs, s)
	}
	return stubs.Snapshots()
}

// TestExporterMatchesSDK checks that the exporter sends what the SDK's own
// OTLP exporter sends for the same spans, batch after batch (the buffers of
// a large batch reused by a smaller one leave nothing behind).
func TestExporterMatchesSDK(t *testing.T) {
	ctx := context.Background()
	sdkClient, ourClient := &captureClient{}, &captureClient{}
	sdkExp, err := otlptrace.New(ctx, sdkClient)
	if err != nil {
		t.Fatal(err)
	}
	ours := newExporter(ourClient)
	if err := ours.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{12, 3, 1, 40, 2} {
		spans := testSpans(n)
		if err := sdkExp.ExportSpans(ctx, spans); err != nil {
			t.Fatal(err)
		}
		if err := ours.ExportSpans(ctx, spans); err != nil {
			t.Fatal(err)
		}
	}
	if len(ourClient.got) != len(sdkClient.got) {
		t.Fatalf("%d requests, the SDK's exporter sent %d", len(ourClient.got), len(sdkClient.got))
	}
	for i, want := range sdkClient.got {
		got := ourClient.got[i]
		same := len(got) == len(want)
		for j := 0; same && j < len(want); j++ {
			same = proto.Equal(want[j], got[j])
		}
		if !same {
			t.Errorf("request %d differs from the SDK exporter's:\nSDK:\n%s\nours:\n%s", i, text(want), text(got))
		}
	}
	if err := ours.ExportSpans(ctx, nil); err != nil || len(ourClient.got) != 5 {
		t.Errorf("an empty batch: %v, %d requests (want nothing sent)", err, len(ourClient.got))
	}
}

// failingClient refuses every upload.
type failingClient struct{ captureClient }

func (failingClient) UploadTraces(context.Context, []*tracepb.ResourceSpans) error {
	return errors.New("collector down")
}

func TestExporterReportsUploadErrors(t *testing.T) {
	e := newExporter(&failingClient{})
	if err := e.ExportSpans(context.Background(), testSpans(2)); err == nil || err.Error() != "collector down" {
		t.Fatalf("got %v, want the client's error", err)
	}
}

// BenchmarkExporterBuild is the conversion of a batch of 512 spans (the
// batch processor's default batch) like the server's (a few string and
// integer attributes, no events or links) with the buffers reused.
func BenchmarkExporterBuild(b *testing.B) {
	var spans []sdktrace.ReadOnlySpan
	for _, s := range testSpans(1024) {
		if len(s.Events()) == 0 {
			spans = append(spans, s)
		}
	}
	spans = spans[:512]
	var buf batch
	b.ReportAllocs()
	for b.Loop() {
		buf.build(spans)
	}
}

func text(rss []*tracepb.ResourceSpans) string {
	var out string
	for _, rs := range rss {
		out += prototext.Format(rs) + "\n"
	}
	return out
}
