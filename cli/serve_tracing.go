package cli

import (
	"context"
	"log/slog"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/telemetry"
)

// startTracing sets up OpenTelemetry tracing from the OTEL_* environment
// (off when it names no exporter) and returns the request observers to add
// to the server and the function that flushes the spans left at shutdown.
func startTracing(ctx context.Context, logger *slog.Logger) ([]httpapi.RequestObserver, func(), error) {
	shutdown, err := telemetry.Setup(ctx, telemetry.DefaultServiceName, buildVersion())
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	if !telemetry.Enabled() {
		return nil, func() {}, nil
	}
	logger.Info("tracing on: spans are exported over OTLP/HTTP (OTEL_* environment)")
	return []httpapi.RequestObserver{httpapi.NewTracingObserver()}, func() {
		if err := shutdown(context.WithoutCancel(ctx)); err != nil {
			logger.Warn("flush traces", slog.Any("error", err))
		}
	}, nil
}
