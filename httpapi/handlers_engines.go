package httpapi

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// reply writes v with status, or returns err for a problem answer.
func reply[T any](s *Server, w http.ResponseWriter, status int, v T, err error) error {
	if err != nil {
		return err
	}
	s.writeJSON(w, status, v)
	return nil
}

// decodeAndReply decodes the request body into a B, calls fn with it and
// answers fn's result with 200, streamed and capped by writeEngineJSON.
func decodeAndReply[B, R any](s *Server, w http.ResponseWriter, r *http.Request, fn func(context.Context, B) (R, error)) error {
	var b B
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	res, err := fn(r.Context(), b)
	if err != nil {
		return err
	}
	return s.writeEngineJSON(w, http.StatusOK, res)
}

// listOf wraps a whole (unpaginated) result in the list shape.
func listOf[T any](items []T, err error) (unet.List[T], error) {
	if items == nil {
		items = []T{}
	}
	return unet.List[T]{Items: items, Total: len(items)}, err
}

// NodeWithEval is a node, and with ?eval=true its policy results and the
// templates its policies assign.
type NodeWithEval struct {
	unet.Node
	Results   []unet.PolicyResult `json:"results,omitempty"`
	Templates []string            `json:"templates,omitempty"`
}

// nodeWithEval answers GET /nodes/{ref}?eval=true.
func (s *Server) nodeWithEval(r *http.Request, n *unet.Node) (any, error) {
	eval, err := boolParam(r.URL.Query(), "eval")
	if err != nil || !eval {
		return n, err
	}
	rep, err := s.svc.EvaluatePolicies(r.Context(), unet.PolicyEvalRequest{Nodes: []string{n.ID}})
	if err != nil {
		return nil, err
	}
	tmpl := rep.Templates[n.FQDN]
	if tmpl == nil {
		tmpl = []string{}
	}
	return NodeWithEval{Node: *n, Results: rep.Results, Templates: tmpl}, nil
}

func (s *Server) evaluatePolicies(w http.ResponseWriter, r *http.Request) error {
	return decodeAndReply(s, w, r, s.svc.EvaluatePolicies)
}

func (s *Server) applyPolicies(w http.ResponseWriter, r *http.Request) error {
	emergency, err := boolParam(r.URL.Query(), "emergency")
	if err != nil {
		return err
	}
	return decodeAndReply(s, w, r, func(ctx context.Context, req unet.PolicyApplyRequest) (*unet.PolicyApplyReport, error) {
		// emergency=true in the query is the same as "emergency": true in the body.
		req.Emergency = req.Emergency || emergency
		return s.svc.ApplyPolicies(ctx, req)
	})
}

// validatePolicies compiles the files without evaluating: positioned errors
// come back in the report (200), not as a problem.
func (s *Server) validatePolicies(w http.ResponseWriter, r *http.Request) error {
	var req PolicyValidateRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if len(req.Files) == 0 {
		return statusError(http.StatusBadRequest, unet.EINVALID, "no files to validate", unet.FieldError{Field: "files", Message: "is required"})
	}
	errs, err := s.svc.ValidatePolicies(r.Context(), req.Files)
	if err != nil {
		return err
	}
	var warns []unet.FieldError
	if len(errs) == 0 {
		if warns, err = s.svc.PolicyWarnings(r.Context(), req.Files); err != nil {
			return err
		}
	}
	if errs == nil {
		errs = []unet.FieldError{}
	}
	return s.writeEngineJSON(w, http.StatusOK, ValidationReport{Valid: len(errs) == 0, Errors: errs, Warnings: warns})
}

func (s *Server) listPolicyResults(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := page(q)
	if err != nil {
		return err
	}
	l, err := s.svc.ListPolicyResults(r.Context(), unet.PolicyResultFilter{Node: q.Get("node"), Rule: q.Get("rule"),
		Status: q.Get("status"), Severity: q.Get("severity"), Kind: q.Get("kind"), Page: p})
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, l)
	return nil
}

func timeParam(q map[string][]string, name string) (time.Time, error) {
	v := ""
	if vs := q[name]; len(vs) > 0 {
		v = vs[0]
	}
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return t, statusError(http.StatusBadRequest, unet.EINVALID, "query parameter "+name+" must be an RFC 3339 time such as 2026-01-02T15:04:05Z, not "+v)
	}
	return t, nil
}

func (s *Server) listComplianceHistory(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := page(q)
	if err != nil {
		return err
	}
	since, err := timeParam(q, "since")
	if err != nil {
		return err
	}
	l, err := s.svc.ListComplianceHistory(r.Context(), unet.ComplianceHistoryFilter{Node: q.Get("node"), Rule: q.Get("rule"), Since: since, Page: p})
	return reply(s, w, http.StatusOK, l, err)
}

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request) error {
	l, err := listOf(s.svc.ListTemplates(r.Context()))
	return reply(s, w, http.StatusOK, l, err)
}

func (s *Server) validateTemplates(w http.ResponseWriter, r *http.Request) error {
	errs, err := s.svc.ValidateTemplates(r.Context())
	if err != nil {
		return err
	}
	if errs == nil {
		errs = []unet.FieldError{}
	}
	return s.writeEngineJSON(w, http.StatusOK, ValidationReport{Valid: len(errs) == 0, Errors: errs})
}

func (s *Server) renderNodeGet(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, unet.TemplateRequest{Templates: r.URL.Query()["template"]})
}

func (s *Server) renderNodePost(w http.ResponseWriter, r *http.Request) error {
	var req unet.TemplateRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	return s.render(w, r, req)
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, req unet.TemplateRequest) error {
	req.Node = r.PathValue("ref")
	res, err := s.svc.RenderNode(r.Context(), req)
	if err != nil {
		return err
	}
	if wantsText(r) {
		// The configuration itself: the parts in order, each ending a line,
		// written one by one.
		size := int64(0)
		for _, p := range res.Parts {
			size += int64(len(p.Output))
			if !strings.HasSuffix(p.Output, "\n") {
				size++
			}
		}
		if size > s.opts.MaxEngineResponseBytes {
			return s.responseTooLarge()
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusOK)
		for _, p := range res.Parts {
			if !strings.HasSuffix(p.Output, "\n") {
				p.Output += "\n"
			}
			if _, err := io.WriteString(w, p.Output); err != nil {
				return nil // the client went away; nothing more to say
			}
		}
		return nil
	}
	return s.writeEngineJSON(w, http.StatusOK, res)
}

// wantsText reports whether the client prefers text/plain over JSON.
func wantsText(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch mt {
		case "text/plain":
			return true
		case "application/json", "*/*":
			return false
		}
	}
	return false
}

func (s *Server) diffNode(w http.ResponseWriter, r *http.Request) error {
	var req unet.TemplateDiffRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	req.Node = r.PathValue("ref")
	res, err := s.svc.DiffNode(r.Context(), req)
	if err != nil {
		return err
	}
	return s.writeEngineJSON(w, http.StatusOK, res)
}

func (s *Server) remediateConfig(w http.ResponseWriter, r *http.Request) error {
	var req unet.RemediationRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	res, err := s.svc.Remediate(r.Context(), req)
	if err != nil {
		return err
	}
	return s.writeEngineJSON(w, http.StatusOK, res)
}

func (s *Server) predictConfig(w http.ResponseWriter, r *http.Request) error {
	var req unet.PredictRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	res, err := s.svc.Predict(r.Context(), req)
	if err != nil {
		return err
	}
	return s.writeEngineJSON(w, http.StatusOK, res)
}

func (s *Server) listSNMPProfiles(w http.ResponseWriter, r *http.Request) error {
	l, err := listOf(s.svc.ListSNMPProfiles(r.Context()))
	return reply(s, w, http.StatusOK, l, err)
}

func (s *Server) createSNMPProfile(w http.ResponseWriter, r *http.Request) error {
	var p unet.SNMPProfile
	if err := decodeBody(r, &p); err != nil {
		return err
	}
	out, err := s.svc.CreateSNMPProfile(r.Context(), &p, unet.WriteOptions{Reason: r.URL.Query().Get("reason")})
	return reply(s, w, http.StatusCreated, out, err)
}

func (s *Server) getSNMPProfile(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.GetSNMPProfile(r.Context(), r.PathValue("name"))
	return reply(s, w, http.StatusOK, p, err)
}

func (s *Server) deleteSNMPProfile(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.DeleteSNMPProfile(r.Context(), r.PathValue("name"), unet.DeleteOptions{Reason: r.URL.Query().Get("reason")}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) pollNode(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.PollNode(r.Context(), r.PathValue("ref"), r.URL.Query().Get("profile"))
	return reply(s, w, http.StatusOK, st, err)
}

func (s *Server) getNodeStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.GetNodeStatus(r.Context(), r.PathValue("ref"))
	return reply(s, w, http.StatusOK, st, err)
}

func (s *Server) listNodeInterfaces(w http.ResponseWriter, r *http.Request) error {
	l, err := listOf(s.svc.ListNodeInterfaces(r.Context(), r.PathValue("ref")))
	return reply(s, w, http.StatusOK, l, err)
}

func (s *Server) listNodeHistory(w http.ResponseWriter, r *http.Request) error {
	since, err := timeParam(r.URL.Query(), "since")
	if err != nil {
		return err
	}
	l, err := listOf(s.svc.ListNodeHistory(r.Context(), r.PathValue("ref"), since))
	return reply(s, w, http.StatusOK, l, err)
}

func (s *Server) listDrift(w http.ResponseWriter, r *http.Request) error {
	l, err := listOf(s.svc.ListDrift(r.Context()))
	return reply(s, w, http.StatusOK, l, err)
}
