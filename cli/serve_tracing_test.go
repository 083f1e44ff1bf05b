package cli

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet/telemetry/otlptest"
)

// TestServeTracesToOTLP runs `unet serve` with the standard OTEL_*
// variables pointing at a real OTLP/HTTP receiver on loopback: a request's
// trace covers HTTP, service and database and continues the caller's trace,
// the background policy evaluation is a trace of its own, and the spans
// left at shutdown are flushed.
func TestServeTracesToOTLP(t *testing.T) {
	rcv, err := otlptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rcv.Close() })
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rcv.URL)
	t.Setenv("OTEL_SERVICE_NAME", "")
	t.Setenv("OTEL_SDK_DISABLED", "")
	t.Setenv("OTEL_TRACES_EXPORTER", "")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "")
	// Long enough that only the flush at shutdown exports the last spans.
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "60000")

	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	base, logs, stop := startServe(t, []string{"--db", db, "--demo"}, nil)
	const (
		traceID = "5bf92f3577b34da6a3ce929d0e0e4736"
		parent  = "10f067aa0ba902b7"
	)
	code, body := fetch(t, http.MethodGet, base+"/api/v1/nodes/no-such-node", "",
		"traceparent", "00-"+traceID+"-"+parent+"-01")
	if code != http.StatusNotFound || !strings.Contains(body, `"trace_id":"`+traceID+`"`) {
		t.Fatalf("GET missing node: %d %s, want a 404 naming trace %s", code, body, traceID)
	}
	// The policy evaluation at start is done before the server stops.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(logs.String(), "policies evaluated") {
		if time.Now().After(deadline) {
			t.Fatalf("no policy evaluation within 30s:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d: %s", code, logs.String())
	}
	if !strings.Contains(logs.String(), "tracing on") {
		t.Errorf("the log does not say tracing is on:\n%s", logs.String())
	}
	// Everything was flushed by the shutdown: no waiting needed.
	spans := rcv.Spans()
	find := func(pred func(otlptest.Span) bool) (otlptest.Span, bool) {
		for _, s := range spans {
			if pred(s) {
				return s, true
			}
		}
		return otlptest.Span{}, false
	}
	server, ok := find(func(s otlptest.Span) bool {
		return s.TraceID == traceID && s.Name == "GET /api/v1/nodes/{ref}"
	})
	if !ok {
		t.Fatalf("no server span in trace %s among %d spans", traceID, len(spans))
	}
	if server.ParentSpanID != parent || server.Resource["service.name"] != "unet" {
		t.Errorf("server span parent %q, service.name %q", server.ParentSpanID, server.Resource["service.name"])
	}
	svc, ok := find(func(s otlptest.Span) bool { return s.ParentSpanID == server.SpanID && s.Name == "service.getNode" })
	if !ok {
		t.Fatal("no service span under the server span")
	}
	if _, ok := find(func(s otlptest.Span) bool { return s.ParentSpanID == svc.SpanID && s.Name == "db.query" }); !ok {
		t.Fatal("no database span under the service span")
	}
	// The policy evaluation at start is a root span, with its results
	// stored in a transaction under it.
	eval, ok := find(func(s otlptest.Span) bool { return s.Name == "policy.evaluate" && s.ParentSpanID == "" })
	if !ok {
		t.Fatal("no root policy.evaluate span from the background evaluation")
	}
	if eval.Attributes["unet.policy.nodes"] == "" || eval.Attributes["unet.policy.nodes"] == "0" || eval.Error {
		t.Errorf("policy.evaluate attributes %v (failed %v)", eval.Attributes, eval.Error)
	}
	if _, ok := find(func(s otlptest.Span) bool {
		return s.ParentSpanID == eval.SpanID && s.Name == "db.transaction" && s.Attributes["db.transaction.outcome"] == "commit"
	}); !ok {
		t.Error("no committed db.transaction under policy.evaluate")
	}
}

func TestServeRefusesOTLPOverGRPC(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
	var out, errb lockedBuffer
	code := runServeCLI(t.Context(), []string{"serve", "--listen", "127.0.0.1:0", "--db",
		"sqlite://" + filepath.Join(t.TempDir(), "unet.db")}, Env{Stdout: &out, Stderr: &errb})
	if code == 0 || !strings.Contains(errb.String(), "only http/protobuf") {
		t.Fatalf("serve with OTLP over gRPC: exit %d, stderr %s", code, errb.String())
	}
}
