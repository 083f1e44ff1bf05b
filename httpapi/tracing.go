package httpapi

import (
	"net/http"

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
type TracingObserver struct{}

// NewTracingObserver returns the observer of the server spans.
func NewTracingObserver() *TracingObserver { return &TracingObserver{} }

// Start implements RequestObserver.
func (*TracingObserver) Start(r *http.Request, route string) (*http.Request, func(status int)) {
	attrs := []attribute.KeyValue{attribute.String("http.request.method", r.Method)}
	name := route
	if name == "" {
		// No route matched: the raw path would make a name per URL.
		name = "unmatched"
	} else {
		attrs = append(attrs, attribute.String("http.route", route))
	}
	ctx := otel.GetTextMapPropagator().Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	ctx, span := telemetry.Tracer().Start(ctx, r.Method+" "+name,
		trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
	return r.WithContext(ctx), func(status int) {
		if status == 0 {
			status = http.StatusOK
		}
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		if status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
		span.End()
	}
}

// traced wraps a route's handler in a span named after its operation
// ("service.getNode"): the work of the service behind the request, after
// the transport checks, authentication and admission.
func traced(rt Route) handlerFunc {
	h, name := rt.handle, "service."+rt.OperationID
	if h == nil {
		return nil
	}
	op := attribute.String("unet.operation", rt.OperationID)
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, span := telemetry.Start(r.Context(), name, op)
		if !span.IsRecording() {
			return h(w, r)
		}
		err := h(w, r.WithContext(ctx))
		failed := err
		if err != nil && StatusOf(err) < http.StatusInternalServerError {
			// A refusal (not found, invalid, conflict) is an answer, not a
			// failure of the service.
			span.SetAttributes(attribute.String("unet.error.code", unet.ErrorCode(err)))
			failed = nil
		}
		telemetry.End(span, failed)
		return err
	}
}
