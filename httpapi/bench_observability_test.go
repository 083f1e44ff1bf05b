package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/metrics"
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
	run := func(b *testing.B, o httpapi.Options) {
		srv, err := httpapi.New(svc, o)
		if err != nil {
			b.Fatal(err)
		}
		hs := httptest.NewServer(srv.Handler())
		defer hs.Close()
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		defer client.CloseIdleConnections()
		url := hs.URL + path
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := client.Get(url)
				if err != nil {
					b.Error(err)
					return
				}
				_, err = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Errorf("GET %s: %d %v", path, resp.StatusCode, err)
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
		if rcv.Requests() == 0 && b.N > 1000 {
			// The batch processor exports every 20 ms here: a run this
			// long without an export means the spans went nowhere.
			b.Error("no spans reached the receiver")
		}
	})
}
