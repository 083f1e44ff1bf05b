// Package otlptest is an OTLP/HTTP trace receiver for tests: a real HTTP
// server on a loopback port that accepts POST /v1/traces with protobuf
// bodies, as an OpenTelemetry Collector does, and keeps the spans.
package otlptest

import (
	"compress/gzip"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	common "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// Span is one received span, its ids in hex and its attributes as text.
type Span struct {
	TraceID, SpanID, ParentSpanID string
	Name                          string
	Kind                          tracepb.Span_SpanKind
	Attributes                    map[string]string
	// AttributeCount is the number of attributes the span carried, which
	// is more than len(Attributes) when a key was sent twice.
	AttributeCount int
	// Error is true when the span's status is Error.
	Error bool
	// Resource holds the attributes of the span's resource.
	Resource map[string]string
}

// Receiver is a running OTLP/HTTP trace receiver.
type Receiver struct {
	// URL is the receiver's base URL, for OTEL_EXPORTER_OTLP_ENDPOINT.
	URL string

	srv      *http.Server
	discard  bool
	mu       sync.Mutex
	spans    []Span
	requests int
}

// Start starts a receiver on a random loopback port.
func Start() (*Receiver, error) { return start(false) }

// StartDiscard starts a receiver that counts the export requests and
// discards their bodies undecoded: a sink for benchmarks, where the
// collector's work is not the exporter's cost.
func StartDiscard() (*Receiver, error) { return start(true) }

func start(discard bool) (*Receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Receiver{URL: "http://" + ln.Addr().String(), discard: discard}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", r.traces)
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// Close stops the receiver.
func (r *Receiver) Close() error { return r.srv.Close() }

func (r *Receiver) traces(w http.ResponseWriter, req *http.Request) {
	if r.discard {
		_, _ = io.Copy(io.Discard, req.Body)
		r.mu.Lock()
		r.requests++
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		return
	}
	var body io.Reader = req.Body
	if req.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	data, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/x-protobuf" {
		http.Error(w, "Content-Type "+ct+": want application/x-protobuf", http.StatusUnsupportedMediaType)
		return
	}
	var msg coltrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(data, &msg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var got []Span
	for _, rs := range msg.GetResourceSpans() {
		res := attributes(rs.GetResource().GetAttributes())
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				got = append(got, Span{
					TraceID:        hex.EncodeToString(s.GetTraceId()),
					SpanID:         hex.EncodeToString(s.GetSpanId()),
					ParentSpanID:   hex.EncodeToString(s.GetParentSpanId()),
					Name:           s.GetName(),
					Kind:           s.GetKind(),
					Attributes:     attributes(s.GetAttributes()),
					AttributeCount: len(s.GetAttributes()),
					Error:          s.GetStatus().GetCode() == tracepb.Status_STATUS_CODE_ERROR,
					Resource:       res,
				})
			}
		}
	}
	r.mu.Lock()
	r.spans = append(r.spans, got...)
	r.requests++
	r.mu.Unlock()
	out, err := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func attributes(kvs []*common.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		v := kv.GetValue()
		switch v.GetValue().(type) {
		case *common.AnyValue_IntValue:
			m[kv.GetKey()] = strconv.FormatInt(v.GetIntValue(), 10)
		case *common.AnyValue_BoolValue:
			m[kv.GetKey()] = strconv.FormatBool(v.GetBoolValue())
		case *common.AnyValue_DoubleValue:
			m[kv.GetKey()] = strconv.FormatFloat(v.GetDoubleValue(), 'g', -1, 64)
		default:
			m[kv.GetKey()] = v.GetStringValue()
		}
	}
	return m
}

// Spans returns the spans received so far.
func (r *Receiver) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// Requests is the number of export requests received.
func (r *Receiver) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// WaitFor polls the received spans until match finds what it needs (it
// returns true) or timeout passes; the error then lists the spans seen.
func (r *Receiver) WaitFor(timeout time.Duration, match func([]Span) bool) error {
	deadline := time.Now().Add(timeout)
	for {
		spans := r.Spans()
		if match(spans) {
			return nil
		}
		if time.Now().After(deadline) {
			names := make([]string, len(spans))
			for i, s := range spans {
				names[i] = s.Name
			}
			return fmt.Errorf("spans not received within %s; got %d: %v", timeout, len(spans), names)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
