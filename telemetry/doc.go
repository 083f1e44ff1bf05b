// Package telemetry sets up OpenTelemetry tracing from the standard OTEL_*
// environment variables (off when they name no exporter) and gives the
// span helpers that the server, the service and the background jobs use.
package telemetry
