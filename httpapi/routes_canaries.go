package httpapi

import (
	"net/http"

	"github.com/unet-dev/unet"
)

// CanaryAbortRequest is the body of the abort route: why (free text).
type CanaryAbortRequest struct {
	Reason string `json:"reason,omitempty"`
}

// CanaryPromoteRequest is the body of the promote route (optional: an
// empty body promotes, or proposes when an approval rule covers the
// promotion). Propose proposes the promotion as a change set even when no
// approval rule covers it (Reason is then its description); Emergency with
// Reason promotes at once even when one does (needs changes:emergency).
type CanaryPromoteRequest struct {
	Propose   bool   `json:"propose,omitempty"`
	Emergency bool   `json:"emergency,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// canaryStartBodyLimit bounds a start request: the files of a path
// candidate, JSON-escaped.
const canaryStartBodyLimit = 2*unet.MaxCanaryBytes + 1<<20

// canaryRoutes are the routes of canaries (SPEC §7.3).
func (s *Server) canaryRoutes() []Route {
	name := []Param{{Name: "name", Type: "string", Description: "canary name"}}
	return []Route{
		{Method: http.MethodGet, Path: BasePath + "/canaries", Permission: PermGitRead, OperationID: "listCanaries",
			Tag: "canaries", Summary: "Active canaries (every canary with all=true), newest first",
			Query:  []Param{{Name: "all", Type: "boolean", Description: "also the canaries that ended"}},
			Status: http.StatusOK, Result: unet.List[unet.Canary]{}, handle: s.listCanaries},
		{Method: http.MethodPost, Path: BasePath + "/canaries", Permission: PermCanariesWrite, OperationID: "startCanary",
			Tag: "canaries", Summary: "Start a canary: validate the candidate (commit, branch tip or files) like an activation and serve it to the selected nodes",
			Body: unet.CanaryStartRequest{}, BodyLimit: canaryStartBodyLimit, Long: true,
			Status: http.StatusCreated, Result: unet.Canary{}, handle: s.startCanary},
		{Method: http.MethodGet, Path: BasePath + "/canaries/{name}", Permission: PermGitRead, OperationID: "getCanary",
			Tag: "canaries", Summary: "Show a canary with its last status summary", PathParams: name,
			Status: http.StatusOK, Result: unet.Canary{}, handle: s.getCanary},
		{Method: http.MethodGet, Path: BasePath + "/canaries/{name}/status", Permission: PermGitRead, OperationID: "getCanaryStatus",
			Tag: "canaries", Summary: "Compare candidate and baseline on the selected nodes: rule status changes, rendered configuration changes, counts and verdict",
			PathParams: name, Query: []Param{{Name: "diff", Type: "boolean", Description: "include each node's unified configuration diff"}},
			Long: true, Status: http.StatusOK, Result: unet.CanaryReport{}, handle: s.getCanaryStatus},
		{Method: http.MethodPost, Path: BasePath + "/canaries/{name}/promote", Permission: PermGitPromote, OperationID: "promoteCanary",
			Tag: "canaries", Summary: "Make the candidate the environment's active version (fast-forward push, or a commit of the files, then a sync), or propose that for approval",
			PathParams: name, Body: CanaryPromoteRequest{}, Long: true, Status: http.StatusOK, Result: unet.CanaryPromoteResult{},
			Accepted: unet.CanaryPromoteResult{}, AcceptedNote: "proposed: an approval rule covers the promotion (or propose asked for it); kind is proposed, change_set the set to approve and apply, and the canary stays active; nothing was pushed",
			handle: s.promoteCanary},
		{Method: http.MethodPost, Path: BasePath + "/canaries/{name}/abort", Permission: PermCanariesWrite, OperationID: "abortCanary",
			Tag: "canaries", Summary: "End a canary: its nodes go back to the active version at once",
			PathParams: name, Body: CanaryAbortRequest{}, Long: true, Status: http.StatusOK, Result: unet.Canary{}, handle: s.abortCanary},
	}
}

func (s *Server) listCanaries(w http.ResponseWriter, r *http.Request) error {
	all, err := boolParam(r.URL.Query(), "all")
	if err != nil {
		return err
	}
	list, err := s.svc.ListCanaries(r.Context(), all)
	if err != nil {
		return err
	}
	if list == nil {
		list = []unet.Canary{}
	}
	s.writeJSON(w, http.StatusOK, unet.List[unet.Canary]{Items: list, Total: len(list)})
	return nil
}

func (s *Server) startCanary(w http.ResponseWriter, r *http.Request) error {
	var req unet.CanaryStartRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	c, err := s.svc.StartCanary(r.Context(), req)
	if err != nil && c == nil {
		return err
	}
	// A canary that started but whose nodes could not be evaluated again
	// at once is still created (the next evaluation stores their results).
	s.writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) getCanary(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.GetCanary(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) getCanaryStatus(w http.ResponseWriter, r *http.Request) error {
	diff, err := boolParam(r.URL.Query(), "diff")
	if err != nil {
		return err
	}
	rep, err := s.svc.CanaryStatus(r.Context(), r.PathValue("name"), diff)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) promoteCanary(w http.ResponseWriter, r *http.Request) error {
	var req CanaryPromoteRequest
	if err := decodeOptionalBody(r, &req); err != nil {
		return err
	}
	res, err := s.svc.PromoteCanary(r.Context(), unet.CanaryPromoteRequest{Name: r.PathValue("name"), Propose: req.Propose,
		Emergency: req.Emergency, Reason: req.Reason})
	if err != nil && res == nil {
		return err
	}
	status := http.StatusOK
	if res.Kind == unet.CanaryPromoteProposed {
		status = http.StatusAccepted
	}
	// A canary promoted whose inventory could not be evaluated again at
	// once is still promoted (the next evaluation stores the results).
	s.writeJSON(w, status, res)
	return nil
}

func (s *Server) abortCanary(w http.ResponseWriter, r *http.Request) error {
	var req CanaryAbortRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	c, err := s.svc.AbortCanary(r.Context(), r.PathValue("name"), req.Reason)
	if err != nil && c == nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, c)
	return nil
}
