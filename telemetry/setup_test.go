package telemetry_test

import (
	"context"
	"testing"
	"time"

	"github.com/unet-dev/unet/telemetry"
	"github.com/unet-dev/unet/telemetry/otlptest"
)

// TestSetupSamplingAndShutdown goes through Setup to a receiver: with the
// ratio sampler at 0 nothing is sent; with every span sampled, the spans
// ended before shutdown are all sent by it (the schedule delay is an hour),
// and a span ended after it is not.
func TestSetupSamplingAndShutdown(t *testing.T) {
	rcv, err := otlptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rcv.Close() })
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rcv.URL)
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "3600000")
	for _, k := range []string{"OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"} {
		t.Setenv(k, "")
	}
	t.Cleanup(func() {
		t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
		if _, err := telemetry.Setup(context.Background(), "", ""); err != nil {
			t.Error(err)
		}
	})
	run := func(sampler, arg string, spans int) {
		t.Helper()
		t.Setenv("OTEL_TRACES_SAMPLER", sampler)
		t.Setenv("OTEL_TRACES_SAMPLER_ARG", arg)
		shutdown, err := telemetry.Setup(context.Background(), "", "test")
		if err != nil {
			t.Fatal(err)
		}
		for range spans {
			ctx, parent := telemetry.Start(context.Background(), "parent")
			_, child := telemetry.Start(ctx, "child")
			telemetry.End(child, nil)
			telemetry.End(parent, nil)
		}
		if err := shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		_, late := telemetry.Start(context.Background(), "late")
		telemetry.End(late, nil)
	}
	run("traceidratio", "0", 10)
	if n := len(rcv.Spans()); n != 0 {
		t.Fatalf("ratio 0: %d spans sent, want none", n)
	}
	run("always_on", "", 5)
	got := rcv.Spans()
	if len(got) != 10 {
		t.Fatalf("always_on: %d spans sent by shutdown, want 10", len(got))
	}
	names := map[string]int{}
	for _, s := range got {
		names[s.Name]++
	}
	if names["parent"] != 5 || names["child"] != 5 {
		t.Errorf("spans sent %v, want 5 parents and 5 children", names)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(rcv.Spans()); n != 10 {
		t.Errorf("%d spans after shutdown, want the 10 sent by it", n)
	}
}
