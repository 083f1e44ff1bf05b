package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/unet-dev/unet"
)

// UnmatchedRoute is the route of the access log line of a request no route
// matched.
const UnmatchedRoute = "unmatched"

// accessLog writes the one access log line of a request: request_id, actor (the authenticated
// principal, or the anonymous actor; empty when the request never reached a
// route's authorization), route (the template, UnmatchedRoute when none
// matched), method, path, status, duration (seconds, a number), remote,
// client_ip, and trace_id when the request runs in a span (an observer
// started one).
//
// ctx is the request's context (r may not be in it yet).
func (s *Server) accessLog(ctx context.Context, r *http.Request, w *statusWriter, id, route string, start time.Time) {
	if !s.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	if route == "" {
		route = UnmatchedRoute
	}
	attrs := [...]slog.Attr{
		slog.String("request_id", id),
		slog.String("actor", w.actor),
		slog.String("route", route),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", w.status),
		slog.Float64("duration", time.Since(start).Seconds()),
		slog.String("remote", r.RemoteAddr),
		slog.String("client_ip", ClientIP(r)),
		{}, // trace_id, when the request runs in a span
	}
	n := len(attrs) - 1
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		attrs[n] = slog.String("trace_id", sc.TraceID().String())
		n++
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "request", attrs[:n]...)
}

// noteActor records the request's actor for the access log: the principal's
// user, the anonymous actor without one.
func noteActor(w http.ResponseWriter, p *unet.Principal) {
	if sw, ok := w.(*statusWriter); ok {
		sw.actor = actorOf(p)
	}
}
