//go:build unix

// The benchmarks measure the process's CPU time with getrusage (Unix).

package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/telemetry"
	"github.com/unet-dev/unet/telemetry/otlptest"
)

// BenchmarkObservabilityOverhead is GET /api/v1/nodes/{id} against a real
// server on a loopback port (one client connection per goroutine, keep-alive)
// with observability off, and in the same run on: the request metrics
// observer, and tracing (server, service and database spans) exported in
// batches over OTLP/HTTP to a receiver on loopback (which discards what it
// receives: decoding is the collector's work, not μNet's). "metrics" and
// "tracing" are each alone.
func BenchmarkObservabilityOverhead(b *testing.B) {
	_, n, svc := benchSetup(b, 1000)
	path := "/api/v1/nodes/" + n.ID
	serve := func(b *testing.B, o httpapi.Options) (string, *http.Client) {
		srv, err := httpapi.New(svc, o)
		if err != nil {
			b.Fatal(err)
		}
		hs := httptest.NewServer(srv.Handler())
		b.Cleanup(hs.Close)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		b.Cleanup(client.CloseIdleConnections)
		return hs.URL + path, client
	}
	run := func(b *testing.B, o httpapi.Options) {
		url, client := serve(b, o)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := get(client, url); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.Run("off", func(b *testing.B) { run(b, httpapi.Options{}) })
	b.Run("metrics", func(b *testing.B) {
		run(b, httpapi.Options{Observers: []httpapi.RequestObserver{metrics.NewHTTPObserver()}})
	})
	b.Run("tracing", func(b *testing.B) {
		startTracingTo(b, otlptest.StartDiscard)
		run(b, httpapi.Options{Observers: []httpapi.RequestObserver{httpapi.NewTracingObserver()}})
	})
	b.Run("on", func(b *testing.B) {
		rcv := startTracingTo(b, otlptest.StartDiscard)
		run(b, httpapi.Options{Observers: []httpapi.RequestObserver{metrics.NewHTTPObserver(), httpapi.NewTracingObserver()}})
		b.StopTimer()
		if rcv.Requests() == 0 && b.N > 10000 {
			// The batch processor exports every 20 ms here: a run this
			// long without an export means the spans went nowhere.
			b.Error("no spans reached the receiver")
		}
	})
}

// BenchmarkObservabilityOverheadSideBySide measures the same requests as
// BenchmarkObservabilityOverhead, off and on in alternating slices of one
// run, so that a noisy machine weighs on both alike: it reports the time per
// request of each (off-ns/req, on-ns/req) and the overhead in percent. Spans
// are sampled as OTEL_TRACES_SAMPLER says (default: all).
func BenchmarkObservabilityOverheadSideBySide(b *testing.B) {
	_, n, svc := benchSetup(b, 1000)
	path := "/api/v1/nodes/" + n.ID
	rcv, err := otlptest.StartDiscard()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rcv.Close() })
	b.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rcv.URL)
	b.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "")
	// OTEL_TRACES_SAMPLER(_ARG) are left as given: sampling is measured by
	// setting them around the run.
	tracing := func(on bool) func(context.Context) error {
		b.Setenv("OTEL_SDK_DISABLED", strconv.FormatBool(!on))
		shutdown, err := telemetry.Setup(context.Background(), "", "bench")
		if err != nil || telemetry.Enabled() != on {
			b.Fatalf("tracing on=%v: enabled=%v, %v", on, telemetry.Enabled(), err)
		}
		return shutdown
	}
	b.Cleanup(func() { _ = tracing(false)(context.Background()) })
	servers := map[bool]*httptest.Server{}
	for _, on := range []bool{false, true} {
		var o httpapi.Options
		if on {
			o.Observers = []httpapi.RequestObserver{metrics.NewHTTPObserver(), httpapi.NewTracingObserver()}
		}
		srv, err := httpapi.New(svc, o)
		if err != nil {
			b.Fatal(err)
		}
		servers[on] = httptest.NewServer(srv.Handler())
		b.Cleanup(servers[on].Close)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(client.CloseIdleConnections)
	const slices = 20
	workers := runtime.GOMAXPROCS(0)
	per := max(b.N/slices/workers, 1)
	took, cpu := map[bool]time.Duration{}, map[bool]time.Duration{}
	b.ResetTimer()
	for range slices {
		for _, on := range []bool{false, true} {
			shutdown := tracing(on)
			url := servers[on].URL + path
			start, cpu0 := time.Now(), processCPU()
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for range per {
						if err := get(client, url); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			took[on] += time.Since(start)
			cpu[on] += processCPU() - cpu0
			b.StopTimer()
			if err := shutdown(context.Background()); err != nil {
				b.Error(err)
			}
			b.StartTimer()
		}
	}
	b.StopTimer()
	reqs := float64(slices * workers * per)
	off, on := float64(took[false].Nanoseconds())/reqs, float64(took[true].Nanoseconds())/reqs
	b.ReportMetric(off, "off-ns/req")
	b.ReportMetric(on, "on-ns/req")
	b.ReportMetric(100*(on-off)/off, "overhead-%")
	cpuOff, cpuOn := float64(cpu[false].Nanoseconds())/reqs, float64(cpu[true].Nanoseconds())/reqs
	b.ReportMetric(100*(cpuOn-cpuOff)/cpuOff, "cpu-overhead-%")
	if b.N > 10000 && rcv.Requests() == 0 {
		b.Error("no spans reached the receiver")
	}
}

// processCPU is the CPU time the process has used (user and system): the
// measure of the work a request costs that other programs on the machine
// do not inflate the way they inflate wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// get reads one answer of url in full and checks it is 200.
func get(client *http.Client, url string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return err
}
