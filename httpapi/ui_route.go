package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/unet-dev/unet"
)

// uiPrefix is where the web interface is served (webui.Prefix).
const uiPrefix = "/ui/"

// registerUI mounts the web interface, when there is one, under /ui/ and
// redirects the root there. Its pages pass the same gates as the API's
// routes before the interface checks the caller: the base middleware (Host
// and Origin checks, access log, observers), the client allow-list
// (--allow-ip), and admission (MaxInFlight) except for its event stream
// and its static files. Its engine calls share the API's engine slots
// (AcquireEngine).
func (s *Server) registerUI() {
	if s.opts.UI == nil {
		return
	}
	ui := s.opts.UI
	gate := &engineGate{slots: s.engines, maxResults: s.opts.MaxEngineResults}
	s.mux.Handle(uiPrefix, s.base(uiPrefix, func(w http.ResponseWriter, r *http.Request) error {
		if err := s.limits.allowed(ClientAddr(r)); err != nil {
			return err
		}
		if p := r.URL.Path; p != uiPrefix+"events" && !strings.HasPrefix(p, uiPrefix+"static/") {
			release, err := s.admit(r)
			if err != nil {
				return err
			}
			defer release()
		}
		ui.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), engineGateKey{}, gate)))
		return nil
	}))
	s.mux.Handle("GET /{$}", s.base("/", func(w http.ResponseWriter, r *http.Request) error {
		http.Redirect(w, r, uiPrefix, http.StatusFound)
		return nil
	}))
}

type engineGateKey struct{}

// engineGate is what AcquireEngine takes a slot of: the server's engine
// slots (MaxEngineConcurrency) and its budget of results.
type engineGate struct {
	slots      chan struct{}
	maxResults int
}

// AcquireEngine takes one of the server's engine slots (MaxEngineConcurrency)
// for an engine call (render, diff, evaluation) a web page makes, waiting
// until one is free or ctx ends; release gives it back. The returned
// context carries the server's MaxEngineResults budget. A context that did
// not come through the server's /ui/ mount (a test of the interface alone)
// is not limited.
func AcquireEngine(ctx context.Context) (context.Context, func(), error) {
	g, ok := ctx.Value(engineGateKey{}).(*engineGate)
	if !ok {
		return ctx, func() {}, nil
	}
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx, func() {}, fmt.Errorf("request abandoned while waiting for an engine slot: %w", ctx.Err())
	}
	var once sync.Once
	release := func() { once.Do(func() { <-g.slots }) }
	return unet.WithMaxEngineResults(ctx, g.maxResults), release, nil
}
