package telemetry

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// DefaultServiceName is service.name when OTEL_SERVICE_NAME is unset.
const DefaultServiceName = "unet"

// Setup installs the global tracer provider and propagators from the
// standard OTEL_* environment variables and reports whether tracing is on.
//
// Off (no variable names an exporter, or OTEL_SDK_DISABLED=true): the
// provider is a no-op, spans cost a context lookup, and shutdown does
// nothing. On: spans go in batches (OTEL_BSP_*, see batcher) to the
// OTLP/HTTP client, which reads OTEL_EXPORTER_OTLP_* (endpoint, headers,
// timeout, compression, TLS) itself; the sampler comes from OTEL_TRACES_SAMPLER(_ARG) (default
// parentbased_always_on) and the resource carries service.name
// (OTEL_SERVICE_NAME overrides serviceName), service.version and
// OTEL_RESOURCE_ATTRIBUTES. W3C trace context and baggage are propagated
// either way. Enabled tells which it is.
//
// The returned shutdown flushes the spans not exported yet and stops the
// exporter (bounded by 10 s when ctx has no deadline).
func Setup(ctx context.Context, serviceName, version string) (shutdown func(context.Context) error, err error) {
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	if serviceName == "" {
		serviceName = DefaultServiceName
	}
	cfg, err := readConfig(getenv, serviceName)
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	if !cfg.enabled {
		otel.SetTracerProvider(noop.NewTracerProvider())
		setTracer(noop.NewTracerProvider())
		enabled.Store(false)
		installed.Store(nil)
		return func(context.Context) error { return nil }, nil
	}
	client := otlptracehttp.NewClient()
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(
			attribute.String("service.name", cfg.serviceName),
			attribute.String("service.version", version),
		),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		_ = client.Stop(ctx)
		return nil, fmt.Errorf("tracing: resource (OTEL_RESOURCE_ATTRIBUTES): %w", err)
	}
	// The batcher is not registered with the provider: End hands it the
	// spans (see pipeline).
	p := &pipeline{tp: sdktrace.NewTracerProvider(sdktrace.WithResource(res)), b: newBatcher(client, cfg.batch)}
	otel.SetTracerProvider(p.tp)
	setTracer(p.tp)
	installed.Store(p)
	enabled.Store(true)
	return func(ctx context.Context) error {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
		}
		enabled.Store(false)
		err := errors.Join(p.tp.Shutdown(ctx), p.b.Shutdown(ctx))
		installed.CompareAndSwap(p, nil)
		return err
	}, nil
}

// pipeline is the provider Setup installed and the batcher its spans go
// to.
//
// The batcher is not one of the provider's span processors: with a span
// processor, the SDK copies every span as it ends (a snapshot of about
// 400 bytes) to hand the copy to the processors; with none it makes no
// copy. End hands the ended span itself to the batcher instead (an SDK
// span is a ReadOnlySpan, and nothing in it changes once it has ended),
// which is why μNet's spans end through End, never through span.End
// directly (TestSpansEndThroughTelemetry checks it).
type pipeline struct {
	tp *sdktrace.TracerProvider
	b  *batcher
}

// installed is the pipeline of the recording provider Setup installed
// last, nil when tracing is off.
var installed atomic.Pointer[pipeline]

// export hands span, which has just ended, to the batcher of the pipeline
// it belongs to (the batcher ignores it unless it is sampled).
func export(span trace.Span) {
	p := installed.Load()
	if p == nil {
		return
	}
	ro, ok := span.(sdktrace.ReadOnlySpan)
	if !ok || span.TracerProvider() != trace.TracerProvider(p.tp) {
		return
	}
	p.b.OnEnd(ro)
}

// enabled is set while a recording provider is installed by Setup.
var enabled atomic.Bool

// Enabled reports whether Setup installed a provider that records spans.
func Enabled() bool { return enabled.Load() }
