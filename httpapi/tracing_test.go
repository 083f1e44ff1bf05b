package httpapi_test

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/telemetry"
	"github.com/unet-dev/unet/telemetry/otlptest"
)

// startTracing turns tracing on through the standard environment, exporting
// to a real OTLP/HTTP receiver on loopback, and turns it off at the end.
func startTracing(t testing.TB) *otlptest.Receiver {
	t.Helper()
	return startTracingTo(t, otlptest.Start)
}

func startTracingTo(t testing.TB, start func() (*otlptest.Receiver, error)) *otlptest.Receiver {
	t.Helper()
	rcv, err := start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rcv.Close() })
	for k, v := range map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": rcv.URL,
		"OTEL_SERVICE_NAME":           "unet-test",
		"OTEL_RESOURCE_ATTRIBUTES":    "deployment.environment.name=lab",
		"OTEL_BSP_SCHEDULE_DELAY":     "20",
		"OTEL_BSP_MAX_QUEUE_SIZE":     "",
		"OTEL_TRACES_SAMPLER":         "", "OTEL_SDK_DISABLED": "", "OTEL_TRACES_EXPORTER": "",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "",
	} {
		t.Setenv(k, v)
	}
	shutdown, err := telemetry.Setup(context.Background(), "", "v-test")
	if err != nil {
		t.Fatal(err)
	}
	if !telemetry.Enabled() {
		t.Fatal("tracing is off with OTEL_EXPORTER_OTLP_ENDPOINT set")
	}
	t.Cleanup(func() {
		if err := shutdown(context.Background()); err != nil {
			t.Errorf("flush traces: %v", err)
		}
		if _, err := telemetry.Setup(context.Background(), "", ""); err != nil {
			t.Error(err)
		}
	})
	return rcv
}

// spanNamed finds the span called name in trace (any trace when "").
func spanNamed(spans []otlptest.Span, trace, name string) (otlptest.Span, bool) {
	for _, s := range spans {
		if s.Name == name && (trace == "" || s.TraceID == trace) {
			return s, true
		}
	}
	return otlptest.Span{}, false
}

// childOf finds the span called name whose parent is parent.
func childOf(spans []otlptest.Span, parent otlptest.Span, name string) (otlptest.Span, bool) {
	for _, s := range spans {
		if s.Name == name && s.ParentSpanID == parent.SpanID && s.TraceID == parent.TraceID {
			return s, true
		}
	}
	return otlptest.Span{}, false
}

func TestTracingRequestToDatabase(t *testing.T) {
	rcv := startTracing(t)
	ts := startServer(t, httpapi.Options{Observers: []httpapi.RequestObserver{httpapi.NewTracingObserver()}})
	if _, err := ts.svc.Import(unet.WithActor(context.Background(), "test"), bundle(2), unet.ImportOptions{}); err != nil {
		t.Fatal(err)
	}

	a := ts.send(t, http.MethodGet, "/api/v1/nodes/node-00001", nil)
	if a.status != http.StatusOK {
		t.Fatalf("GET node: %d %s", a.status, a.body)
	}
	const route = "GET /api/v1/nodes/{ref}"
	var server, svc, db otlptest.Span
	err := rcv.WaitFor(10*time.Second, func(spans []otlptest.Span) bool {
		var ok bool
		if server, ok = spanNamed(spans, "", route); !ok {
			return false
		}
		if svc, ok = childOf(spans, server, "service.getNode"); !ok {
			return false
		}
		db, ok = childOf(spans, svc, "db.query")
		return ok
	})
	if err != nil {
		t.Fatal(err)
	}
	if server.ParentSpanID != "" {
		t.Errorf("server span has parent %s without an incoming traceparent", server.ParentSpanID)
	}
	if server.Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("server span kind %v", server.Kind)
	}
	for k, want := range map[string]string{"http.request.method": "GET", "http.route": "/api/v1/nodes/{ref}",
		"http.response.status_code": "200"} {
		if got := server.Attributes[k]; got != want {
			t.Errorf("server span %s = %q, want %q", k, got, want)
		}
	}
	if server.Error || svc.Error || db.Error {
		t.Errorf("spans of a successful request marked failed: %+v %+v %+v", server, svc, db)
	}
	if db.Attributes["db.system.name"] != "sqlite" || db.Attributes["db.operation.name"] != "SELECT" {
		t.Errorf("db span attributes %v", db.Attributes)
	}
	for k, v := range db.Attributes {
		if strings.Contains(v, "node-00001") {
			t.Errorf("db span attribute %s carries a parameter value: %q", k, v)
		}
	}
	for k, want := range map[string]string{"service.name": "unet-test", "service.version": "v-test",
		"deployment.environment.name": "lab"} {
		if got := server.Resource[k]; got != want {
			t.Errorf("resource %s = %q, want %q", k, got, want)
		}
	}

	// A write runs in a transaction: its span is a child of the service span.
	a = ts.send(t, http.MethodPost, "/api/v1/nodes", map[string]any{"name": "node-new", "vendor": "cisco",
		"platform": "ios", "role": "access", "mgmt_ip": "10.9.9.9"})
	if a.status != http.StatusCreated {
		t.Fatalf("POST node: %d %s", a.status, a.body)
	}
	err = rcv.WaitFor(10*time.Second, func(spans []otlptest.Span) bool {
		var ok bool
		if server, ok = spanNamed(spans, "", "POST /api/v1/nodes"); !ok {
			return false
		}
		if svc, ok = childOf(spans, server, "service.createNode"); !ok {
			return false
		}
		db, ok = childOf(spans, svc, "db.transaction")
		return ok
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := db.Attributes["db.transaction.outcome"]; got != "commit" {
		t.Errorf("transaction outcome %q, want commit", got)
	}
}

func TestTracingContinuesIncomingTrace(t *testing.T) {
	rcv := startTracing(t)
	ts := startServer(t, httpapi.Options{Observers: []httpapi.RequestObserver{httpapi.NewTracingObserver()}})
	const (
		traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
		parent  = "00f067aa0ba902b7"
	)
	tp := "00-" + traceID + "-" + parent + "-01"

	// A 404 continues the caller's trace and names it in the problem.
	a := ts.send(t, http.MethodGet, "/api/v1/nodes/missing", nil, "traceparent", tp)
	if a.status != http.StatusNotFound {
		t.Fatalf("GET missing node: %d %s", a.status, a.body)
	}
	if p := a.problem(t); p.TraceID != traceID {
		t.Errorf("problem trace_id %q, want %q", p.TraceID, traceID)
	}
	var server, svc otlptest.Span
	err := rcv.WaitFor(10*time.Second, func(spans []otlptest.Span) bool {
		var ok bool
		if server, ok = spanNamed(spans, traceID, "GET /api/v1/nodes/{ref}"); !ok {
			return false
		}
		svc, ok = childOf(spans, server, "service.getNode")
		return ok
	})
	if err != nil {
		t.Fatal(err)
	}
	if server.ParentSpanID != parent {
		t.Errorf("server span parent %q, want the caller's span %q", server.ParentSpanID, parent)
	}
	if server.Attributes["http.response.status_code"] != "404" || server.Error || svc.Error {
		t.Errorf("a 404 is an answer, not a failure: server %+v service %+v", server, svc)
	}
	if server.AttributeCount != len(server.Attributes) {
		// The status set at the end replaces the usual 200 of the start.
		t.Errorf("server span sent %d attributes for %d keys: %v", server.AttributeCount, len(server.Attributes), server.Attributes)
	}
	if svc.Attributes["unet.error.code"] != unet.ENOTFOUND {
		t.Errorf("service span error code %q", svc.Attributes["unet.error.code"])
	}

	// No route matched: the span is named so, never after the raw path.
	a = ts.send(t, http.MethodGet, "/api/v1/no-such-thing/42", nil, "traceparent", tp)
	if a.status != http.StatusNotFound {
		t.Fatalf("GET unknown route: %d", a.status)
	}
	if p := a.problem(t); p.TraceID != traceID {
		t.Errorf("problem trace_id %q of an unknown route, want %q", p.TraceID, traceID)
	}
	var unmatched otlptest.Span
	if err := rcv.WaitFor(10*time.Second, func(spans []otlptest.Span) bool {
		var ok bool
		unmatched, ok = spanNamed(spans, traceID, "GET unmatched")
		return ok
	}); err != nil {
		t.Fatal(err)
	}
	if route, ok := unmatched.Attributes["http.route"]; ok {
		t.Errorf("unmatched request has http.route %q", route)
	}

	// A server failure marks the server span failed.
	if err := ts.db.Close(); err != nil {
		t.Fatal(err)
	}
	const failing = "0af7651916cd43dd8448eb211c80319c"
	a = ts.send(t, http.MethodGet, "/api/v1/nodes/node-1", nil, "traceparent", "00-"+failing+"-b7ad6b7169203331-01")
	if a.status < 500 {
		t.Fatalf("GET on a closed database: %d %s", a.status, a.body)
	}
	if p := a.problem(t); p.TraceID != failing {
		t.Errorf("problem trace_id %q of a failure, want %q", p.TraceID, failing)
	}
	if err := rcv.WaitFor(10*time.Second, func(spans []otlptest.Span) bool {
		s, ok := spanNamed(spans, failing, "GET /api/v1/nodes/{ref}")
		return ok && s.Error
	}); err != nil {
		t.Fatal(err)
	}
}

func TestTracingOffLeavesNoTrace(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	a := ts.send(t, http.MethodGet, "/api/v1/nodes/missing", nil,
		"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if a.status != http.StatusNotFound {
		t.Fatalf("GET missing node: %d", a.status)
	}
	if p := a.problem(t); p.TraceID != "" {
		t.Errorf("problem trace_id %q with tracing off", p.TraceID)
	}
}

// traceRecorder keeps the trace id of each audit entry's context.
type traceRecorder struct {
	mu     sync.Mutex
	traces []string
}

func (r *traceRecorder) RecordAudit(ctx context.Context, _ *unet.AuditEntry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.traces = append(r.traces, telemetry.TraceID(ctx))
	return nil
}

// TestTracingRefusedBeforeTheRoute: a request the allow-list refuses, before
// its route puts it in its own context, is still answered and audited in
// its trace, whether the client address comes from the peer or, through a
// trusted proxy, from X-Forwarded-For; and its server span is sent.
func TestTracingRefusedBeforeTheRoute(t *testing.T) {
	rcv := startTracing(t)
	const traceID = "5bf92f3577b34da6a3ce929d0e0e4736"
	tp := "00-" + traceID + "-00f067aa0ba902b7-01"
	allow := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	for _, trusted := range [][]string{nil, {"127.0.0.1"}} {
		proxies, err := httpapi.ParseTrustedProxies(trusted)
		if err != nil {
			t.Fatal(err)
		}
		rec := &traceRecorder{}
		ts := startServer(t, httpapi.Options{Observers: []httpapi.RequestObserver{httpapi.NewTracingObserver()},
			Audit: rec, Limits: httpapi.RateLimits{AllowIPs: allow}, Transport: httpapi.TransportOptions{TrustedProxies: proxies}})
		a := ts.send(t, http.MethodGet, "/api/v1/nodes", nil, "traceparent", tp, "X-Forwarded-For", "198.51.100.7")
		if a.status != http.StatusForbidden {
			t.Fatalf("trusted proxies %v: %d %s, want 403", trusted, a.status, a.body)
		}
		if p := a.problem(t); p.TraceID != traceID {
			t.Errorf("trusted proxies %v: problem trace_id %q, want %q", trusted, p.TraceID, traceID)
		}
		rec.mu.Lock()
		if len(rec.traces) != 1 || rec.traces[0] != traceID {
			t.Errorf("trusted proxies %v: audit entries in traces %q, want one in %s", trusted, rec.traces, traceID)
		}
		rec.mu.Unlock()
	}
	err := rcv.WaitFor(10*time.Second, func(spans []otlptest.Span) bool {
		n := 0
		for _, s := range spans {
			if s.TraceID == traceID && s.Name == "GET /api/v1/nodes" && s.Attributes["http.response.status_code"] == "403" {
				n++
			}
		}
		return n == 2
	})
	if err != nil {
		t.Fatal(err)
	}
}
