package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/telemetry"
)

// AuditRecorder appends entries to the audit log (service.Service is one).
type AuditRecorder interface {
	RecordAudit(ctx context.Context, e *unet.AuditEntry) error
}

// auditWriteTimeout bounds the write of one audit entry.
const auditWriteTimeout = 10 * time.Second

// audited reports whether a request's outcome goes to the audit log: every
// request that may change something (any method but GET and HEAD) and every
// refusal for lack of identity or permission.
func audited(method string, status int) bool {
	return (method != http.MethodGet && method != http.MethodHead) ||
		status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusTooManyRequests
}

// audit records one request's outcome. It runs after the handler, on a
// context detached from the client's, so that a client that disconnects
// cannot skip it. Never recorded: credentials, bodies, query strings.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, rt Route, p *unet.Principal, status int, err error) {
	if s.opts.Audit == nil || !audited(r.Method, status) {
		return
	}
	e := &unet.AuditEntry{Actor: actorOf(p), Permission: rt.Permission, Method: r.Method, Route: rt.Path, Status: status,
		RequestID: w.Header().Get(RequestIDHeader)}
	if len(rt.PathParams) > 0 {
		e.Object = strings.TrimPrefix(r.URL.Path, BasePath+"/")
	}
	if reason := r.URL.Query().Get("reason"); reason != "" {
		e.Detail = "reason: " + reason
	}
	RecordAudit(r, s.opts.Audit, s.log, e, p, err)
}

// RecordAudit completes e and writes it: the client's address, how p
// authenticated ("token:ID", "oidc:SUBJECT", or the method), the outcome of
// e.Status and err (refused for 401, 403 and 429), and as detail the
// error's message (not an internal error's), else the detail e has, at most
// 1,024 bytes. The write runs on a context detached from the request's, so
// that a client that disconnects cannot skip it; a failed write is logged.
// The web interface records its forms with it.
func RecordAudit(r *http.Request, rec AuditRecorder, log *slog.Logger, e *unet.AuditEntry, p *unet.Principal, err error) {
	e.SourceIP = sourceIP(r)
	e.AuthMethod = unet.AuthMethodNone
	if p != nil {
		e.AuthMethod = p.Method
		switch {
		case p.TokenID != "":
			e.AuthMethod = p.Method + ":" + p.TokenID
		case p.Subject != "":
			e.AuthMethod = p.Method + ":" + p.Subject
		}
	}
	switch {
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden || e.Status == http.StatusTooManyRequests:
		e.Outcome = unet.OutcomeDenied
	case e.Status >= 400 || err != nil:
		e.Outcome = unet.OutcomeError
	default:
		e.Outcome = unet.OutcomeOK
	}
	if err != nil {
		var ue *unet.Error
		if errors.As(err, &ue) && ue.Code != unet.EINTERNAL {
			e.Detail = ue.Message
		} else {
			e.Detail = "internal error"
		}
	}
	if len(e.Detail) > 1024 {
		e.Detail = e.Detail[:1024]
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), auditWriteTimeout)
	defer cancel()
	if werr := rec.RecordAudit(ctx, e); werr != nil {
		log.LogAttrs(ctx, slog.LevelError, "audit log write failed", slog.String("request_id", e.RequestID),
			slog.String("route", e.Method+" "+e.Route), slog.String("actor", e.Actor), slog.Any("error", werr))
	}
}

func sourceIP(r *http.Request) string {
	if a := ClientAddr(r); a.IsValid() {
		return a.String()
	}
	return ""
}

// authorized runs the route's permission check, charges the request to its
// rate-limit bucket (the user's, or the client address's without a valid
// identity; 429 with Retry-After when it is empty), then the request checks
// that need no identity (body size, query parameters), then the handler, and
// records the outcome in the audit log: the principal becomes the request's
// actor, a 401 carries the Bearer challenge. Refusals by a rate limit are
// recorded at most once a minute per bucket (auditRefusal).
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, rt Route, check func() error) error {
	p, err := s.opts.Authorizer.Authorize(r, rt.Permission)
	defer func() { noteActor(w, p) }()
	limited := s.rateLimited(w, r, rt, p)
	if limited != nil {
		err = tooManyRequests(limited.who, limited.wait)
	}
	if err == nil {
		err = check()
	}
	var subject *auditSubject
	if err == nil {
		ctx := unet.WithPrincipal(unet.WithActor(r.Context(), actorOf(p)), p)
		ctx, subject = withAuditSubject(ctx)
		ctx, span := telemetry.Start(ctx, rt.spanName)
		r = r.WithContext(ctx)
		err = rt.handle(w, r)
		endServiceSpan(span, err)
	}
	status := http.StatusOK
	if err != nil {
		status = StatusOf(err)
		if clientGone(r, err) {
			status = StatusClientClosedRequest
		}
	} else if sw, ok := w.(*statusWriter); ok && sw.status != 0 {
		status = sw.status
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", AuthChallenge)
	}
	if limited != nil {
		s.auditRefusal(w, r, rt, p, status, err, limited.key)
		return err
	}
	if p == nil && subject != nil && subject.p != nil {
		p = subject.p
	}
	s.audit(w, r, rt, p, status, err)
	return err
}
