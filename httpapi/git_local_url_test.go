package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// A Git source naming a local path or a file:// URL reads the server's own
// disk: the API refuses it with 422 unless the operator allows local URLs,
// and a source stored before (written straight into the database) is
// refused when it is synced.
func TestGitLocalURLsRefusedByDefault(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	ts.svc.SetGitAllowLocalURLs(false) // the default of service.New and unet serve
	repo := testutil.NewGitRepo(t, "net")
	for _, u := range []string{"file:///etc", "/etc", repo.URL(), repo.Bare} {
		a := ts.send(t, http.MethodPost, "/api/v1/git/sources", map[string]any{"name": "local", "url": u, "kind": "policies"})
		if a.status != http.StatusUnprocessableEntity || !strings.Contains(string(a.body), `"url"`) || !strings.Contains(string(a.body), "allow_local_urls") {
			t.Errorf("POST url %s: %d %s, want 422 naming url and allow_local_urls", u, a.status, a.body)
		}
	}
	if a := ts.send(t, http.MethodPost, "/api/v1/git/sources", map[string]any{"name": "remote", "url": "https://git.example.net/net.git", "kind": "policies"}); a.status != http.StatusCreated {
		t.Errorf("remote URL: %d %s", a.status, a.body)
	}

	ctx := context.Background()
	now := time.Now().UTC()
	if err := ts.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		return tx.InsertGitSource(ctx, &unet.GitSource{Name: "old", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies, CreatedAt: now, UpdatedAt: now})
	}); err != nil {
		t.Fatal(err)
	}
	if a := ts.send(t, http.MethodPost, "/api/v1/git/sources/old/sync", nil); a.status < 400 || !strings.Contains(string(a.body), "allow_local_urls") {
		t.Errorf("sync of a stored local source: %d %s, want a refusal", a.status, a.body)
	}

	// With the operator's permission, local repositories work.
	ts.svc.SetGitAllowLocalURLs(true)
	if a := ts.send(t, http.MethodPost, "/api/v1/git/sources", map[string]any{"name": "local", "url": repo.URL(), "kind": "policies"}); a.status != http.StatusCreated {
		t.Errorf("local URL when allowed: %d %s", a.status, a.body)
	}
}
