package otlptest

import (
	"context"
	"testing"

	"github.com/unet-dev/unet/telemetry"
)

// Enable starts a receiver and turns tracing on for the rest of the test
// through the standard environment (OTLP/HTTP to the receiver, batches every
// 20 ms), as `unet serve` would see it; the spans are flushed and tracing is
// turned off at the end. It sets environment variables: the test must not
// be parallel.
func Enable(t testing.TB) *Receiver {
	t.Helper()
	r, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	for k, v := range map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": r.URL, "OTEL_BSP_SCHEDULE_DELAY": "20",
		"OTEL_SDK_DISABLED": "", "OTEL_TRACES_EXPORTER": "", "OTEL_TRACES_SAMPLER": "",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "",
	} {
		t.Setenv(k, v)
	}
	shutdown, err := telemetry.Setup(context.Background(), "", "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := shutdown(context.Background()); err != nil {
			t.Errorf("flush traces: %v", err)
		}
		if _, err := telemetry.Setup(context.Background(), "", ""); err != nil {
			t.Error(err)
		}
	})
	return r
}
