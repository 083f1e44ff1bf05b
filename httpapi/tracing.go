package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/telemetry"
)

// TracingObserver starts the server span of every request: it continues the
// caller's trace (W3C traceparent), names the span "METHOD ROUTE" after the
// route template ("unmatched" when no route matched) and records the method,
// the route and the status, a 5xx marking the span failed. The span's trace
// id appears in problem+json answers and, through telemetry.TraceID, in logs.
//
// It uses the global tracer provider and propagator that telemetry.Setup
// installs; `unet serve` adds it to Options.Observers when tracing is on.
//
// The name and the start options of each route and method are built once
// and reused: a request pays for its span, not for describing it.
type TracingObserver struct {
	starts sync.Map // spanKey → *spanStart
}

// NewTracingObserver returns the observer of the server spans.
func NewTracingObserver() *TracingObserver { return &TracingObserver{} }

type spanKey struct{ method, route string }

// spanStart is the name, the start options and the attributes of the
// server spans of one method and route. The attributes include the status
// code 200, the usual answer: another status is set at the end, replacing
// it (the SDK keeps the last value of a key), so that a usual request does
// not grow its span's attributes.
type spanStart struct {
	name  string
	opts  []trace.SpanStartOption
	attrs []attribute.KeyValue
}

// statusOK is the status code attribute of a span answered 200.
var statusOK = attribute.Int("http.response.status_code", http.StatusOK)

func (o *TracingObserver) start(method, route string) *spanStart {
	key := spanKey{method, route}
	if s, ok := o.starts.Load(key); ok {
		return s.(*spanStart)
	}
	attrs := []attribute.KeyValue{attribute.String("http.request.method", method)}
	name := route
	if name == "" {
		// No route matched: the raw path would make a name per URL.
		name = "unmatched"
	} else {
		attrs = append(attrs, attribute.String("http.route", route))
	}
	s := &spanStart{name: method + " " + name, opts: []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer)},
		attrs: append(attrs, statusOK)}
	if known(method) {
		// Only the methods HTTP defines are kept: any other string a
		// client sends would grow the cache without bound.
		o.starts.Store(key, s)
	}
	return s
}

// known reports whether m is a method HTTP defines.
func known(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return true
	}
	return false
}

// propagated reports whether h carries W3C trace context or baggage (the
// propagators telemetry.Setup installs) to continue: most requests carry
// neither, and extracting nothing still costs.
func propagated(h http.Header) bool {
	return len(h["Traceparent"]) > 0 || len(h["Baggage"]) > 0
}

// Start implements RequestObserver: it starts the server span, in the
// context it returns.
func (o *TracingObserver) Start(ctx context.Context, r *http.Request, route string) context.Context {
	st := o.start(r.Method, route)
	if propagated(r.Header) {
		ctx = otel.GetTextMapPropagator().Extract(ctx, propagation.HeaderCarrier(r.Header))
	}
	ctx, span := telemetry.Tracer().Start(ctx, st.name, st.opts...)
	span.SetAttributes(st.attrs...)
	return ctx
}

// End implements RequestObserver: it records the status on the server span
// (in ctx, where Start put it) and ends it.
func (o *TracingObserver) End(ctx context.Context, _ *http.Request, _ string, status int, _ time.Duration) {
	span := trace.SpanFromContext(ctx)
	if status != 0 && status != http.StatusOK {
		span.SetAttributes(attribute.Int("http.response.status_code", status))
	}
	if status >= 500 {
		span.SetStatus(codes.Error, http.StatusText(status))
	}
	telemetry.End(span, nil)
}

// serviceSpan is the name of the span of a route's operation
// ("service.getNode"): the work of the service behind the request, after
// the transport checks, authentication and admission. authorized starts it
// in the context it builds for the handler (one new request, not two).
func serviceSpan(rt Route) string { return "service." + rt.OperationID }

// endServiceSpan ends the span of a route's operation with the handler's
// error.
func endServiceSpan(span trace.Span, err error) {
	if !span.IsRecording() {
		return
	}
	failed := err
	if err != nil && StatusOf(err) < http.StatusInternalServerError {
		// A refusal (not found, invalid, conflict) is an answer, not a
		// failure of the service.
		span.SetAttributes(attribute.String("unet.error.code", unet.ErrorCode(err)))
		failed = nil
	}
	telemetry.End(span, failed)
}
