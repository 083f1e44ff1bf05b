package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync/webhook"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/telemetry"
)

// Triggers the API records in a source's history.
const (
	// TriggerAPI marks syncs requested through the sync routes.
	TriggerAPI = "api"
	// TriggerWebhook marks syncs queued by a webhook delivery.
	TriggerWebhook = "webhook"
)

// GitProblem is the problem document of a Git operation that failed after
// doing part of its work (a sync whose commit was rejected, a promotion that
// stopped on conflicting files): the problem, plus in Result what the
// operation did, shaped like the route's success answer.
type GitProblem struct {
	Problem
	Result any `json:"result,omitempty"`
}

// writeGitResult answers with result when err is nil; otherwise with a
// problem document carrying result as its "result" member, so that a client
// sees both what happened and why it failed. Internal errors are answered as
// plain problems.
func (s *Server) writeGitResult(w http.ResponseWriter, r *http.Request, result any, err error) error {
	if err == nil {
		s.writeJSON(w, http.StatusOK, result)
		return nil
	}
	var ue *unet.Error
	status := StatusOf(err)
	if result == nil || status == http.StatusInternalServerError || !errors.As(err, &ue) {
		return err
	}
	p := GitProblem{Problem: Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Instance: r.URL.Path,
		RequestID: w.Header().Get(RequestIDHeader), TraceID: telemetry.TraceID(r.Context()), Code: ue.Code, Detail: ue.Message,
		Errors: ue.Fields}, Result: result}
	if p.Detail == "" && ue.Err != nil && len(ue.Fields) == 0 {
		p.Detail = ue.Err.Error()
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	s.writeBody(w, status, ProblemContentType, p)
	return nil
}

func (s *Server) listGitSources(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.ListGitSources(r.Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []unet.GitSource{}
	}
	s.writeJSON(w, http.StatusOK, unet.List[unet.GitSource]{Items: list, Total: len(list)})
	return nil
}

func (s *Server) createGitSource(w http.ResponseWriter, r *http.Request) error {
	var src unet.GitSource
	if err := decodeBody(r, &src); err != nil {
		return err
	}
	out, err := s.svc.AddGitSource(r.Context(), &src, unet.WriteOptions{Reason: r.URL.Query().Get("reason")})
	if err != nil {
		return err
	}
	w.Header().Set("Location", BasePath+"/git/sources/"+url.PathEscape(out.Name))
	s.writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) getGitSource(w http.ResponseWriter, r *http.Request) error {
	src, err := s.svc.GetGitSource(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, src)
	return nil
}

func (s *Server) deleteGitSource(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RemoveGitSource(r.Context(), r.PathValue("name"), unet.DeleteOptions{Reason: r.URL.Query().Get("reason")}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listGitStatus(w http.ResponseWriter, r *http.Request) error {
	sts, err := s.svc.GitStatus(r.Context(), "")
	if err != nil {
		return err
	}
	if sts == nil {
		sts = []unet.GitStatus{}
	}
	s.writeJSON(w, http.StatusOK, unet.List[unet.GitStatus]{Items: sts, Total: len(sts)})
	return nil
}

func (s *Server) getGitStatus(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	sts, err := s.svc.GitStatus(r.Context(), name)
	if err != nil {
		return err
	}
	if len(sts) != 1 {
		return unet.Errorf(unet.ENOTFOUND, "Git source %s not found", name)
	}
	s.writeJSON(w, http.StatusOK, sts[0])
	return nil
}

func (s *Server) listGitHistory(w http.ResponseWriter, r *http.Request) error {
	limit, err := intParam(r.URL.Query(), "limit")
	if err != nil {
		return err
	}
	if limit < 0 {
		return statusError(http.StatusBadRequest, unet.EINVALID, "limit must not be negative")
	}
	log, err := s.svc.GitLog(r.Context(), r.PathValue("name"), limit)
	if err != nil {
		return err
	}
	if log == nil {
		log = []unet.GitSyncEntry{}
	}
	s.writeJSON(w, http.StatusOK, unet.List[unet.GitSyncEntry]{Items: log, Total: len(log)})
	return nil
}

// syncTrigger reads the trigger query parameter: api (default) or manual,
// which the CLI sends so that a remote sync is recorded as a local one is.
// Other triggers (schedule, webhook, ...) belong to the server.
func syncTrigger(q url.Values) (string, error) {
	switch t := q.Get("trigger"); t {
	case "":
		return TriggerAPI, nil
	case TriggerAPI, "manual":
		return t, nil
	default:
		return "", statusError(http.StatusBadRequest, unet.EINVALID, fmt.Sprintf("trigger %q: use api or manual", t))
	}
}

func (s *Server) syncGitSources(w http.ResponseWriter, r *http.Request) error {
	return s.syncGit(w, r, "")
}

func (s *Server) syncGitSource(w http.ResponseWriter, r *http.Request) error {
	return s.syncGit(w, r, r.PathValue("name"))
}

// syncGit syncs one source (all when name is empty). A rejected commit or an
// unreachable remote is answered as a problem (422, 503) whose result member
// holds the report.
func (s *Server) syncGit(w http.ResponseWriter, r *http.Request, name string) error {
	trigger, err := syncTrigger(r.URL.Query())
	if err != nil {
		return err
	}
	res, err := s.svc.SyncGitSource(r.Context(), name, trigger)
	var rep any
	if res != nil {
		rep = GitSyncReport{Results: res}
	}
	return s.writeGitResult(w, r, rep, err)
}

func (s *Server) pinGitSource(w http.ResponseWriter, r *http.Request) error {
	var req GitPinRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if req.Commit == "" {
		return statusError(http.StatusBadRequest, unet.EINVALID, "no commit to pin", unet.FieldError{Field: "commit", Message: "is required"})
	}
	e, err := s.svc.PinGitSource(r.Context(), r.PathValue("name"), req.Env, req.Commit)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) unpinGitSource(w http.ResponseWriter, r *http.Request) error {
	var req GitUnpinRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	res, err := s.svc.UnpinGitSource(r.Context(), r.PathValue("name"), req.Env)
	var out any
	if res != nil {
		out = res
	}
	return s.writeGitResult(w, r, out, err)
}

func (s *Server) promoteGitSource(w http.ResponseWriter, r *http.Request) error {
	var req GitPromoteRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	res, err := s.svc.PromoteGit(r.Context(), unet.GitPromoteRequest{Source: r.PathValue("name"), From: req.From, To: req.To,
		Prefer: req.Prefer, Propose: req.Propose, Emergency: req.Emergency, Reason: req.Reason})
	if err == nil && res != nil && res.Kind == unet.GitPromoteProposed {
		s.writeJSON(w, http.StatusAccepted, res)
		return nil
	}
	var out any
	if res != nil {
		out = res
	}
	return s.writeGitResult(w, r, out, err)
}

// webhookRefused is the answer to a delivery that cannot be authenticated.
func webhookRefused(msg string) error {
	return statusError(http.StatusUnauthorized, unet.EUNAUTHORIZED, msg)
}

// SecretResolver resolves secret references through the operator's
// allow-list; the in-process service implements it. The server needs it for
// one thing: the webhook secret of a Git source, which it must read to verify
// a delivery's signature.
type SecretResolver interface {
	ResolveSecret(ctx context.Context, ref string) (secret.Secret, error)
}

// gitWebhook receives a webhook delivery for a source. In order, each step
// before any work of the next: a slot among MaxWebhookConcurrency (503 with
// Retry-After when none is free); the source, looked up before a byte of the
// body is read (404 when it does not exist or has no webhook secret, or when
// the server has no secret resolver); the signature scheme from the headers
// (401 when unsigned or when a GitLab token does not match); the body,
// streamed through the HMAC and a digest, never held in memory (413 over
// WebhookBodyLimit, 401 when the HMAC does not match); de-duplication by
// delivery id and by body digest (200, duplicate); and last the sync,
// coalesced per source (202, queued).
func (s *Server) gitWebhook(w http.ResponseWriter, r *http.Request) error {
	wr := s.webhooks
	if !wr.tryAcquire() {
		w.Header().Set("Retry-After", "1")
		return statusError(http.StatusServiceUnavailable, unet.EUNAVAILABLE,
			fmt.Sprintf("the server is already handling %d webhook deliveries (max_webhook_concurrency); retry later", cap(wr.slots)))
	}
	defer wr.release()
	name := r.PathValue("source")
	// An unknown source and a source without a secret get the same answer,
	// so that a caller learns nothing more than that no receiver is there.
	src, err := s.svc.GetGitSource(r.Context(), name)
	if err != nil && unet.ErrorCode(err) != unet.ENOTFOUND {
		return err
	}
	if err != nil || src.WebhookSecretRef == "" || s.opts.Secrets == nil {
		return statusError(http.StatusNotFound, unet.ENOTFOUND,
			fmt.Sprintf("no webhook receiver for %q: no such Git source, or it has no webhook secret", name))
	}
	sec, err := s.opts.Secrets.ResolveSecret(r.Context(), src.WebhookSecretRef)
	if err != nil {
		s.log.ErrorContext(r.Context(), "webhook secret cannot be resolved", slog.String("source", name), slog.Any("error", err))
		return statusError(http.StatusServiceUnavailable, unet.EUNAVAILABLE,
			fmt.Sprintf("the webhook secret of Git source %s cannot be resolved on the server", name))
	}
	v, err := webhook.NewVerifier(r.Header, []byte(sec.Reveal()))
	if err == nil {
		if _, err = io.Copy(v, r.Body); err != nil {
			return bodyError(err)
		}
		err = v.Verify()
	}
	switch {
	case errors.Is(err, webhook.ErrUnsigned):
		return webhookRefused("webhook delivery is not signed: send X-Hub-Signature-256, X-Gitlab-Token or an HMAC-SHA256 signature header")
	case err != nil:
		return webhookRefused("webhook signature does not match the secret of Git source " + name)
	}
	provider := v.Provider()
	delivery := webhook.DeliveryID(r.Header)
	ans := GitWebhookAnswer{Source: name, Provider: string(provider), Delivery: delivery}
	if wr.duplicate(r.Context(), name, delivery, v.Digest(), time.Now()) {
		ans.Duplicate = true
		s.log.InfoContext(r.Context(), "duplicate webhook delivery ignored", slog.String("source", name), slog.String("delivery", delivery))
		s.writeJSON(w, http.StatusOK, ans)
		return nil
	}
	ans.Queued = true
	ctx := unet.WithActor(s.bgCtx, "webhook:"+string(provider))
	ans.Sync = wr.syncs.request(ctx, name, func(ctx context.Context) { s.webhookSync(ctx, name, delivery) })
	s.writeJSON(w, http.StatusAccepted, ans)
	return nil
}

// webhookSync runs the sync a delivery queued, bounded by WebhookSyncTimeout,
// and logs its outcome.
func (s *Server) webhookSync(ctx context.Context, name, delivery string) {
	ctx, cancel := context.WithTimeout(ctx, WebhookSyncTimeout)
	defer cancel()
	res, err := s.svc.SyncGitSource(ctx, name, TriggerWebhook)
	attrs := []any{slog.String("source", name), slog.String("delivery", delivery)}
	for _, r := range res {
		for _, e := range r.Environments {
			attrs = append(attrs, slog.String("env:"+e.Environment, e.Outcome+" "+e.Commit))
		}
	}
	if err != nil {
		s.log.WarnContext(ctx, "webhook sync failed", append(attrs, slog.Any("error", err))...)
		return
	}
	s.log.InfoContext(ctx, "webhook sync done", attrs...)
}
