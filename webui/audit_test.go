package webui_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
)

// TestAuditPage: mutations and denials through the API are in the audit
// page, newest first, filtered by actor, action, outcome and time and
// paginated; a caller without audit:read gets 403 and no menu entry.
func TestAuditPage(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			s := startAuthUI(t, engine)
			admin := s.token(t, "admin", unet.RoleAdmin)
			viewer := s.token(t, "viewer", unet.RoleViewer)
			const nodes = 52
			for i := range nodes {
				if got := s.as(t, admin, http.MethodPost, "/api/v1/nodes", fmt.Sprintf(`{"name":"sw%d","vendor":"cisco"}`, i)); got.status != http.StatusCreated {
					t.Fatalf("create node: %d %s", got.status, got.body)
				}
			}
			if got := s.as(t, viewer, http.MethodPost, "/api/v1/nodes", `{"name":"rogue","vendor":"cisco"}`); got.status != http.StatusForbidden {
				t.Fatalf("create node as viewer: %d %s", got.status, got.body)
			}

			row := regexp.MustCompile(`<tr><td>[^<]*UTC</td><td>(\w+) <small>`)
			actors := func(body string) []string {
				var out []string
				for _, m := range row.FindAllStringSubmatch(body, -1) {
					out = append(out, m[1])
				}
				return out
			}
			all := s.as(t, admin, http.MethodGet, "/ui/audit", "")
			if all.status != http.StatusOK {
				t.Fatalf("GET /ui/audit = %d:\n%s", all.status, all.body)
			}
			got := actors(all.body)
			if len(got) != 50 || got[0] != "viewer" || got[1] != "admin" {
				t.Fatalf("first page actors = %v", got)
			}
			if !strings.Contains(all.body, "<td>nodes:write</td><td><code>POST /api/v1/nodes</code></td>") ||
				!strings.Contains(all.body, `<span class="status-fail">denied</span>`) {
				t.Errorf("audit page lacks the entries' action or outcome:\n%s", all.body)
			}
			next := regexp.MustCompile(`<a href="/ui/audit(\?[^"]*)" rel="next">`).FindStringSubmatch(all.body)
			if next == nil {
				t.Fatalf("no next page link:\n%s", all.body)
			}
			second := s.as(t, admin, http.MethodGet, "/ui/audit"+strings.ReplaceAll(next[1], "&amp;", "&"), "")
			if n := len(actors(second.body)); second.status != http.StatusOK || n < 3 || n > 50 || !strings.Contains(second.body, "First page") {
				t.Fatalf("second page: %d, %d entries:\n%s", second.status, n, second.body)
			}

			denied := s.as(t, admin, http.MethodGet, "/ui/audit?actor=viewer&outcome=denied", "")
			if got := actors(denied.body); len(got) != 1 || got[0] != "viewer" || strings.Contains(denied.body, "rel=\"next\"") {
				t.Errorf("viewer's denials = %v", got)
			}
			ok := s.as(t, admin, http.MethodGet, "/ui/audit?action=nodes:write&outcome=ok", "")
			if got := actors(ok.body); len(got) != 50 || got[0] != "admin" || !strings.Contains(ok.body, `<option value="nodes:write" selected>`) {
				t.Errorf("nodes:write ok entries = %d", len(got))
			}
			// The two tokens the test created on the service.
			if tokens := s.as(t, admin, http.MethodGet, "/ui/audit?action=tokens:write", ""); strings.Join(actors(tokens.body), " ") != "setup setup" {
				t.Errorf("tokens:write entries = %v", actors(tokens.body))
			}
			past := time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04")
			if before := s.as(t, admin, http.MethodGet, "/ui/audit?until="+past, ""); len(actors(before.body)) != 0 || !strings.Contains(before.body, "0 entries") {
				t.Errorf("entries until an hour ago = %v", actors(before.body))
			}
			if since := s.as(t, admin, http.MethodGet, "/ui/audit?since="+past+"&actor=viewer", ""); len(actors(since.body)) != 1 {
				t.Errorf("viewer's entries since an hour ago = %v", actors(since.body))
			}
			if bad := s.as(t, admin, http.MethodGet, "/ui/audit?since=yesterday", ""); bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "since") {
				t.Errorf("bad time filter = %d:\n%s", bad.status, bad.body)
			}

			// Without audit:read: 403 and no menu entry.
			if got := s.as(t, viewer, http.MethodGet, "/ui/audit", ""); got.status != http.StatusForbidden {
				t.Errorf("GET /ui/audit as viewer = %d", got.status)
			}
			if home := s.as(t, viewer, http.MethodGet, "/ui/", ""); strings.Contains(home.body, `href="/ui/audit"`) {
				t.Errorf("a viewer's menu links the audit log")
			}
		})
	}
}
