package httpapi_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/cli"
	"github.com/unet-dev/unet/gitsync/webhook"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
)

func gitRule(id string) string {
	return "RULE \"" + id + "\" SEVERITY low\nWHEN node.lifecycle == \"live\"\nTHEN ASSERT node.role IS NOT NULL\n"
}

const brokenRule = "RULE \"broken\"\nWHEN node.role ==\nTHEN ASSERT true\n"

// secretFile writes value into a file and returns its secret reference.
// secretFile writes value into the secrets/ directory of the service's data
// directory, which the default allow-list admits, and returns its reference.
func secretFile(t *testing.T, svc *service.Service, value string) string {
	t.Helper()
	dir := filepath.Join(svc.GitDataDir(), "secrets", "git")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "webhook-secret")
	if err := os.WriteFile(p, []byte(value+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return "file:" + p
}

// gitProblem is a problem document with the partial result of a Git
// operation.
type gitProblem struct {
	httpapi.Problem
	Result json.RawMessage `json:"result"`
}

func envOf(t *testing.T, st unet.GitStatus, name string) unet.GitEnvStatus {
	t.Helper()
	for _, e := range st.Environments {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("status of %s has no environment %s: %+v", st.Name, name, st.Environments)
	return unet.GitEnvStatus{}
}

func gitStatusOf(t *testing.T, ts *testServer, name string) unet.GitStatus {
	t.Helper()
	a := ts.send(t, http.MethodGet, "/api/v1/git/sources/"+name+"/status", nil)
	if a.status != http.StatusOK {
		t.Fatalf("status of %s: %d %s", name, a.status, a.body)
	}
	var st unet.GitStatus
	a.decode(t, &st)
	return st
}

// TestGitRoutes drives the Git routes over HTTP against a real repository
// served over file://: sources, sync (a rejected commit answers 422 with the
// report and file:line), status, history, pin, unpin, promotion and removal,
// and the same through the remote client.
func TestGitRoutes(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	ctx := unet.WithActor(context.Background(), "alice")
	c := ts.client(t, "alice")
	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base")})
	repo.Branch("staging", "main")

	src := unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies,
		Environments: map[string]string{"staging": "staging"}, Interval: "10m"}
	a := ts.send(t, http.MethodPost, "/api/v1/git/sources?reason=intent", src)
	if a.status != http.StatusCreated || a.header.Get("Location") != "/api/v1/git/sources/net" {
		t.Fatalf("create: %d %v %s", a.status, a.header, a.body)
	}
	if a = ts.send(t, http.MethodPost, "/api/v1/git/sources", src); a.status != http.StatusConflict {
		t.Fatalf("duplicate create: %d %s", a.status, a.body)
	}
	bad := src
	bad.Name, bad.Kind = "pictures", "pictures"
	if a = ts.send(t, http.MethodPost, "/api/v1/git/sources", bad); a.status != http.StatusUnprocessableEntity || a.problem(t).Code != unet.EINVALID {
		t.Fatalf("invalid create: %d %s", a.status, a.body)
	}
	var list unet.List[unet.GitSource]
	ts.send(t, http.MethodGet, "/api/v1/git/sources", nil).decode(t, &list)
	if list.Total != 1 || list.Items[0].Name != "net" || list.Items[0].Environments["staging"] != "staging" {
		t.Fatalf("list: %+v", list)
	}
	if a = ts.send(t, http.MethodGet, "/api/v1/git/sources/nope", nil); a.status != http.StatusNotFound {
		t.Fatalf("get unknown: %d %s", a.status, a.body)
	}
	if a = ts.send(t, http.MethodGet, "/api/v1/git/sources/nope/status", nil); a.status != http.StatusNotFound {
		t.Fatalf("status of unknown: %d %s", a.status, a.body)
	}

	// First sync: both environments activate c1.
	a = ts.send(t, http.MethodPost, "/api/v1/git/sources/net/sync", nil)
	if a.status != http.StatusOK {
		t.Fatalf("sync: %d %s", a.status, a.body)
	}
	var rep httpapi.GitSyncReport
	a.decode(t, &rep)
	if len(rep.Results) != 1 || rep.Results[0].Trigger != httpapi.TriggerAPI || len(rep.Results[0].Environments) != 2 {
		t.Fatalf("sync report: %s", a.body)
	}
	for _, e := range rep.Results[0].Environments {
		if e.Outcome != unet.GitActivated || e.Commit != c1 {
			t.Fatalf("sync entry: %+v", e)
		}
	}
	st := gitStatusOf(t, ts, "net")
	if st.ActiveCommit != c1 || st.ActiveMessage != "baseline" || envOf(t, st, "staging").ActiveCommit != c1 || st.NextRun == nil || len(st.Files) != 1 {
		t.Fatalf("status: %+v", st)
	}
	if a = ts.send(t, http.MethodPost, "/api/v1/git/sources/net/sync?trigger=schedule", nil); a.status != http.StatusBadRequest {
		t.Fatalf("sync with a server trigger: %d %s", a.status, a.body)
	}

	// A commit that does not parse: 422, the report in the problem, c1 stays.
	repo.Commit("main", "broken", map[string]string{"bad.rules": brokenRule})
	a = ts.send(t, http.MethodPost, "/api/v1/git/sync", nil)
	if a.status != http.StatusUnprocessableEntity {
		t.Fatalf("sync of a broken commit: %d %s", a.status, a.body)
	}
	var gp gitProblem
	a.decode(t, &gp)
	if p := a.problem(t); p.Code != unet.EINVALID || len(p.Errors) == 0 || !strings.Contains(p.Errors[0].Message, "bad.rules:3:1") {
		t.Fatalf("problem: %s", a.body)
	}
	if err := json.Unmarshal(gp.Result, &rep); err != nil || len(rep.Results) != 1 || rep.Results[0].Environments[0].Outcome != unet.GitRejected {
		t.Fatalf("report in the problem: %v %s", err, a.body)
	}
	if st = gitStatusOf(t, ts, "net"); st.ActiveCommit != c1 || !strings.Contains(st.LastError, "bad.rules:3:1") {
		t.Fatalf("status after a rejected commit: %+v", st)
	}

	// The client returns the report together with the error, as locally.
	res, err := c.SyncGitSource(ctx, "net", "manual")
	if unet.ErrorCode(err) != unet.EINVALID || len(res) != 1 || res[0].Trigger != "manual" ||
		!strings.Contains(err.Error(), "previous snapshot stays active") {
		t.Fatalf("client sync of a broken commit: %v %+v", err, res)
	}
	c3 := repo.Commit("main", "fixed", map[string]string{"bad.rules": gitRule("fixed")})
	if res, err = c.SyncGitSource(ctx, "", "manual"); err != nil || res[0].Environments[0].Outcome != unet.GitActivated || res[0].Environments[0].Commit != c3 {
		t.Fatalf("client sync of all sources: %v %+v", err, res)
	}
	if _, err := c.SyncGitSource(ctx, "nope", ""); unet.ErrorCode(err) != unet.ENOTFOUND {
		t.Fatalf("client sync of an unknown source: %v", err)
	}

	// History, newest first, with the triggers.
	var hist unet.List[unet.GitSyncEntry]
	ts.send(t, http.MethodGet, "/api/v1/git/sources/net/history?limit=2", nil).decode(t, &hist)
	if hist.Total != 2 || hist.Items[0].Outcome != unet.GitActivated || hist.Items[0].Trigger != "manual" || hist.Items[1].Outcome != unet.GitRejected {
		t.Fatalf("history: %+v", hist.Items)
	}
	if a = ts.send(t, http.MethodGet, "/api/v1/git/sources/net/history?limit=-1", nil); a.status != http.StatusBadRequest {
		t.Fatalf("negative limit: %d", a.status)
	}
	log, err := c.GitLog(ctx, "net", 0)
	if err != nil || len(log) < 4 || log[len(log)-1].Trigger != httpapi.TriggerAPI {
		t.Fatalf("client log: %v %+v", err, log)
	}

	// Pin c1 (abbreviated) in the default environment, then unpin.
	a = ts.send(t, http.MethodPost, "/api/v1/git/sources/net/pin", httpapi.GitPinRequest{Commit: c1[:10]})
	var pinned unet.GitSyncEntry
	if a.decode(t, &pinned); a.status != http.StatusOK || pinned.Commit != c1 {
		t.Fatalf("pin: %d %s", a.status, a.body)
	}
	if st = gitStatusOf(t, ts, "net"); st.ActiveCommit != c1 || !st.Pinned {
		t.Fatalf("status when pinned: %+v", st)
	}
	if got, err := c.GetGitSource(ctx, "net"); err != nil || got.Pinned["default"] != c1 {
		t.Fatalf("source when pinned: %v %+v", err, got)
	}
	if a = ts.send(t, http.MethodPost, "/api/v1/git/sources/net/pin", httpapi.GitPinRequest{Commit: "main"}); a.status != http.StatusBadRequest {
		t.Fatalf("pin to a branch name: %d %s", a.status, a.body)
	}
	if a = ts.send(t, http.MethodPost, "/api/v1/git/sources/net/pin", map[string]string{"env": "qa", "commit": c1}); a.status != http.StatusBadRequest {
		t.Fatalf("pin of an unknown environment: %d %s", a.status, a.body)
	}
	a = ts.send(t, http.MethodPost, "/api/v1/git/sources/net/unpin", httpapi.GitUnpinRequest{})
	var unpinned unet.GitSyncResult
	if a.decode(t, &unpinned); a.status != http.StatusOK || len(unpinned.Environments) != 1 || unpinned.Environments[0].Commit != c3 {
		t.Fatalf("unpin: %d %s", a.status, a.body)
	}
	if st = gitStatusOf(t, ts, "net"); st.ActiveCommit != c3 || st.Pinned {
		t.Fatalf("status after unpin: %+v", st)
	}
	if e, err := c.PinGitSource(ctx, "net", "staging", c1); err != nil || e.Environment != "staging" {
		t.Fatalf("client pin: %v %+v", err, e)
	}
	if r, err := c.UnpinGitSource(ctx, "net", "staging"); err != nil || r.Environments[0].Environment != "staging" {
		t.Fatalf("client unpin: %v %+v", err, r)
	}

	// Promote the default environment to staging: a fast-forward push.
	pr, err := c.PromoteGitSource(ctx, "net", "default", "staging", "")
	if err != nil || pr.Kind != "fast_forward" || pr.TargetAfter != c3 || repo.Head("staging") != c3 {
		t.Fatalf("promote: %v %+v", err, pr)
	}
	if st = gitStatusOf(t, ts, "net"); envOf(t, st, "staging").ActiveCommit != c3 {
		t.Fatalf("staging after promotion: %+v", st)
	}
	if a = ts.send(t, http.MethodPost, "/api/v1/git/sources/net/promote", httpapi.GitPromoteRequest{From: "default", To: "staging", Prefer: "mine"}); a.status != http.StatusBadRequest {
		t.Fatalf("promote with a bad prefer: %d %s", a.status, a.body)
	}

	// Every activation, pin and promotion is in the change log, by alice.
	chg, err := c.ListChanges(ctx, unet.ChangeFilter{Object: unet.KindGitSource + "/net"})
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	for _, ch := range chg.Items {
		ops[ch.Op]++
	}
	if ops[unet.OpCreate] != 1 || ops[unet.OpActivate] < 3 || ops[unet.OpPin] != 2 || ops[unet.OpPromote] != 1 {
		t.Fatalf("change log ops: %v", ops)
	}

	// Remove.
	if a = ts.send(t, http.MethodDelete, "/api/v1/git/sources/net?reason=gone", nil); a.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", a.status, a.body)
	}
	if _, err := c.GetGitSource(ctx, "net"); unet.ErrorCode(err) != unet.ENOTFOUND {
		t.Fatalf("get after delete: %v", err)
	}
	if err := c.RemoveGitSource(ctx, "net", unet.DeleteOptions{}); unet.ErrorCode(err) != unet.ENOTFOUND {
		t.Fatalf("delete twice: %v", err)
	}
	if sts, err := c.GitStatus(ctx, ""); err != nil || len(sts) != 0 {
		t.Fatalf("status without sources: %v %+v", err, sts)
	}
}

// TestGitPromoteConflictOverHTTP checks that a promotion stopped by files
// both sides changed answers 409 with the conflicts, through the client too.
func TestGitPromoteConflictOverHTTP(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	ctx := unet.WithActor(context.Background(), "alice")
	c := ts.client(t, "alice")
	repo := testutil.NewGitRepo(t, "net")
	repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base")})
	repo.Branch("staging", "main")
	repo.Branch("production", "main")
	repo.Commit("staging", "staging change", map[string]string{"base.rules": gitRule("staging")})
	repo.Commit("production", "hotfix", map[string]string{"base.rules": gitRule("hotfix")})
	prodTip := repo.Head("production")
	if _, err := c.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Kind: unet.GitKindPolicies,
		Environments: map[string]string{"staging": "staging", "production": "production"}}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SyncGitSource(ctx, "net", ""); err != nil {
		t.Fatal(err)
	}
	a := ts.send(t, http.MethodPost, "/api/v1/git/sources/net/promote", httpapi.GitPromoteRequest{From: "staging", To: "production"})
	if a.status != http.StatusConflict {
		t.Fatalf("promote with a conflict: %d %s", a.status, a.body)
	}
	if p := a.problem(t); p.Code != unet.ECONFLICT || len(p.Errors) != 1 || p.Errors[0].File != "base.rules" {
		t.Fatalf("problem: %s", a.body)
	}
	res, err := c.PromoteGitSource(ctx, "net", "staging", "production", "")
	if unet.ErrorCode(err) != unet.ECONFLICT || res == nil || len(res.Conflicts) != 1 || res.Conflicts[0].Path != "base.rules" ||
		res.Conflicts[0].SourceHash == "" || res.Conflicts[0].TargetHash == "" {
		t.Fatalf("client promote with a conflict: %v %+v", err, res)
	}
	if repo.Head("production") != prodTip {
		t.Fatal("a conflicting promotion pushed")
	}
	if res, err = c.PromoteGitSource(ctx, "net", "staging", "production", "source"); err != nil || res.Kind != "merge" {
		t.Fatalf("promote --prefer source: %v %+v", err, res)
	}
	if got := repo.Show("production", "base.rules"); got != strings.TrimSpace(gitRule("staging")) && got != gitRule("staging") {
		t.Fatalf("production after the merge: %q", got)
	}
}

// githubSignature is the X-Hub-Signature-256 value GitHub sends.
func githubSignature(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestGitWebhooks sends real signed deliveries: GitHub HMAC, GitLab token and
// generic HMAC; wrong secrets and unsigned deliveries are refused with 401,
// unknown sources and sources without a secret with 404; a replayed delivery
// id or body is ignored and starts no sync.
func TestGitWebhooks(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	ctx := context.Background()
	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base")})
	const sec = "s3cret-webhook"
	for _, src := range []unet.GitSource{
		{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies, WebhookSecretRef: secretFile(t, ts.svc, sec)},
		{Name: "open", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies},
		{Name: "lost", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies, WebhookSecretRef: "file:" + filepath.Join(ts.svc.GitDataDir(), "secrets", "git", "missing")},
	} {
		if _, err := ts.svc.AddGitSource(ctx, &src, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	body := []byte(`{"ref":"refs/heads/main","after":"` + c1 + `"}`)
	const path = "/api/v1/git/webhooks/net"
	refused := func(what string, a answer, detail string) {
		t.Helper()
		p := a.problem(t)
		if a.status != http.StatusUnauthorized || p.Code != unet.EUNAUTHORIZED || !strings.Contains(p.Detail, detail) {
			t.Fatalf("%s: %d %s", what, a.status, a.body)
		}
	}
	refused("unsigned", ts.send(t, http.MethodPost, path, body, "X-GitHub-Delivery", "d0"), "not signed")
	refused("wrong secret", ts.send(t, http.MethodPost, path, body, webhook.HeaderGitHubSignature, githubSignature(body, "guess"),
		"X-GitHub-Delivery", "d0"), "does not match")
	refused("tampered body", ts.send(t, http.MethodPost, path, append([]byte(" "), body...), webhook.HeaderGitHubSignature,
		githubSignature(body, sec)), "does not match")
	refused("wrong GitLab token", ts.send(t, http.MethodPost, path, body, webhook.HeaderGitLabToken, "guess"), "does not match")
	refused("wrong generic HMAC", ts.send(t, http.MethodPost, path, body, webhook.HeaderSignature, webhook.Sign(body, []byte("guess"))), "does not match")
	for _, name := range []string{"nope", "open"} {
		a := ts.send(t, http.MethodPost, "/api/v1/git/webhooks/"+name, body, webhook.HeaderGitHubSignature, githubSignature(body, sec))
		if p := a.problem(t); a.status != http.StatusNotFound || p.Code != unet.ENOTFOUND || !strings.Contains(p.Detail, "no webhook receiver") {
			t.Fatalf("delivery for %s: %d %s", name, a.status, a.body)
		}
	}
	if a := ts.send(t, http.MethodPost, "/api/v1/git/webhooks/lost", body, webhook.HeaderGitHubSignature, githubSignature(body, sec)); a.status != http.StatusServiceUnavailable ||
		strings.Contains(string(a.body), "missing") {
		t.Fatalf("unresolvable secret: %d %s", a.status, a.body)
	}
	// The refused deliveries did not consume their delivery id, nor sync.
	if st := gitStatusOf(t, ts, "net"); st.LastAttempt != nil {
		t.Fatalf("a refused delivery synced: %+v", st)
	}

	// A GitHub delivery: 202, the sync runs in the background.
	a := ts.send(t, http.MethodPost, path, body, webhook.HeaderGitHubSignature, githubSignature(body, sec), "X-GitHub-Delivery", "d0",
		"X-GitHub-Event", "push")
	var ans httpapi.GitWebhookAnswer
	if a.decode(t, &ans); a.status != http.StatusAccepted || !ans.Queued || ans.Source != "net" || ans.Provider != "github" || ans.Delivery != "github:d0" {
		t.Fatalf("signed delivery: %d %s", a.status, a.body)
	}
	waitFor(t, "the webhook sync", func() bool { return gitStatusOf(t, ts, "net").ActiveCommit == c1 })
	hist, err := ts.svc.GitLog(ctx, "net", 0)
	if err != nil || len(hist) != 1 || hist[0].Trigger != httpapi.TriggerWebhook || hist[0].Outcome != unet.GitActivated {
		t.Fatalf("history after the webhook: %v %+v", err, hist)
	}

	// A replay of the same delivery is acknowledged and ignored: no sync.
	c2 := repo.Commit("main", "second", map[string]string{"second.rules": gitRule("second")})
	before := gitStatusOf(t, ts, "net")
	a = ts.send(t, http.MethodPost, path, body, webhook.HeaderGitHubSignature, githubSignature(body, sec), "X-GitHub-Delivery", "d0")
	ans = httpapi.GitWebhookAnswer{}
	if a.decode(t, &ans); a.status != http.StatusOK || ans.Queued || !ans.Duplicate {
		t.Fatalf("replayed delivery: %d %s", a.status, a.body)
	}
	time.Sleep(300 * time.Millisecond)
	if st := gitStatusOf(t, ts, "net"); st.ActiveCommit != c1 || !st.LastAttempt.Equal(*before.LastAttempt) {
		t.Fatalf("a replayed delivery synced: %+v", st)
	}

	// A GitLab delivery (the token is the secret) activates the new commit.
	body = []byte(`{"ref":"refs/heads/main","after":"` + c2 + `"}`)
	a = ts.send(t, http.MethodPost, path, body, webhook.HeaderGitLabToken, sec, "X-Gitlab-Event-UUID", "e1")
	ans = httpapi.GitWebhookAnswer{}
	if a.decode(t, &ans); a.status != http.StatusAccepted || ans.Provider != "gitlab" {
		t.Fatalf("GitLab delivery: %d %s", a.status, a.body)
	}
	waitFor(t, "the GitLab webhook sync", func() bool { return gitStatusOf(t, ts, "net").ActiveCommit == c2 })

	// A generic HMAC delivery without an id is a duplicate when its body was
	// seen before.
	for i, want := range []int{http.StatusAccepted, http.StatusOK} {
		body := []byte(`{"generic":true}`)
		a = ts.send(t, http.MethodPost, path, body, webhook.HeaderSignature, webhook.Sign(body, []byte(sec)))
		ans = httpapi.GitWebhookAnswer{}
		if a.decode(t, &ans); a.status != want || ans.Provider != "hmac" || ans.Duplicate != (want == http.StatusOK) {
			t.Fatalf("generic delivery %d: %d %s", i, a.status, a.body)
		}
	}
	c3 := repo.Commit("main", "third", map[string]string{"third.rules": gitRule("third")})
	body = []byte(`{"ref":"refs/heads/main","after":"` + c3 + `"}`)
	a = ts.send(t, http.MethodPost, path, body, webhook.HeaderGiteaSignature, webhook.Sign(body, []byte(sec)), "X-Gitea-Delivery", "g1")
	if a.status != http.StatusAccepted {
		t.Fatalf("Gitea delivery: %d %s", a.status, a.body)
	}
	waitFor(t, "the Gitea webhook sync", func() bool { return gitStatusOf(t, ts, "net").ActiveCommit == c3 })
	// Let the other queued syncs finish before the database closes.
	waitFor(t, "the queued syncs", func() bool {
		st := gitStatusOf(t, ts, "net")
		return st.LastAttempt != nil && time.Since(*st.LastAttempt) > 500*time.Millisecond
	})
}

// TestGitRemoteCLIMatchesLocal runs `unet git status` against the server and
// locally on the same database: the outputs are the same.
func TestGitRemoteCLIMatchesLocal(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	repo := testutil.NewGitRepo(t, "net")
	repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base")})
	repo.Commit("main", "broken", map[string]string{"bad.rules": brokenRule})
	run := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := cli.Run(context.Background(), args, cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
		return out.String(), errb.String(), code
	}
	remote := []string{"--server", ts.URL}
	if _, errs, code := run(append(remote, "git", "sources", "add", "net", "--url", repo.URL(), "--kind", "policies",
		"--env", "staging=main", "--interval", "5m")...); code != 0 {
		t.Fatalf("remote sources add: %d %s", code, errs)
	}
	out, errs, code := run(append(remote, "git", "sync", "-o", "table")...)
	if code != 66 || !strings.Contains(out, "rejected") || !strings.Contains(errs, "bad.rules:3:1") {
		t.Fatalf("remote sync of a broken commit: %d\n%s\n%s", code, out, errs)
	}
	local := []string{"--db", "sqlite://" + ts.file}
	for _, args := range [][]string{
		{"git", "status", "-o", "json"},
		{"git", "status", "net", "-o", "table"},
		{"git", "log", "net", "-o", "table"},
		{"git", "sources", "show", "net", "-o", "json"},
	} {
		rout, rerr, rcode := run(append(remote, args...)...)
		lout, lerr, lcode := run(append(local, args...)...)
		if rcode != 0 || rout != lout || rerr != lerr || rcode != lcode {
			t.Fatalf("%v: remote (%d)\n%s%s\nlocal (%d)\n%s%s", args, rcode, rout, rerr, lcode, lout, lerr)
		}
	}
	if _, errs, code := run(append(remote, "git", "pin", "net", "0000000", "-o", "table")...); code == 0 || errs == "" {
		t.Fatalf("remote pin of an unknown commit: %d %s", code, errs)
	}
}

// TestGitPromoteProposedOverHTTP: a promotion an approval rule covers
// answers 202 with the proposed change set (through the client too) and
// pushes nothing; without the rule the same route answers 200 and pushes.
func TestGitPromoteProposedOverHTTP(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	ctx := unet.WithActor(context.Background(), "alice")
	c := ts.client(t, "alice")
	repo := testutil.NewGitRepo(t, "net")
	base := repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base")})
	repo.Branch("production", "main")
	s1 := repo.Commit("main", "more", map[string]string{"more.rules": gitRule("more")})
	if _, err := c.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies,
		Environments: map[string]string{"production": "production"}}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SyncGitSource(ctx, "net", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddApprovalRule(ctx, unet.ApprovalRule{Name: "prod", When: `git_source.to == "production"`, Require: 1}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	a := ts.send(t, http.MethodPost, "/api/v1/git/sources/net/promote", httpapi.GitPromoteRequest{From: "default", To: "production"})
	var res unet.GitPromoteResult
	if a.status != http.StatusAccepted || json.Unmarshal(a.body, &res) != nil || res.Kind != unet.GitPromoteProposed ||
		res.ChangeSet == nil || res.ChangeSet.State != unet.ChangeSetProposed || res.Commit != s1 {
		t.Fatalf("covered promotion: %d %s", a.status, a.body)
	}
	got, err := c.PromoteGit(ctx, unet.GitPromoteRequest{Source: "net", From: "default", To: "production", Propose: true, Reason: "again"})
	if err != nil || got.Kind != unet.GitPromoteProposed || got.ChangeSet == nil || got.ChangeSet.Description != "again" {
		t.Fatalf("client proposal: %v %+v", err, got)
	}
	if repo.Head("production") != base {
		t.Fatal("a proposed promotion pushed")
	}
	if err := c.RemoveApprovalRule(ctx, "prod", unet.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	a = ts.send(t, http.MethodPost, "/api/v1/git/sources/net/promote", httpapi.GitPromoteRequest{From: "default", To: "production"})
	if a.status != http.StatusOK || json.Unmarshal(a.body, &res) != nil || res.Kind != "fast_forward" || repo.Head("production") != s1 {
		t.Fatalf("uncovered promotion: %d %s", a.status, a.body)
	}
}
