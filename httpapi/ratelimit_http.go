package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/unet-dev/unet"
)

// rateExempt reports whether a route is outside the abuse limits: the
// health probes, which load balancers and orchestrators poll from their
// own addresses and whose answers tell nothing.
func rateExempt(rt Route) bool {
	return rt.Permission == PermPublic && healthPath(rt.Path)
}

// screenClient applies the global allow-list before anything else of a
// route: a refused address gets 403 and learns nothing more. The refusal is
// audited (coalesced per address, see denialNotes).
func (s *Server) screenClient(w http.ResponseWriter, r *http.Request, rt Route) error {
	if rateExempt(rt) {
		return nil
	}
	a := ClientAddr(r)
	err := s.limits.allowed(a)
	if err != nil {
		s.auditRefusal(w, inContext(w, r), rt, nil, http.StatusForbidden, err, "allow:"+a.String())
	}
	return err
}

// rateLimited charges the request to its bucket once its identity is known
// (p, nil when it has none) and answers the refusal when the bucket is
// empty, with Retry-After set.
func (s *Server) rateLimited(w http.ResponseWriter, r *http.Request, rt Route, p *unet.Principal) *rateDenial {
	if rateExempt(rt) {
		return nil
	}
	d := s.limits.check(p, ClientAddr(r), time.Now())
	if d != nil {
		w.Header().Set("Retry-After", retryAfter(d.wait))
	}
	return d
}

// auditRefusal records a refusal by a rate limit or the allow-list, at most
// one entry per key and denialNoteEvery, counting those left out.
func (s *Server) auditRefusal(w http.ResponseWriter, r *http.Request, rt Route, p *unet.Principal, status int, err error, key string) {
	if s.opts.Audit == nil {
		return
	}
	ok, n := s.limits.notes.note(key, time.Now())
	if !ok {
		return
	}
	if n > 1 {
		var ue *unet.Error
		if errors.As(err, &ue) {
			err = &unet.Error{Code: ue.Code, Message: fmt.Sprintf("%s (%d refusals since the previous entry)", ue.Message, n)}
		}
	}
	s.audit(w, r, rt, p, status, err)
}
