package telemetry

import (
	"context"
	"errors"
	"log"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
)

// captureClient is an OTLP client that keeps every request as a collector
// receives it: marshalled as the OTLP/HTTP client marshals it, then decoded.
type captureClient struct{ got [][]*tracepb.ResourceSpans }

func (c *captureClient) Start(context.Context) error { return nil }
func (c *captureClient) Stop(context.Context) error  { return nil }
func (c *captureClient) UploadTraces(_ context.Context, rss []*tracepb.ResourceSpans) error {
	body, err := proto.Marshal(&coltracepb.ExportTraceServiceRequest{ResourceSpans: rss})
	if err != nil {
		return err
	}
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		return err
	}
	c.got = append(c.got, req.ResourceSpans)
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

// testBatcher is a batcher sending to client that exports only when asked
// (or when a batch of maxBatch spans is full).
func testBatcher(t testing.TB, client otlptrace.Client, maxBatch, maxQueue int) *batcher {
	t.Helper()
	p := newBatcher(client, batchConfig{delay: time.Hour, timeout: time.Minute, maxQueue: maxQueue, maxBatch: maxBatch})
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p
}

// TestBatcherMatchesSDK checks that a collector receives from the batcher
// what the SDK's own batch processor and OTLP exporter send for the same
// spans, batch after batch (the buffers of a large batch reused by a
// smaller one leave nothing behind).
func TestBatcherMatchesSDK(t *testing.T) {
	ctx := context.Background()
	sdkClient, ourClient := &captureClient{}, &captureClient{}
	sdkExp, err := otlptrace.New(ctx, sdkClient)
	if err != nil {
		t.Fatal(err)
	}
	ours := testBatcher(t, ourClient, 512, 2048)
	for _, n := range []int{12, 3, 1, 40, 2} {
		spans := testSpans(n)
		if err := sdkExp.ExportSpans(ctx, spans); err != nil {
			t.Fatal(err)
		}
		for _, s := range spans {
			ours.OnEnd(s)
		}
		if err := ours.ForceFlush(ctx); err != nil {
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
	if err := ours.ForceFlush(ctx); err != nil || len(ourClient.got) != 5 {
		t.Errorf("a flush with nothing waiting: %v, %d requests (want nothing sent)", err, len(ourClient.got))
	}
}

// failingClient refuses every upload.
type failingClient struct{ captureClient }

func (failingClient) UploadTraces(context.Context, []*tracepb.ResourceSpans) error {
	return errors.New("collector down")
}

func TestBatcherReportsUploadErrors(t *testing.T) {
	p := testBatcher(t, &failingClient{}, 512, 2048)
	for _, s := range testSpans(2) {
		p.OnEnd(s)
	}
	if err := p.ForceFlush(context.Background()); err == nil || err.Error() != "collector down" {
		t.Fatalf("got %v, want the client's error", err)
	}
}

// blockingClient counts the spans it receives and, while hold is set,
// waits in every upload until release is closed.
type blockingClient struct {
	captureClient
	mu       sync.Mutex
	spans    int
	requests int
	entered  chan struct{}
	release  chan struct{}
}

func (c *blockingClient) UploadTraces(ctx context.Context, rss []*tracepb.ResourceSpans) error {
	if c.release != nil {
		select {
		case c.entered <- struct{}{}:
		default:
		}
		<-c.release
	}
	if err := c.captureClient.UploadTraces(ctx, rss); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests++
	for _, rs := range c.got[len(c.got)-1] {
		for _, ss := range rs.ScopeSpans {
			c.spans += len(ss.Spans)
		}
	}
	return nil
}

func (c *blockingClient) counts() (requests, spans int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests, c.spans
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestBatcherSendsFullBatches: a full batch is sent without a flush and
// without waiting for the schedule delay, in requests of at most the
// batch size.
func TestBatcherSendsFullBatches(t *testing.T) {
	c := &blockingClient{}
	p := testBatcher(t, c, 4, 100)
	for _, s := range testSpans(9) {
		p.OnEnd(s)
	}
	waitFor(t, "two full batches", func() bool { r, n := c.counts(); return r == 2 && n == 8 })
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r, n := c.counts(); r != 3 || n != 9 {
		t.Fatalf("%d requests, %d spans after the flush: want 3 and 9", r, n)
	}
}

// TestBatcherScheduleDelay: spans of a batch that never fills are sent
// after the schedule delay.
func TestBatcherScheduleDelay(t *testing.T) {
	c := &blockingClient{}
	p := newBatcher(c, batchConfig{delay: 20 * time.Millisecond, timeout: time.Minute, maxQueue: 100, maxBatch: 50})
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	for _, s := range testSpans(3) {
		p.OnEnd(s)
	}
	waitFor(t, "the scheduled export", func() bool { _, n := c.counts(); return n == 3 })
}

// TestBatcherDropsWhenQueueFull: while the collector does not answer, the
// spans beyond the queue's size are dropped and the next export says how
// many; the others are all sent.
func TestBatcherDropsWhenQueueFull(t *testing.T) {
	c := &blockingClient{entered: make(chan struct{}, 1), release: make(chan struct{})}
	p := testBatcher(t, c, 2, 4)
	spans := testSpans(8)
	p.OnEnd(spans[0])
	p.OnEnd(spans[1]) // a full batch: the export goroutine takes it and waits
	select {
	case <-c.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the full batch was not exported")
	}
	for _, s := range spans[2:] {
		p.OnEnd(s) // 4 fit in the queue, 2 are dropped
	}
	// The drop is reported by the next export: the export goroutine's
	// (through otel.Handle) or the flush's, whichever runs first.
	var mu sync.Mutex
	var reports []string
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, err.Error())
	}))
	t.Cleanup(func() { otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Print(err) })) })
	close(c.release)
	if err := p.ForceFlush(context.Background()); err != nil {
		mu.Lock()
		reports = append(reports, err.Error())
		mu.Unlock()
	}
	waitFor(t, "every queued span", func() bool { _, n := c.counts(); return n == 6 })
	waitFor(t, "the report of the drop", func() bool { mu.Lock(); defer mu.Unlock(); return len(reports) > 0 })
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reports) != 1 || !strings.Contains(reports[0], "2 spans dropped") {
		t.Fatalf("reports %q, want one saying 2 spans were dropped", reports)
	}
}

// TestBatcherShutdown: shutdown sends what waits and stops the client;
// spans ending afterwards are ignored and a second shutdown does nothing.
func TestBatcherShutdown(t *testing.T) {
	c := &stopClient{}
	p := newBatcher(c, batchConfig{delay: time.Hour, timeout: time.Minute, maxQueue: 100, maxBatch: 50})
	spans := testSpans(4)
	for _, s := range spans[:3] {
		p.OnEnd(s)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.OnEnd(spans[3])
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatalf("second shutdown: %v", err)
	}
	if len(c.got) != 1 || c.stops != 1 {
		t.Fatalf("%d requests, client stopped %d times: want 1 and 1", len(c.got), c.stops)
	}
	if n := len(c.got[0][0].ScopeSpans[0].Spans) + len(c.got[0][0].ScopeSpans[1].Spans); n != 3 {
		t.Fatalf("%d spans sent, want the 3 ended before shutdown", n)
	}
}

type stopClient struct {
	captureClient
	stops int
}

func (c *stopClient) Stop(context.Context) error { c.stops++; return nil }

// TestBatcherIgnoresUnsampledSpans: a span the sampler recorded but did
// not sample is not exported.
func TestBatcherIgnoresUnsampledSpans(t *testing.T) {
	c := &captureClient{}
	p := testBatcher(t, c, 512, 2048)
	stub := tracetest.SpanStub{Name: "x", SpanContext: trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}})}
	p.OnEnd(stub.Snapshot())
	if err := p.ForceFlush(context.Background()); err != nil || len(c.got) != 0 {
		t.Fatalf("%v, %d requests: want none", err, len(c.got))
	}
}

func TestReadBatchConfig(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := readBatchConfig(env(nil))
	if err != nil || c != (batchConfig{delay: 5 * time.Second, timeout: 30 * time.Second, maxQueue: 2048, maxBatch: 512}) {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	c, err = readBatchConfig(env(map[string]string{"OTEL_BSP_SCHEDULE_DELAY": "20", "OTEL_BSP_EXPORT_TIMEOUT": " 1500 ",
		"OTEL_BSP_MAX_QUEUE_SIZE": "100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "400"}))
	if err != nil || c != (batchConfig{delay: 20 * time.Millisecond, timeout: 1500 * time.Millisecond, maxQueue: 100, maxBatch: 100}) {
		t.Fatalf("set: %+v, %v (a batch larger than the queue is the queue)", c, err)
	}
	for k, v := range map[string]string{"OTEL_BSP_SCHEDULE_DELAY": "5s", "OTEL_BSP_MAX_QUEUE_SIZE": "0", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "-1"} {
		if _, err := readBatchConfig(env(map[string]string{k: v})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: %v, want an error naming the variable", k, v, err)
		}
	}
}

// BenchmarkBatcherEncode is what a batch of 512 spans (the default batch)
// like the server's (a few string and integer attributes, no events or
// links) costs from the spans' end to the bytes sent: encoded as each span
// ends, the request built and marshalled as the OTLP/HTTP client does.
func BenchmarkBatcherEncode(b *testing.B) {
	var spans []sdktrace.ReadOnlySpan
	for _, s := range testSpans(1024) {
		if len(s.Events()) == 0 && s.InstrumentationScope().Name == ScopeName {
			spans = append(spans, s)
		}
	}
	spans = spans[:512]
	var batch spanBatch
	var req requestBuilder
	var body []byte
	b.ReportAllocs()
	for b.Loop() {
		batch.reset()
		for _, s := range spans {
			body = appendSpan(body[:0], s)
			batch.addEncoded(s, body)
		}
		if _, err := proto.Marshal(&coltracepb.ExportTraceServiceRequest{ResourceSpans: req.build(&batch)}); err != nil {
			b.Fatal(err)
		}
	}
}

func text(rss []*tracepb.ResourceSpans) string {
	var out string
	for _, rs := range rss {
		out += prototext.Format(rs) + "\n"
	}
	return out
}

// TestBatcherBlocks: with block set, a span that finds the queue full
// waits for the export instead of being dropped.
func TestBatcherBlocks(t *testing.T) {
	c := &blockingClient{}
	p := newBatcher(c, batchConfig{delay: time.Hour, timeout: time.Minute, maxQueue: 2, maxBatch: 2, block: true})
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	for _, s := range testSpans(11) {
		p.OnEnd(s)
	}
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, n := c.counts(); n != 11 {
		t.Fatalf("%d spans sent, want all 11", n)
	}
}
