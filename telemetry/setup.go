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
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(newBatcher(client, cfg.batch)),
		sdktrace.WithResource(res),
	)
	otel.SetTracerProvider(tp)
	setTracer(tp)
	enabled.Store(true)
	return func(ctx context.Context) error {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
		}
		enabled.Store(false)
		return tp.Shutdown(ctx)
	}, nil
}

// enabled is set while a recording provider is installed by Setup.
var enabled atomic.Bool

// Enabled reports whether Setup installed a provider that records spans.
func Enabled() bool { return enabled.Load() }
