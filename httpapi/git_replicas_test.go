package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync/webhook"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// secondServer starts another API server over ts's database, as a second
// replica behind a load balancer would be.
func secondServer(t *testing.T, ts *testServer) *testServer {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite://"+ts.file)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	svc.SetGitAllowLocalURLs(true)
	api, err := httpapi.New(svc, httpapi.Options{Secrets: svc, Ready: httpapi.DatabaseReady(db, ts.file)})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(func() {
		hs.Close()
		db.Close()
	})
	return &testServer{Server: hs, api: api, db: db, svc: svc, file: ts.file}
}

// TestGitWebhookRedeliveryToAnotherReplica: a delivery handled by one
// replica is recognised as a duplicate by another, by id and by body, since
// the deliveries seen are kept in the database.
func TestGitWebhookRedeliveryToAnotherReplica(t *testing.T) {
	one := startServer(t, httpapi.Options{})
	two := secondServer(t, one)
	ctx := context.Background()
	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base")})
	const sec = "s3cret-webhook"
	src := unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies, WebhookSecretRef: secretFile(t, one.svc, sec)}
	if _, err := one.svc.AddGitSource(ctx, &src, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"ref":"refs/heads/main","after":"` + c1 + `"}`)
	const path = "/api/v1/git/webhooks/net"
	deliver := func(ts *testServer, b []byte, id string) httpapi.GitWebhookAnswer {
		t.Helper()
		a := ts.send(t, http.MethodPost, path, b, webhook.HeaderGitHubSignature, githubSignature(b, sec), "X-GitHub-Delivery", id)
		var ans httpapi.GitWebhookAnswer
		a.decode(t, &ans)
		return ans
	}
	if ans := deliver(one, body, "d1"); !ans.Queued || ans.Duplicate {
		t.Fatalf("first delivery: %+v", ans)
	}
	waitFor(t, "the webhook sync", func() bool { return gitStatusOf(t, one, "net").ActiveCommit == c1 })
	if ans := deliver(two, body, "d1"); ans.Queued || !ans.Duplicate {
		t.Fatalf("the same delivery to the other replica: %+v", ans)
	}
	if ans := deliver(two, body, "d2"); ans.Queued || !ans.Duplicate {
		t.Fatalf("the same body with a fresh id to the other replica: %+v", ans)
	}
	other := []byte(`{"ref":"refs/heads/main","after":"` + c1 + `","n":2}`)
	if ans := deliver(two, other, "d1"); ans.Queued || !ans.Duplicate {
		t.Fatalf("a new body with a seen id to the other replica: %+v", ans)
	}
	before := *gitStatusOf(t, one, "net").LastAttempt
	third := []byte(`{"ref":"refs/heads/main","after":"` + c1 + `","n":3}`)
	if ans := deliver(two, third, "d3"); !ans.Queued || ans.Duplicate {
		t.Fatalf("a new delivery to the other replica: %+v", ans)
	}
	waitFor(t, "the second replica's sync", func() bool {
		st := gitStatusOf(t, two, "net")
		return st.LastAttempt != nil && st.LastAttempt.After(before)
	})
}
