package webui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

// TestDashboardSummary: the compliance section is the service's summary
// at each view: a rule's severity edited (no status changes, nothing
// appended to the history) shows at once, and a caller scoped to some
// nodes sees only their results counted and their failing nodes listed.
func TestDashboardSummary(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			s := startAuthUI(t, engine)
			admin := s.token(t, "admin", unet.RoleAdmin)
			if _, err := s.svc.CreateUser(setup(), unet.NewUser{Name: "scoped"}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.svc.GrantRole(setup(), "scoped", unet.Grant{Role: unet.RoleViewer, Scope: `node.name MATCHES "^node-0000[0-9]$"`}); err != nil {
				t.Fatal(err)
			}
			tok, err := s.svc.CreateToken(setup(), unet.TokenRequest{User: "scoped"})
			if err != nil {
				t.Fatal(err)
			}
			scoped := tok.Token
			if _, err := s.svc.Import(setup(), inventory(30), unet.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			storeResults(t, s.svc)

			home := s.as(t, admin, http.MethodGet, "/ui/", "")
			if home.status != http.StatusOK || !strings.Contains(home.body, "15 nodes fail critical or high rules") {
				t.Fatalf("GET /ui/ = %d:\n%s", home.status, home.body)
			}
			if got := cells(t, home.body, "critical"); got[1] != "15" {
				t.Fatalf("critical failures %v", got)
			}

			// The critical rule becomes high: the same statuses, another
			// severity.
			high := []unet.PolicyFile{{Name: "dash.rules", Content: strings.Replace(dashRules[0].Content,
				`"model-set" SEVERITY critical`, `"model-set" SEVERITY high`, 1)}}
			if _, err := s.svc.EvaluatePolicies(setup(), unet.PolicyEvalRequest{Files: high, Source: "test", Store: true}); err != nil {
				t.Fatal(err)
			}
			again := s.as(t, admin, http.MethodGet, "/ui/", "")
			if got := cells(t, again.body, "high"); got[1] != "15" {
				t.Errorf("high failures after the severity edit %v", got)
			}
			if got := cells(t, again.body, "model-set"); got[0] != "high" {
				t.Errorf("model-set row after the severity edit %v", got)
			}
			if strings.Contains(again.body, `<th scope="row">critical</th>`) {
				t.Errorf("critical results still counted after the severity edit:\n%s", again.body)
			}

			// node-00000 … node-00009: the odd five fail model-set.
			mine := s.as(t, scoped, http.MethodGet, "/ui/", "")
			if mine.status != http.StatusOK || !strings.Contains(mine.body, "5 nodes fail critical or high rules") {
				t.Fatalf("GET /ui/ as scoped = %d:\n%s", mine.status, mine.body)
			}
			if got := cells(t, mine.body, "model-set"); got[1] != "5" || got[2] != "5" {
				t.Errorf("scoped model-set row %v, want 5 pass and 5 fail", got)
			}
			if strings.Contains(mine.body, `href="/ui/nodes/node-00011"`) || !strings.Contains(mine.body, `href="/ui/nodes/node-00009"`) {
				t.Errorf("scoped failing nodes:\n%s", mine.body)
			}
			if strings.Contains(mine.body, `<th scope="row">site-described</th>`) {
				t.Errorf("a location outside the scope is counted:\n%s", mine.body)
			}
		})
	}
}
