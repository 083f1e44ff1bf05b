package httpapi

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/unet-dev/unet"
)

// The actor of every change-review call is the request's principal (the
// server puts it in the context), so an approval sent by another user
// counts as that user's.

func (s *Server) proposeChangeSet(w http.ResponseWriter, r *http.Request) error {
	var req unet.ChangeSetRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	cs, err := s.svc.ProposeChangeSet(r.Context(), req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", BasePath+"/changesets/"+url.PathEscape(cs.ID))
	s.writeJSON(w, http.StatusCreated, normalChangeSet(cs))
	return nil
}

func (s *Server) listChangeSets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := page(q)
	if err != nil {
		return err
	}
	l, err := s.svc.ListChangeSets(r.Context(), unet.ChangeSetFilter{State: q.Get("state"), Author: q.Get("author"), Page: p})
	if err != nil {
		return err
	}
	if l.Items == nil {
		l.Items = []unet.ChangeSet{}
	}
	for i := range l.Items {
		normalChangeSet(&l.Items[i])
	}
	s.writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) getChangeSet(w http.ResponseWriter, r *http.Request) error {
	impact := true
	if r.URL.Query().Get("impact") != "" {
		var err error
		if impact, err = boolParam(r.URL.Query(), "impact"); err != nil {
			return err
		}
	}
	cs, err := s.svc.GetChangeSet(r.Context(), r.PathValue("id"), unet.ChangeSetView{Impact: impact})
	return s.replyChangeSet(w, cs, err)
}

func (s *Server) appendChangeOps(w http.ResponseWriter, r *http.Request) error {
	var req ChangeOpsRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	cs, err := s.svc.AppendChangeOps(r.Context(), r.PathValue("id"), req.Ops)
	return s.replyChangeSet(w, cs, err)
}

func (s *Server) submitChangeSet(w http.ResponseWriter, r *http.Request) error {
	if err := drainBody(r); err != nil {
		return err
	}
	cs, err := s.svc.SubmitChangeSet(r.Context(), r.PathValue("id"))
	return s.replyChangeSet(w, cs, err)
}

func (s *Server) approveChangeSet(w http.ResponseWriter, r *http.Request) error {
	var req CommentRequest
	if err := decodeOptionalBody(r, &req); err != nil {
		return err
	}
	cs, err := s.svc.ApproveChangeSet(r.Context(), r.PathValue("id"), req.Comment)
	return s.replyChangeSet(w, cs, err)
}

func (s *Server) rejectChangeSet(w http.ResponseWriter, r *http.Request) error {
	var req CommentRequest
	if err := decodeOptionalBody(r, &req); err != nil {
		return err
	}
	cs, err := s.svc.RejectChangeSet(r.Context(), r.PathValue("id"), req.Comment)
	return s.replyChangeSet(w, cs, err)
}

func (s *Server) abandonChangeSet(w http.ResponseWriter, r *http.Request) error {
	var req ReasonRequest
	if err := decodeOptionalBody(r, &req); err != nil {
		return err
	}
	cs, err := s.svc.AbandonChangeSet(r.Context(), r.PathValue("id"), req.Reason)
	return s.replyChangeSet(w, cs, err)
}

func (s *Server) applyChangeSet(w http.ResponseWriter, r *http.Request) error {
	var o unet.ApplyOptions
	if err := decodeOptionalBody(r, &o); err != nil {
		return err
	}
	cs, err := s.svc.ApplyChangeSet(r.Context(), r.PathValue("id"), o)
	return s.replyChangeSet(w, cs, err)
}

func (s *Server) rebaseChangeSet(w http.ResponseWriter, r *http.Request) error {
	if err := drainBody(r); err != nil {
		return err
	}
	cs, err := s.svc.RebaseChangeSet(r.Context(), r.PathValue("id"))
	return s.replyChangeSet(w, cs, err)
}

func (s *Server) revertChange(w http.ResponseWriter, r *http.Request) error {
	var o unet.RevertOptions
	if err := decodeOptionalBody(r, &o); err != nil {
		return err
	}
	cs, err := s.svc.RevertChange(r.Context(), r.PathValue("id"), o)
	return s.replyChangeSet(w, cs, err)
}

func (s *Server) listChangeEvents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q, "limit")
	if err != nil {
		return err
	}
	if limit < 0 {
		return statusError(http.StatusBadRequest, unet.EINVALID, "limit must not be negative")
	}
	f := unet.ChangeEventFilter{After: q.Get("after"), ChangeSet: q.Get("changeset"), Limit: limit}
	if f.Since, err = timeParam(q, "since"); err != nil {
		return err
	}
	l, err := s.svc.ListChangeEvents(r.Context(), f)
	if err != nil {
		return err
	}
	if l.Items == nil {
		l.Items = []unet.ChangeEvent{}
	}
	s.writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) listEmergencyChanges(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pending, err := boolParam(q, "pending")
	if err != nil {
		return err
	}
	p, err := page(q)
	if err != nil {
		return err
	}
	l, err := s.svc.ListEmergencyChanges(r.Context(), unet.EmergencyFilter{Pending: pending, Page: p})
	if err != nil {
		return err
	}
	if l.Items == nil {
		l.Items = []unet.EmergencyChange{}
	}
	for i := range l.Items {
		normalEmergency(&l.Items[i])
	}
	s.writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) reviewEmergencyChange(w http.ResponseWriter, r *http.Request) error {
	var req CommentRequest
	if err := decodeOptionalBody(r, &req); err != nil {
		return err
	}
	e, err := s.svc.ReviewEmergencyChange(r.Context(), r.PathValue("ref"), req.Comment)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, normalEmergency(e))
	return nil
}

func (s *Server) listApprovalRules(w http.ResponseWriter, r *http.Request) error {
	rules, err := s.svc.ListApprovalRules(r.Context())
	if err != nil {
		return err
	}
	if rules == nil {
		rules = []unet.ApprovalRule{}
	}
	s.writeJSON(w, http.StatusOK, unet.List[unet.ApprovalRule]{Items: rules, Total: len(rules)})
	return nil
}

func (s *Server) addApprovalRule(w http.ResponseWriter, r *http.Request) error {
	var rule unet.ApprovalRule
	if err := decodeBody(r, &rule); err != nil {
		return err
	}
	out, err := s.svc.AddApprovalRule(r.Context(), rule, unet.WriteOptions{Reason: r.URL.Query().Get("reason")})
	if err != nil {
		return err
	}
	w.Header().Set("Location", BasePath+"/approvals/"+url.PathEscape(out.Name))
	s.writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) removeApprovalRule(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RemoveApprovalRule(r.Context(), r.PathValue("name"), unet.DeleteOptions{Reason: r.URL.Query().Get("reason")}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// replyChangeSet answers a change set (200) or the error.
func (s *Server) replyChangeSet(w http.ResponseWriter, cs *unet.ChangeSet, err error) error {
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, normalChangeSet(cs))
	return nil
}

// normalChangeSet replaces the nil lists of a change set by empty ones, so
// that the answer has the documented shape (lists are arrays, never null).
func normalChangeSet(cs *unet.ChangeSet) *unet.ChangeSet {
	if cs.Ops == nil {
		cs.Ops = []unet.ChangeOp{}
	}
	for i := range cs.Ops {
		if cs.Ops[i].Bases == nil {
			cs.Ops[i].Bases = []unet.OpBase{}
		}
	}
	if cs.Approvals == nil {
		cs.Approvals = []unet.Approval{}
	}
	for i := range cs.Approvals {
		if cs.Approvals[i].Roles == nil {
			cs.Approvals[i].Roles = []string{}
		}
	}
	if cs.Requirement.Rules == nil {
		cs.Requirement.Rules = []unet.RuleMatch{}
	}
	for i := range cs.Requirement.Rules {
		if cs.Requirement.Rules[i].Objects == nil {
			cs.Requirement.Rules[i].Objects = []string{}
		}
	}
	if cs.Conflicts == nil {
		cs.Conflicts = []unet.Conflict{}
	}
	for i := range cs.Conflicts {
		if cs.Conflicts[i].Fields == nil {
			cs.Conflicts[i].Fields = []unet.FieldChange{}
		}
	}
	if im := cs.Impact; im != nil {
		if im.Objects == nil {
			im.Objects = []unet.ObjectImpact{}
		}
		for i := range im.Objects {
			if im.Objects[i].Fields == nil {
				im.Objects[i].Fields = []unet.FieldChange{}
			}
		}
		if im.Policy == nil {
			im.Policy = []unet.PolicyImpact{}
		}
		if im.Config == nil {
			im.Config = []unet.ConfigImpact{}
		}
		if im.Guards == nil {
			im.Guards = []unet.GuardResult{}
		}
		if im.Problems == nil {
			im.Problems = []unet.ImpactProblem{}
		}
	}
	return cs
}

// normalEmergency replaces the nil lists of an emergency change by empty ones.
func normalEmergency(e *unet.EmergencyChange) *unet.EmergencyChange {
	if e.Objects == nil {
		e.Objects = []string{}
	}
	if e.Changes == nil {
		e.Changes = []string{}
	}
	return e
}

// decodeOptionalBody decodes a JSON body like decodeBody; an empty body is
// the zero value (the body of these routes only carries optional fields).
func decodeOptionalBody(r *http.Request, v any) error {
	if emptyBody(r) {
		return nil
	}
	return decodeBody(r, v)
}

// drainBody accepts a route without a body: an empty one or an empty JSON
// object (what a client that always sends a body sends).
func drainBody(r *http.Request) error {
	var v struct{}
	return decodeOptionalBody(r, &v)
}

// emptyBody reports whether the request has no body at all, whether it
// declares a zero length or sends a chunked body that ends at once.
func emptyBody(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return true
	}
	br := bufio.NewReader(r.Body)
	if _, err := br.Peek(1); errors.Is(err, io.EOF) {
		return true
	}
	// Any other read error is met again, and reported, by the decoder.
	r.Body = struct {
		io.Reader
		io.Closer
	}{br, r.Body}
	return false
}
