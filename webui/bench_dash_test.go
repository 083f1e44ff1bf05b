package webui_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/webui"
)

// BenchmarkDashboard renders the dashboard on the server over 10,000
// nodes with stored results (two node rules and one location rule: 20,001
// results, half the nodes failing the critical one) and a compliance
// history of two evaluations. ns/op is a view while the stored results do
// not change; ms/first-view the first view, which reads every result.
func BenchmarkDashboard(b *testing.B) {
	s := startUI(b, httpapi.Options{}, webui.Options{})
	if _, err := s.svc.Import(setup(), inventory(10000), unet.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	storeResults(b, s.svc)
	if _, err := s.svc.UpdateNode(setup(), "node-00001", unet.Patch{"model": "c9300"}, unet.WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	storeResults(b, s.svc)
	h := s.ui.Handler()
	// The first view computes the summaries the next ones reuse while
	// nothing changes.
	start := time.Now()
	first := httptest.NewRecorder()
	h.ServeHTTP(first, httptest.NewRequest(http.MethodGet, "/ui/", nil))
	if first.Code != http.StatusOK {
		b.Fatalf("GET /ui/ = %d:\n%s", first.Code, first.Body)
	}
	cold := time.Since(start)
	var size int
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/ui/", nil))
		if w.Code != http.StatusOK {
			b.Fatalf("GET /ui/ = %d:\n%s", w.Code, w.Body)
		}
		size = w.Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/page")
	b.ReportMetric(float64(cold.Microseconds())/1000, "ms/first-view")
}
