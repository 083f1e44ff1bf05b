package httpapi_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// TestUIEngineSlots: the web interface's engine calls share the server's
// engine slots (MaxEngineConcurrency): with one slot, a second page waits
// until the first gives it back, and each carries the server's
// MaxEngineResults budget.
func TestUIEngineSlots(t *testing.T) {
	var inside atomic.Int32
	var most atomic.Int32
	hold := make(chan struct{})
	budgets := make(chan int, 2)
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, release, err := httpapi.AcquireEngine(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		defer release()
		n := inside.Add(1)
		defer inside.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		budgets <- unet.MaxEngineResults(ctx)
		<-hold
	})
	ts := startServer(t, httpapi.Options{UI: ui, MaxEngineConcurrency: 1, MaxEngineResults: 1234})
	done := make(chan int, 2)
	for range 2 {
		go func() {
			resp, err := ts.Client().Get(ts.URL + "/ui/render")
			if err != nil {
				done <- 0
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
	}
	if got := <-budgets; got != 1234 {
		t.Errorf("budget of a page's engine call = %d, want the server's 1234", got)
	}
	select {
	case <-budgets:
		t.Fatal("a second page took an engine slot while the only one was held")
	case <-time.After(300 * time.Millisecond):
	}
	hold <- struct{}{} // the first page gives its slot back
	if got := <-budgets; got != 1234 {
		t.Errorf("budget of the second page = %d", got)
	}
	close(hold)
	for range 2 {
		if code := <-done; code != http.StatusOK {
			t.Errorf("page = %d", code)
		}
	}
	if most.Load() != 1 {
		t.Errorf("%d engine calls at once, want 1", most.Load())
	}
}
