package metrics

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// HTTPDurationBuckets are the buckets of unet_http_request_duration_seconds:
// 1 ms to 10 s, what an API's latency objectives are written in.
var HTTPDurationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// UnmatchedRoute is the route label of requests no route matched.
const UnmatchedRoute = "unmatched"

var (
	httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "unet_http_requests_total",
		Help: "HTTP requests answered, by route template, method and status code.",
	}, []string{"route", "method", "code"})
	httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "unet_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route template and method.",
		Buckets: HTTPDurationBuckets,
	}, []string{"route", "method"})
	httpInFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "unet_http_requests_in_flight",
		Help: "HTTP requests being answered.",
	})
)

func init() {
	Registry.MustRegister(httpRequests, httpDuration, httpInFlight)
}

// HTTPObserver counts and times the requests of the API server: it is an
// httpapi.RequestObserver. The label children of each route, method and
// status code are resolved once and kept, so that a request costs a map
// lookup under a read lock and no label hashing.
type HTTPObserver struct {
	mu       sync.RWMutex
	children map[httpKey]httpChildren
}

// httpKey names one series of unet_http_requests_total.
type httpKey struct {
	route, method string
	code          int
}

type httpChildren struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// NewHTTPObserver returns an observer over the metrics of the registry.
func NewHTTPObserver() *HTTPObserver {
	return &HTTPObserver{children: map[httpKey]httpChildren{}}
}

// Start counts r as in flight (RequestObserver). route is the route
// template ("" when no route matched).
func (o *HTTPObserver) Start(ctx context.Context, _ *http.Request, _ string) context.Context {
	httpInFlight.Inc()
	return ctx
}

// End records the answer to r, status (0 when nothing was written: net/http
// answers 200) after elapsed, and counts r out of flight.
func (o *HTTPObserver) End(_ context.Context, r *http.Request, route string, status int, elapsed time.Duration) {
	httpInFlight.Dec()
	if status == 0 {
		status = http.StatusOK
	}
	c := o.lookup(httpKey{route: route, method: methodLabel(r.Method), code: status})
	c.requests.Inc()
	c.duration.Observe(elapsed.Seconds())
}

// lookup returns the label children of k, resolving them the first time.
func (o *HTTPObserver) lookup(k httpKey) httpChildren {
	o.mu.RLock()
	c, ok := o.children[k]
	o.mu.RUnlock()
	if ok {
		return c
	}
	route := k.route
	if route == "" {
		route = UnmatchedRoute
	}
	c = httpChildren{
		requests: httpRequests.WithLabelValues(route, k.method, strconv.Itoa(k.code)),
		duration: httpDuration.WithLabelValues(route, k.method),
	}
	o.mu.Lock()
	o.children[k] = c
	o.mu.Unlock()
	return c
}

// methodLabel bounds the method label: a client may send any token as a
// method, and each would otherwise become a series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}
