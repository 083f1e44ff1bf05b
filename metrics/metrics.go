// Package metrics holds μNet's Prometheus metrics: one registry that every
// part of the server registers its collectors in, and the /metrics handler
// that serves it. Names follow Prometheus conventions: the unet_ prefix,
// base units (seconds, bytes), _total for counters, and only bounded labels
// (route templates, never raw paths; rule names, never object names).
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry is the registry /metrics serves. Collectors register in it
// (MustRegister from an init function of their file, or Register when
// they are built at run time, e.g. over a database).
var Registry = prometheus.NewRegistry()

// Handler serves Registry in the Prometheus text and OpenMetrics formats.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{Registry: Registry, EnableOpenMetrics: true})
}
