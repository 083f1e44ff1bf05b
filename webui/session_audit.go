package webui

import (
	"context"
	"net/http"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// statusWriter remembers the status a page answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// auditSubject lets a public form (sign-in, sign-out) name, for the audit
// log, the identity it dealt with.
type auditSubject struct{ p *unet.Principal }

type auditSubjectKey struct{}

func withAuditSubject(ctx context.Context) (context.Context, *auditSubject) {
	h := &auditSubject{}
	return context.WithValue(ctx, auditSubjectKey{}, h), h
}

func setAuditSubject(ctx context.Context, p *unet.Principal) {
	if h, ok := ctx.Value(auditSubjectKey{}).(*auditSubject); ok {
		h.p = p
	}
}

// audited reports whether a page's outcome goes to the audit log: every
// form posted (whatever its outcome) and every refusal for lack of
// permission or for too many attempts. An unauthenticated GET, sent to the
// sign-in page, is not recorded: it is how every visit begins.
func audited(method string, status int) bool {
	return (method != http.MethodGet && method != http.MethodHead) ||
		status == http.StatusForbidden || status == http.StatusTooManyRequests
}

// audit records the outcome of a page or form as the API records its
// routes': the actor and how it authenticated, the permission, the route
// pattern, the status and outcome, the source address and request ID.
// Never recorded: form values, credentials, query strings.
func (u *UI) audit(w *statusWriter, r *http.Request, perm unet.Permission, p *unet.Principal, err error) {
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	if u.opts.Audit == nil || !audited(r.Method, status) {
		return
	}
	route := r.URL.Path
	if r.Pattern != "" {
		_, route, _ = strings.Cut(r.Pattern, " ")
	}
	e := &unet.AuditEntry{Actor: actorOf(p), Permission: perm, Method: r.Method, Route: route, Status: status,
		RequestID: w.Header().Get(httpapi.RequestIDHeader)}
	if strings.Contains(route, "{") {
		e.Object = strings.TrimPrefix(r.URL.Path, Prefix)
	}
	httpapi.RecordAudit(r, u.opts.Audit, u.log, e, p, err)
}
