package httpapi

import (
	"net/http"
	"time"

	"github.com/unet-dev/unet"
)

// GitSyncReport is the answer of the sync routes: one result per source.
type GitSyncReport struct {
	Results []unet.GitSyncResult `json:"results"`
}

// GitPinRequest is the body of the pin route: the commit (full or abbreviated)
// to activate in environment Env (default: the source's default one).
type GitPinRequest struct {
	Env    string `json:"env,omitempty"`
	Commit string `json:"commit"`
}

// GitUnpinRequest is the body of the unpin route.
type GitUnpinRequest struct {
	Env string `json:"env,omitempty"`
}

// GitPromoteRequest is the body of the promote route: environment To's branch
// moves to environment From's active commit; Prefer (source or target)
// resolves files both sides changed.
//
// Propose proposes the promotion as a change set even when no approval rule
// covers it (Reason is then its description); Emergency with Reason promotes
// at once even when one does (needs changes:emergency).
type GitPromoteRequest struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Prefer    string `json:"prefer,omitempty"`
	Propose   bool   `json:"propose,omitempty"`
	Emergency bool   `json:"emergency,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// GitExportRequest is the body of the export route: the environment whose
// branch receives the commit (default: the source's own), the directory the
// export replaces (default inventory) and the commit message.
type GitExportRequest struct {
	Env     string `json:"env,omitempty"`
	Dir     string `json:"dir,omitempty"`
	Message string `json:"message,omitempty"`
}

// GitWebhookAnswer is the answer to a webhook delivery: Queued when a sync of
// Source will cover it, Duplicate when the delivery id or the same body was
// seen before (nothing is done). Sync says how the delivery was queued:
// "started" (no sync was running), "pending" (one runs; another follows it)
// or "coalesced" (one runs and another is already pending).
type GitWebhookAnswer struct {
	Queued    bool   `json:"queued"`
	Duplicate bool   `json:"duplicate,omitempty"`
	Sync      string `json:"sync,omitempty"`
	Source    string `json:"source"`
	Provider  string `json:"provider"`
	Delivery  string `json:"delivery,omitempty"`
}

// Limits of the webhook receiver.
const (
	// WebhookBodyLimit bounds a delivery's body (GitHub sends at most 25 MB).
	WebhookBodyLimit = 25 << 20
	// WebhookSyncTimeout bounds the sync a delivery starts.
	WebhookSyncTimeout = 10 * time.Minute
)

func gitSourceParam() []Param {
	return []Param{{Name: "name", Type: "string", Description: "Git source name"}}
}

// gitRoutes are the routes of Git sources: configuration, sync, status,
// history, pinning, promotion and the webhook receiver.
func (s *Server) gitRoutes() []Route {
	src := gitSourceParam()
	return []Route{
		{Method: http.MethodGet, Path: BasePath + "/git/sources", Permission: PermGitRead, OperationID: "listGitSources",
			Tag: "git", Summary: "Git sources of policies and templates (secret references, never secret values)",
			Status: http.StatusOK, Result: unet.List[unet.GitSource]{}, handle: s.listGitSources},
		{Method: http.MethodPost, Path: BasePath + "/git/sources", Permission: PermGitWrite, OperationID: "createGitSource",
			Tag: "git", Summary: "Add a Git source; the first sync fetches it", Query: []Param{reasonParam()},
			Body: unet.GitSource{}, Status: http.StatusCreated, Result: unet.GitSource{}, handle: s.createGitSource},
		{Method: http.MethodGet, Path: BasePath + "/git/sources/{name}", Permission: PermGitRead, OperationID: "getGitSource",
			Tag: "git", Summary: "Show a Git source with its pinned environments", PathParams: src,
			Status: http.StatusOK, Result: unet.GitSource{}, handle: s.getGitSource},
		{Method: http.MethodDelete, Path: BasePath + "/git/sources/{name}", Permission: PermGitWrite, OperationID: "deleteGitSource",
			Tag: "git", Summary: "Remove a Git source with its state, history, mirror and snapshots", PathParams: src,
			Query: []Param{reasonParam()}, Status: http.StatusNoContent, handle: s.deleteGitSource},
		{Method: http.MethodGet, Path: BasePath + "/git/status", Permission: PermGitRead, OperationID: "listGitStatus",
			Tag: "git", Summary: "Status of every Git source",
			Status: http.StatusOK, Result: unet.List[unet.GitStatus]{}, handle: s.listGitStatus},
		{Method: http.MethodGet, Path: BasePath + "/git/sources/{name}/status", Permission: PermGitRead, OperationID: "getGitStatus",
			Tag: "git", Summary: "Active commit of every environment, last attempt, success and error, next run, files of the last activation",
			PathParams: src, Status: http.StatusOK, Result: unet.GitStatus{}, handle: s.getGitStatus},
		{Method: http.MethodGet, Path: BasePath + "/git/sources/{name}/history", Permission: PermGitRead, OperationID: "listGitHistory",
			Tag: "git", Summary: "Sync history of a Git source, newest first", PathParams: src,
			Query:  []Param{{Name: "limit", Type: "integer", Description: "at most this many entries (default and 0: all)"}},
			Status: http.StatusOK, Result: unet.List[unet.GitSyncEntry]{}, handle: s.listGitHistory},
		{Method: http.MethodPost, Path: BasePath + "/git/sync", Permission: PermGitSync, OperationID: "syncGitSources",
			Tag: "git", Summary: "Sync every Git source: fetch, validate new commits, activate those that pass",
			Query: []Param{gitTriggerParam()}, Long: true, Status: http.StatusOK, Result: GitSyncReport{}, handle: s.syncGitSources},
		{Method: http.MethodPost, Path: BasePath + "/git/sources/{name}/sync", Permission: PermGitSync, OperationID: "syncGitSource",
			Tag: "git", Summary: "Sync a Git source: fetch, validate new commits, activate those that pass", PathParams: src,
			Query: []Param{gitTriggerParam()}, Long: true, Status: http.StatusOK, Result: GitSyncReport{}, handle: s.syncGitSource},
		{Method: http.MethodPost, Path: BasePath + "/git/sources/{name}/pin", Permission: PermGitWrite, OperationID: "pinGitSource",
			Tag: "git", Summary: "Activate an earlier commit (it must validate) and stop following the branch", PathParams: src,
			Body: GitPinRequest{}, Long: true, Status: http.StatusOK, Result: unet.GitSyncEntry{}, handle: s.pinGitSource},
		{Method: http.MethodPost, Path: BasePath + "/git/sources/{name}/unpin", Permission: PermGitWrite, OperationID: "unpinGitSource",
			Tag: "git", Summary: "Follow the branch again and sync at once", PathParams: src,
			Body: GitUnpinRequest{}, Long: true, Status: http.StatusOK, Result: unet.GitSyncResult{}, handle: s.unpinGitSource},
		{Method: http.MethodPost, Path: BasePath + "/git/sources/{name}/promote", Permission: PermGitPromote, OperationID: "promoteGitSource",
			Tag: "git", Summary: "Move an environment's branch to another's validated commit and push it, or propose it as a change set when an approval rule covers it", PathParams: src,
			Body: GitPromoteRequest{}, Long: true, Status: http.StatusOK, Result: unet.GitPromoteResult{},
			Accepted: unet.GitPromoteResult{}, AcceptedNote: "proposed: an approval rule covers the promotion (or propose asked for it); kind is proposed and change_set the set to approve and apply; nothing was pushed",
			handle: s.promoteGitSource},
		{Method: http.MethodPost, Path: BasePath + "/git/sources/{name}/export", Permission: PermGitWrite, OperationID: "exportInventoryToGit",
			Tag: "git", Summary: "Commit the inventory (import format, YAML) into the source as the actor and push it; also needs inventory:export",
			PathParams: src, Body: GitExportRequest{}, Long: true, Status: http.StatusOK, Result: unet.GitExportResult{}, handle: s.exportInventoryToGit},
		{Method: http.MethodPost, Path: BasePath + "/git/webhooks/{source}", Permission: PermPublic, OperationID: "receiveGitWebhook",
			Tag: "git", Summary: "Webhook receiver: a delivery signed with the source's webhook secret queues a sync (404 without a receiver, 401 when unsigned or badly signed, 503 when busy)",
			PathParams: []Param{{Name: "source", Type: "string", Description: "Git source name"}},
			Body:       map[string]any{}, BodyLimit: WebhookBodyLimit, Status: http.StatusAccepted, Result: GitWebhookAnswer{},
			handle: s.gitWebhook},
	}
}

func gitTriggerParam() Param {
	return Param{Name: "trigger", Type: "string", Description: "trigger recorded in the history: api (default) or manual"}
}
