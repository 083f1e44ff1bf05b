package httpapi

import "net/http"

// MetricsPath is where Options.Metrics is served.
const MetricsPath = "/metrics"

// registerMetrics serves Options.Metrics at GET /metrics, if set: behind the
// base middleware and the global IP allow-list (the API's authentication and
// rate limits do not apply; the handler checks its own credential).
func (s *Server) registerMetrics() {
	h := s.opts.Metrics
	if h == nil {
		return
	}
	rt := Route{Method: http.MethodGet, Path: MetricsPath, Permission: PermPublic}
	s.mux.Handle(rt.Method+" "+rt.Path, s.base(rt.Path, func(w http.ResponseWriter, r *http.Request) error {
		if err := s.screenClient(w, r, rt); err != nil {
			return err
		}
		h.ServeHTTP(w, r)
		return nil
	}))
}
