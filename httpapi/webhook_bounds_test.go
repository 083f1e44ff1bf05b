package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync/webhook"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// countingBody yields size bytes and counts how many the client pulled.
type countingBody struct {
	size   int64
	pulled atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	left := b.size - b.pulled.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	for i := range p {
		p[i] = 'x'
	}
	b.pulled.Add(int64(len(p)))
	return len(p), nil
}

// postStream posts body without a Content-Length (chunked), as a sender that
// does not announce its size does.
func postStream(t *testing.T, ts *testServer, path string, body io.Reader, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, io.NopCloser(body))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

// TestWebhookRefusedBeforeTheBodyIsRead posts 64 MiB bodies that the
// receiver has no reason to read: to an unknown source (404), to a source
// without a webhook secret (404), unsigned (401) and with a wrong GitLab
// token (401). Each is answered after at most a small part of the body was
// sent, where reading first would have consumed the 25 MiB limit.
func TestWebhookRefusedBeforeTheBodyIsRead(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	ctx := context.Background()
	for _, src := range []unet.GitSource{
		{Name: "net", URL: "file:///nonexistent/net.git", Branch: "main", Kind: unet.GitKindPolicies, WebhookSecretRef: secretFile(t, ts.svc, "s3cret")},
		{Name: "open", URL: "file:///nonexistent/net.git", Branch: "main", Kind: unet.GitKindPolicies},
	} {
		if _, err := ts.svc.AddGitSource(ctx, &src, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	sig := "sha256=" + strings.Repeat("ab", 32)
	for _, c := range []struct {
		name, path string
		headers    []string
		status     int
		code       string
	}{
		{"unknown source", "/api/v1/git/webhooks/nope", []string{webhook.HeaderGitHubSignature, sig}, http.StatusNotFound, unet.ENOTFOUND},
		{"source without a secret", "/api/v1/git/webhooks/open", []string{webhook.HeaderGitHubSignature, sig}, http.StatusNotFound, unet.ENOTFOUND},
		{"unsigned", "/api/v1/git/webhooks/net", nil, http.StatusUnauthorized, unet.EUNAUTHORIZED},
		{"wrong GitLab token", "/api/v1/git/webhooks/net", []string{webhook.HeaderGitLabToken, "guess"}, http.StatusUnauthorized, unet.EUNAUTHORIZED},
	} {
		body := &countingBody{size: 64 << 20}
		a := postStream(t, ts, c.path, body, c.headers...)
		if p := a.problem(t); a.status != c.status || p.Code != c.code {
			t.Errorf("%s: %d %s", c.name, a.status, a.body)
		}
		if n := body.pulled.Load(); n >= 16<<20 {
			t.Errorf("%s: the client had to send %d bytes before the answer", c.name, n)
		}
	}
	if st := gitStatusOf(t, ts, "net"); st.LastAttempt != nil {
		t.Fatalf("a refused delivery synced: %+v", st)
	}
}

// TestWebhookConcurrencyLimit holds MaxWebhookConcurrency deliveries in the
// middle of their bodies: one more is answered 503 with Retry-After at once,
// even when it holds its own body open; when they end, deliveries are served
// again.
func TestWebhookConcurrencyLimit(t *testing.T) {
	ts := startServer(t, httpapi.Options{MaxWebhookConcurrency: 2})
	if _, err := ts.svc.AddGitSource(context.Background(), &unet.GitSource{Name: "net", URL: "file:///nonexistent/net.git",
		Branch: "main", Kind: unet.GitKindPolicies, WebhookSecretRef: secretFile(t, ts.svc, "s3cret")}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	const path = "/api/v1/git/webhooks/net"
	var a answer
	held := holdSlots(t, ts, 2, path, `{"partial":`, []string{webhook.HeaderGitHubSignature, "sha256=" + strings.Repeat("ab", 32)}, func() bool {
		a = ts.send(t, http.MethodPost, path, []byte(`{}`))
		return a.status != http.StatusUnauthorized
	})
	if p := a.problem(t); a.status != http.StatusServiceUnavailable || p.Code != unet.EUNAVAILABLE ||
		a.header.Get("Retry-After") == "" || !strings.Contains(p.Detail, "max_webhook_concurrency") {
		t.Fatalf("delivery over the limit: %d %v %s", a.status, a.header, a.body)
	}
	// A delivery over the limit that holds its body open is refused at once
	// too: the server does not wait for the rest of a body it will not read.
	extra := holdRequest(t, ts, path, `{"partial":`, webhook.HeaderGitHubSignature, "sha256="+strings.Repeat("ab", 32))
	defer extra.conn.Close()
	select {
	case st := <-extra.done:
		if st != http.StatusServiceUnavailable {
			t.Fatalf("held delivery over the limit: %d, want 503", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a held delivery over the limit got no answer: the server waits for its body")
	}
	for _, h := range held {
		if st := h.release(); st != http.StatusUnauthorized {
			t.Fatalf("held delivery: %d, want 401", st)
		}
	}
	if a := ts.send(t, http.MethodPost, path, []byte(`{}`)); a.status != http.StatusUnauthorized {
		t.Fatalf("delivery after the held ones ended: %d %s", a.status, a.body)
	}
}

// gatedGit serves a repository over smart HTTP through a proxy that counts
// the fetches (GET info/refs) and holds each until the gate opens.
type gatedGit struct {
	url     string
	fetches atomic.Int64
	gate    chan struct{}
	once    sync.Once
}

// open lets the held fetches and all later ones through.
func (g *gatedGit) open() { g.once.Do(func() { close(g.gate) }) }

func newGatedGit(t *testing.T, repo *testutil.GitRepo) *gatedGit {
	t.Helper()
	upstream := testutil.ServeGitHTTP(t, repo.Root, "", "")
	target, err := url.Parse(upstream.URL)
	if err != nil {
		t.Fatal(err)
	}
	g := &gatedGit{gate: make(chan struct{})}
	proxy := httputil.NewSingleHostReverseProxy(target)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/info/refs") {
			g.fetches.Add(1)
			select {
			case <-g.gate:
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	t.Cleanup(g.open) // before hs.Close, which waits for held fetches
	g.url = hs.URL + "/" + repo.Name
	return g
}

// TestWebhookSyncsCoalescedAndReplaysIgnored sends, while the first sync's
// fetch is held, ten more signed deliveries with new bodies and signed
// bodies replayed with fresh delivery ids (the id header is not signed).
// The new deliveries add one pending sync between them, the replays none:
// the repository is fetched twice in all, which Serve's graceful shutdown
// (it waits for webhook syncs) lets the test count exactly.
func TestWebhookSyncsCoalescedAndReplaysIgnored(t *testing.T) {
	ctx := context.Background()
	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base")})
	git := newGatedGit(t, repo)

	file := filepath.Join(t.TempDir(), "unet.db")
	db, err := sqlstore.Open(ctx, "sqlite://"+file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	svc.SetGitAllowLocalURLs(true)
	const sec = "s3cret-webhook"
	if _, err := svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: git.url, Branch: "main", Kind: unet.GitKindPolicies,
		WebhookSecretRef: secretFile(t, svc, sec)}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(svc, httpapi.Options{Secrets: svc, ShutdownTimeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- api.Serve(sctx, ln) }()
	base := "http://" + ln.Addr().String()
	defer func() {
		stop()
		<-served
	}()

	const path = "/api/v1/git/webhooks/net"
	deliver := func(body, id string) httpapi.GitWebhookAnswer {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(webhook.HeaderGitHubSignature, githubSignature([]byte(body), sec))
		req.Header.Set("X-GitHub-Delivery", id)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		var ans httpapi.GitWebhookAnswer
		answer{status: resp.StatusCode, body: data}.decode(t, &ans)
		if ans.Duplicate != (resp.StatusCode == http.StatusOK) || ans.Queued != (resp.StatusCode == http.StatusAccepted) {
			t.Fatalf("delivery %s: %d %s", id, resp.StatusCode, data)
		}
		return ans
	}
	push := func(n int) string { return fmt.Sprintf(`{"ref":"refs/heads/main","after":"%s","n":%d}`, c1, n) }
	if ans := deliver(push(0), "d0"); !ans.Queued || ans.Sync != "started" {
		t.Fatalf("first delivery: %+v", ans)
	}
	syncs := map[string]int{}
	for i := 1; i <= 10; i++ {
		ans := deliver(push(i), fmt.Sprint("d", i))
		if !ans.Queued {
			t.Fatalf("delivery %d: %+v", i, ans)
		}
		syncs[ans.Sync]++
	}
	if syncs["pending"] != 1 || syncs["coalesced"] != 9 {
		t.Fatalf("deliveries while a sync runs: %v, want 1 pending and 9 coalesced", syncs)
	}
	for i := range 20 {
		if ans := deliver(push(i%3), fmt.Sprint("replay-", i)); !ans.Duplicate {
			t.Fatalf("signed body replayed with a fresh id %d: %+v", i, ans)
		}
	}
	if ans := deliver(push(99), "d1"); !ans.Duplicate {
		t.Fatalf("new body with a used delivery id: %+v", ans)
	}

	git.open()
	stop()
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
	served <- nil
	if n := git.fetches.Load(); n != 2 {
		t.Fatalf("the repository was fetched %d times, want 2 (the first sync and one pending)", n)
	}
	st, err := svc.GitStatus(ctx, "net")
	if err != nil || len(st) != 1 || st[0].ActiveCommit != c1 {
		t.Fatalf("status after the syncs: %v %+v", err, st)
	}
}
