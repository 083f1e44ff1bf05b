package httpapi

import "net/http"

// uiPrefix is where the web interface is served (webui.Prefix).
const uiPrefix = "/ui/"

// registerUI mounts the web interface, when there is one, under /ui/ and
// redirects the root there.
func (s *Server) registerUI() {
	if s.opts.UI == nil {
		return
	}
	ui := s.opts.UI
	s.mux.Handle(uiPrefix, s.base(uiPrefix, func(w http.ResponseWriter, r *http.Request) error {
		ui.ServeHTTP(w, r)
		return nil
	}))
	s.mux.Handle("GET /{$}", s.base("/", func(w http.ResponseWriter, r *http.Request) error {
		http.Redirect(w, r, uiPrefix, http.StatusFound)
		return nil
	}))
}
