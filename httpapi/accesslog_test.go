package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/unet-dev/unet/httpapi"
)

// spanObserver puts a fixed span context in every request's context, as a
// tracing observer does.
type spanObserver struct{ sc trace.SpanContext }

func (o spanObserver) Start(ctx context.Context, _ *http.Request, _ string) context.Context {
	return trace.ContextWithSpanContext(ctx, o.sc)
}

func (spanObserver) End(context.Context, *http.Request, string, int, time.Duration) {}

// accessLines are the access log lines of b, decoded.
func (b *logBuffer) accessLines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b.buf.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatal(err)
		}
		if rec["msg"] == "request" {
			out = append(out, rec)
		}
	}
	return out
}

func TestAccessLogLine(t *testing.T) {
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
	logs := &logBuffer{}
	ts := startServer(t, httpapi.Options{AccessLog: true, Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		Observers: []httpapi.RequestObserver{spanObserver{sc}}})
	ts.send(t, "GET", "/api/v1/nodes/missing", nil, httpapi.ActorHeader, "alice", httpapi.RequestIDHeader, "req-1")
	ts.send(t, "GET", "/no/such/route", nil, httpapi.RequestIDHeader, "req-2")
	ts.send(t, "GET", "/healthz", nil, httpapi.RequestIDHeader, "req-3")

	lines := logs.accessLines(t)
	if len(lines) != 3 {
		t.Fatalf("%d access log lines for 3 requests: %v", len(lines), lines)
	}
	want := []map[string]any{
		{"request_id": "req-1", "actor": "alice", "route": "/api/v1/nodes/{ref}", "method": "GET",
			"path": "/api/v1/nodes/missing", "status": 404.0},
		{"request_id": "req-2", "actor": "", "route": httpapi.UnmatchedRoute, "method": "GET",
			"path": "/no/such/route", "status": 404.0},
		{"request_id": "req-3", "actor": "anonymous", "route": "/healthz", "status": 200.0},
	}
	for i, w := range want {
		got := lines[i]
		for k, v := range w {
			if got[k] != v {
				t.Errorf("line %d: %s = %#v, want %#v (%v)", i, k, got[k], v, got)
			}
		}
		if got["trace_id"] != tid.String() {
			t.Errorf("line %d: trace_id = %v, want %s", i, got["trace_id"], tid)
		}
		if d, ok := got["duration"].(float64); !ok || d <= 0 || d > 60 {
			t.Errorf("line %d: duration = %#v, want seconds", i, got["duration"])
		}
		if got["client_ip"] != "127.0.0.1" || got["remote"] == "" {
			t.Errorf("line %d: client_ip %v remote %v", i, got["client_ip"], got["remote"])
		}
	}
}

func TestAccessLogWithoutSpanOrOption(t *testing.T) {
	logs := &logBuffer{}
	ts := startServer(t, httpapi.Options{AccessLog: true, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	ts.send(t, "GET", "/api/v1/vendors", nil, httpapi.ActorHeader, "bob")
	lines := logs.accessLines(t)
	if len(lines) != 1 {
		t.Fatalf("%d access log lines for 1 request", len(lines))
	}
	if _, ok := lines[0]["trace_id"]; ok {
		t.Errorf("trace_id without a span: %v", lines[0])
	}
	if lines[0]["actor"] != "bob" || lines[0]["route"] != "/api/v1/vendors" || lines[0]["status"] != 200.0 {
		t.Errorf("line: %v", lines[0])
	}

	quiet := &logBuffer{}
	ts = startServer(t, httpapi.Options{Logger: slog.New(slog.NewJSONHandler(quiet, nil))})
	ts.send(t, "GET", "/api/v1/vendors", nil)
	if n := len(quiet.accessLines(t)); n != 0 {
		t.Errorf("AccessLog off: %d access log lines", n)
	}
}
