package webui_test

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// TestGitSourcesPage: a real local Git repository as a source. After a
// sync the Git page and the dashboard show the active commit; a commit
// whose rules do not parse is rejected and the page shows its positioned
// problem (file:line:col) while the good commit stays active; a canary is
// listed with its comparison, and its page compares candidate and
// baseline node by node.
func TestGitSourcesPage(t *testing.T) {
	s := startAuthUI(t, sqlstore.SQLite)
	s.svc.SetGitAllowLocalURLs(true) // the test's repository is local
	s.svc.SetGitDataDir(filepath.Join(t.TempDir(), "git"))
	admin := s.token(t, "admin", unet.RoleAdmin)
	viewer := s.token(t, "viewer", unet.RoleViewer)
	if _, err := s.svc.Import(setup(), inventory(4), unet.ImportOptions{}); err != nil {
		t.Fatal(err)
	}

	repo := testutil.NewGitRepo(t, "net")
	good := repo.Commit("main", "baseline rules", map[string]string{"base.rules": `RULE "role-set" SEVERITY high WHEN node.vendor == "cisco" THEN ASSERT node.role IS NOT NULL
`})
	if _, err := s.svc.AddGitSource(setup(), &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.SyncGitSource(setup(), "net", "manual"); err != nil {
		t.Fatal(err)
	}
	page := s.as(t, viewer, http.MethodGet, "/ui/git", "")
	if page.status != http.StatusOK {
		t.Fatalf("GET /ui/git = %d:\n%s", page.status, page.body)
	}
	for _, frag := range []string{`<h2 id="git-h-net">net</h2>`, `<code title="` + good + `">` + good[:12] + `</code>`, "baseline rules", ">activated<", `data-live="git.*,canary.*"`} {
		if !strings.Contains(page.body, frag) {
			t.Errorf("Git page lacks %q:\n%s", frag, page.body)
		}
	}
	home := s.as(t, viewer, http.MethodGet, "/ui/", "")
	if !strings.Contains(home.body, `<code title="`+good+`">`+good[:12]+`</code>`) || !strings.Contains(home.body, `href="/ui/git#git-net"`) {
		t.Errorf("dashboard lacks the active commit:\n%s", home.body)
	}

	// A commit that does not parse: rejected with its position.
	bad := repo.Commit("main", "broken rule", map[string]string{"bad.rules": "RULE \"broken\"\nWHEN node.role ==\nTHEN ASSERT true\n"})
	if _, err := s.svc.SyncGitSource(setup(), "net", "manual"); err == nil {
		t.Fatal("the broken commit was not refused")
	}
	page = s.as(t, viewer, http.MethodGet, "/ui/git", "")
	if !regexp.MustCompile(`<li><code>bad\.rules:\d+:\d+: [^<]+</code></li>`).MatchString(page.body) {
		t.Errorf("Git page lacks the positioned problem:\n%s", page.body)
	}
	for _, frag := range []string{`Rejected <code title="` + bad + `">`, ">rejected<", "broken rule", `<code title="` + good + `">`} {
		if !strings.Contains(page.body, frag) {
			t.Errorf("Git page lacks %q:\n%s", frag, page.body)
		}
	}
	home = s.as(t, viewer, http.MethodGet, "/ui/", "")
	if !regexp.MustCompile(`<span class="status-fail">[^<]*bad\.rules:\d+:\d+`).MatchString(home.body) {
		t.Errorf("dashboard lacks the source's last error:\n%s", home.body)
	}

	// A canary: a candidate that adds a rule node-00001 fails.
	repo.Commit("cand", "stricter", map[string]string{"bad.rules": `RULE "model-set" SEVERITY critical WHEN node.vendor == "cisco" THEN ASSERT node.model IS NOT NULL
`})
	if _, err := s.svc.StartCanary(setup(), unet.CanaryStartRequest{Name: "strict", Source: "net", Branch: "cand",
		Selector: `node.name == "node-00001"`, TTL: "1h"}); err != nil {
		t.Fatal(err)
	}
	cp := s.as(t, admin, http.MethodGet, "/ui/git/canaries/strict", "")
	if cp.status != http.StatusOK {
		t.Fatalf("GET canary page = %d:\n%s", cp.status, cp.body)
	}
	for _, frag := range []string{`<a href="/ui/nodes/node-00001">node-00001</a>`, "<td>model-set</td>", "new_failure", "1 new failures"} {
		if !strings.Contains(cp.body, frag) {
			t.Errorf("canary page lacks %q:\n%s", frag, cp.body)
		}
	}
	page = s.as(t, viewer, http.MethodGet, "/ui/git", "")
	if !strings.Contains(page.body, `<a href="/ui/git/canaries/strict">strict</a>`) {
		t.Errorf("Git page lacks the canary:\n%s", page.body)
	}
	if got := s.as(t, viewer, http.MethodGet, "/ui/git/canaries/nope", ""); got.status != http.StatusNotFound {
		t.Errorf("unknown canary = %d", got.status)
	}
}
