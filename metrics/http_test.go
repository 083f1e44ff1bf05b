package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// observedServer serves mux behind o on a loopback port, passing the matched
// pattern's path as the route template like the API server does.
func observedServer(t *testing.T, o *HTTPObserver, mux *http.ServeMux) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := mux.Handler(r)
		route := pattern
		if i := strings.IndexByte(route, ' '); i >= 0 {
			route = route[i+1:]
		}
		start := time.Now()
		ctx := o.Start(r.Context(), r, route)
		sw := &statusRecorder{ResponseWriter: w}
		defer func() { o.End(ctx, r, route, sw.status, time.Since(start)) }()
		mux.ServeHTTP(sw, r.WithContext(ctx))
	}))
	t.Cleanup(srv.Close)
	return srv
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func request(t *testing.T, method, url string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestHTTPObserverLabelsRouteTemplates(t *testing.T) {
	const route = "/test/nodes/{ref}"
	release := make(chan struct{})
	entered := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+route, func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("ref") == "slow" {
			entered <- struct{}{}
			<-release
		}
		_, _ = io.WriteString(w, "ok")
	})
	mux.HandleFunc("POST /test/nodes", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	srv := observedServer(t, NewHTTPObserver(), mux)
	get := map[string]string{"route": route, "method": "GET", "code": "200"}
	before, _ := sample(t, "unet_http_requests_total", get)
	beforeDur, _ := sample(t, "unet_http_request_duration_seconds", map[string]string{"route": route, "method": "GET"})
	for _, ref := range []string{"X", "Y"} {
		if code := request(t, http.MethodGet, srv.URL+"/test/nodes/"+ref); code != http.StatusOK {
			t.Fatalf("GET %s: %d", ref, code)
		}
	}
	if got := mustSample(t, "unet_http_requests_total", get); got != before+2 {
		t.Errorf("GET %s counted %v, want %v", route, got, before+2)
	}
	if got := mustSample(t, "unet_http_request_duration_seconds", map[string]string{"route": route, "method": "GET"}); got != beforeDur+2 {
		t.Errorf("GET %s timed %v times, want %v", route, got, beforeDur+2)
	}
	for _, raw := range []string{"/test/nodes/X", "/test/nodes/Y"} {
		if _, ok := sample(t, "unet_http_requests_total", map[string]string{"route": raw}); ok {
			t.Errorf("a series is labelled with the raw path %s", raw)
		}
	}
	if code := request(t, http.MethodPost, srv.URL+"/test/nodes"); code != http.StatusCreated {
		t.Fatalf("POST: %d", code)
	}
	mustSample(t, "unet_http_requests_total", map[string]string{"route": "/test/nodes", "method": "POST", "code": "201"})

	// No route: "unmatched"; an unknown method: "OTHER".
	unmatched := map[string]string{"route": UnmatchedRoute, "method": "OTHER", "code": "404"}
	n, _ := sample(t, "unet_http_requests_total", unmatched)
	request(t, "BREW", srv.URL+"/no/such/path")
	if got := mustSample(t, "unet_http_requests_total", unmatched); got != n+1 {
		t.Errorf("unmatched requests %v, want %v", got, n+1)
	}
	if _, ok := sample(t, "unet_http_requests_total", map[string]string{"method": "BREW"}); ok {
		t.Error("the raw method BREW became a label value")
	}

	// In flight while the handler runs, not after.
	inFlight := mustSample(t, "unet_http_requests_in_flight", nil)
	codec := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/test/nodes/slow", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			codec <- 0
			return
		}
		_ = resp.Body.Close()
		codec <- resp.StatusCode
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow request did not arrive")
	}
	if got := mustSample(t, "unet_http_requests_in_flight", nil); got != inFlight+1 {
		t.Errorf("in flight during the request %v, want %v", got, inFlight+1)
	}
	close(release)
	if code := <-codec; code != http.StatusOK {
		t.Fatalf("slow request: %d", code)
	}
	deadline := time.Now().Add(5 * time.Second)
	for mustSample(t, "unet_http_requests_in_flight", nil) != inFlight {
		if time.Now().After(deadline) {
			t.Fatalf("in flight after the request %v, want %v", mustSample(t, "unet_http_requests_in_flight", nil), inFlight)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHTTPObserverUnwrittenStatusIs200(t *testing.T) {
	o := NewHTTPObserver()
	labels := map[string]string{"route": "/quiet", "method": "HEAD", "code": "200"}
	n, _ := sample(t, "unet_http_requests_total", labels)
	r := httptest.NewRequest(http.MethodHead, "/quiet", nil)
	ctx := o.Start(r.Context(), r, "/quiet")
	o.End(ctx, r, "/quiet", 0, time.Millisecond)
	if got := mustSample(t, "unet_http_requests_total", labels); got != n+1 {
		t.Errorf("HEAD /quiet counted %v, want %v", got, n+1)
	}
}

func BenchmarkHTTPObserver(b *testing.B) {
	o := NewHTTPObserver()
	r := httptest.NewRequest(http.MethodGet, "/api/v1/nodes/x", nil)
	b.ReportAllocs()
	for b.Loop() {
		ctx := o.Start(r.Context(), r, "/api/v1/nodes/{ref}")
		o.End(ctx, r, "/api/v1/nodes/{ref}", http.StatusOK, time.Millisecond)
	}
}
