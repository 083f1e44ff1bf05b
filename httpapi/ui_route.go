package httpapi

import (
	"fmt"
	"net/http"
	"strings"
)

// uiPrefix is where the web interface is served (webui.Prefix).
const uiPrefix = "/ui/"

// registerUI mounts the web interface, when there is one, under /ui/ and
// redirects the root there. Its pages pass the same gates as the API's
// routes before the interface checks the caller: the base middleware (Host
// and Origin checks, access log, observers), the client allow-list
// (--allow-ip), and admission (MaxInFlight) except for its event stream
// and its static files.
func (s *Server) registerUI() {
	if s.opts.UI == nil {
		return
	}
	ui := s.opts.UI
	s.mux.Handle(uiPrefix, s.base(uiPrefix, func(w http.ResponseWriter, r *http.Request) error {
		if err := s.limits.allowed(ClientAddr(r)); err != nil {
			return err
		}
		if p := r.URL.Path; p != uiPrefix+"events" && !strings.HasPrefix(p, uiPrefix+"static/") {
			select {
			case s.slots <- struct{}{}:
				defer func() { <-s.slots }()
			case <-r.Context().Done():
				return fmt.Errorf("request abandoned while waiting for the server: %w", r.Context().Err())
			}
		}
		ui.ServeHTTP(w, r)
		return nil
	}))
	s.mux.Handle("GET /{$}", s.base("/", func(w http.ResponseWriter, r *http.Request) error {
		http.Redirect(w, r, uiPrefix, http.StatusFound)
		return nil
	}))
}
