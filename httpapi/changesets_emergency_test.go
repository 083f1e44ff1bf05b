package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TestEmergencyWritesAndReviewOverHTTP: emergency=true needs the
// changes:emergency permission when authentication is on; the write is
// flagged in the change log, listed as pending, and cleared by someone
// else's review (its author's own review is refused).
func TestEmergencyWritesAndReviewOverHTTP(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			s := startLocalServer(t, engine)
			eng := s.userToken(t, "erin", []string{unet.RoleEngineer}, unet.TokenRequest{}).Token
			ada := s.userToken(t, "ada", []string{unet.RoleAdmin}, unet.TokenRequest{}).Token
			bob := s.userToken(t, "bob", []string{unet.RoleApprover}, unet.TokenRequest{}).Token

			s.expect(t, http.StatusCreated, "POST", "/api/v1/nodes?reason=setup", eng, `{"name":"core-1","vendor":"cisco"}`, nil)
			// An engineer holds nodes:write but not changes:emergency.
			p := s.expect(t, http.StatusForbidden, "PATCH", "/api/v1/nodes/core-1?emergency=true&reason=outage", eng, `{"role":"core"}`, nil)
			if !strings.Contains(p.Detail, string(unet.PermChangesEmergency)) {
				t.Errorf("emergency without the permission: %+v", p)
			}
			// No reason: refused.
			p = s.expect(t, http.StatusUnprocessableEntity, "PATCH", "/api/v1/nodes/core-1?emergency=true", ada, `{"role":"core"}`, nil)
			if len(p.Errors) != 1 || p.Errors[0].Field != "reason" {
				t.Errorf("emergency without a reason: %+v", p)
			}
			var n unet.Node
			s.expect(t, http.StatusOK, "PATCH", "/api/v1/nodes/core-1?emergency=true&reason=outage", ada, `{"role":"core"}`, &n)
			if n.Role != "core" {
				t.Fatalf("emergency write: %+v", n)
			}
			var changes unet.List[unet.Change]
			s.expect(t, http.StatusOK, "GET", "/api/v1/changes?object=node/core-1", bob, "", &changes)
			if len(changes.Items) != 2 || !changes.Items[0].Emergency || changes.Items[1].Emergency || changes.Items[0].Actor != "ada" {
				t.Fatalf("change log: %+v", changes.Items)
			}
			var pending unet.List[unet.EmergencyChange]
			s.expect(t, http.StatusOK, "GET", "/api/v1/emergency-changes?pending=true", bob, "", &pending)
			if len(pending.Items) != 1 || pending.Items[0].Actor != "ada" || pending.Items[0].Reason != "outage" ||
				len(pending.Items[0].Changes) != 1 || pending.Items[0].Changes[0] != changes.Items[0].ID {
				t.Fatalf("pending: %+v", pending.Items)
			}
			ref := pending.Items[0].Changes[0]
			// The author cannot review it; the engineer lacks changes:review.
			s.expect(t, http.StatusForbidden, "POST", "/api/v1/emergency-changes/"+ref+"/review", ada, `{"comment":"self"}`, nil)
			p = s.expect(t, http.StatusForbidden, "POST", "/api/v1/emergency-changes/"+ref+"/review", eng, `{"comment":"x"}`, nil)
			if !strings.Contains(p.Detail, string(unet.PermChangesReview)) {
				t.Errorf("review without the permission: %+v", p)
			}
			var e unet.EmergencyChange
			s.expect(t, http.StatusOK, "POST", "/api/v1/emergency-changes/"+ref+"/review", bob, `{"comment":"checked"}`, &e)
			if e.Review == nil || e.Review.Reviewer != "bob" || e.Review.Comment != "checked" {
				t.Fatalf("review: %+v", e)
			}
			s.expect(t, http.StatusOK, "GET", "/api/v1/emergency-changes?pending=true", bob, "", &pending)
			if len(pending.Items) != 0 {
				t.Fatalf("still pending after review: %+v", pending.Items)
			}
			s.expect(t, http.StatusConflict, "POST", "/api/v1/emergency-changes/"+ref+"/review", ada, `{"comment":"again"}`, nil)
			var all unet.List[unet.EmergencyChange]
			s.expect(t, http.StatusOK, "GET", "/api/v1/emergency-changes", bob, "", &all)
			if len(all.Items) != 1 || all.Items[0].Review == nil {
				t.Fatalf("all emergencies: %+v", all.Items)
			}
		})
	}
}

// TestApprovalRulesOverHTTP: approval rules are added, listed and removed
// with approvals:write (an engineer may only read them), change-logged, and
// a rule's requirement shows on the sets it matches.
func TestApprovalRulesOverHTTP(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			s := startLocalServer(t, engine)
			eng := s.userToken(t, "erin", []string{unet.RoleEngineer}, unet.TokenRequest{}).Token
			ada := s.userToken(t, "ada", []string{unet.RoleAdmin}, unet.TokenRequest{}).Token

			var rules unet.List[unet.ApprovalRule]
			s.expect(t, http.StatusOK, "GET", "/api/v1/approvals", eng, "", &rules)
			if len(rules.Items) != 0 || rules.Total != 0 {
				t.Fatalf("rules at first: %+v", rules)
			}
			s.expect(t, http.StatusForbidden, "POST", "/api/v1/approvals", eng, `{"name":"core","when":"node.role == \"core\"","require":2}`, nil)
			p := s.expect(t, http.StatusUnprocessableEntity, "POST", "/api/v1/approvals", ada, `{"name":"bad","when":"node.role ==","require":2}`, nil)
			if len(p.Errors) == 0 || p.Errors[0].Field != "when" {
				t.Errorf("bad condition: %+v", p)
			}
			var r unet.ApprovalRule
			s.expect(t, http.StatusCreated, "POST", "/api/v1/approvals?reason=policy", ada, `{"name":"core","when":"node.role == \"core\"","require":2}`, &r)
			if r.Name != "core" || r.Require != 2 || r.Version != 1 {
				t.Fatalf("added: %+v", r)
			}
			s.expect(t, http.StatusConflict, "POST", "/api/v1/approvals", ada, `{"name":"core","when":"node.role == \"leaf\"","require":1}`, nil)
			s.expect(t, http.StatusOK, "GET", "/api/v1/approvals", eng, "", &rules)
			if len(rules.Items) != 1 || rules.Items[0].When != `node.role == "core"` {
				t.Fatalf("rules: %+v", rules)
			}
			// The rule's requirement shows on a set touching a core node.
			s.expect(t, http.StatusCreated, "POST", "/api/v1/nodes", eng, `{"name":"c1","vendor":"cisco","role":"core"}`, nil)
			var cs unet.ChangeSet
			s.expect(t, http.StatusCreated, "POST", "/api/v1/changesets", eng,
				`{"title":"retire c1","ops":[{"op":"update","kind":"node","ref":"c1","data":{"model":"x"}}]}`, &cs)
			if cs.Requirement.Required != 2 || len(cs.Requirement.Rules) != 1 || cs.Requirement.Rules[0].Rule != "core" {
				t.Fatalf("requirement: %+v", cs.Requirement)
			}
			var changes unet.List[unet.Change]
			s.expect(t, http.StatusOK, "GET", "/api/v1/changes?object=approval_rule/core", eng, "", &changes)
			if len(changes.Items) != 1 || changes.Items[0].Actor != "ada" || changes.Items[0].Reason != "policy" {
				t.Fatalf("change log of the rule: %+v", changes.Items)
			}
			s.expect(t, http.StatusForbidden, "DELETE", "/api/v1/approvals/core", eng, "", nil)
			s.expect(t, http.StatusNoContent, "DELETE", "/api/v1/approvals/core", ada, "", nil)
			s.expect(t, http.StatusNotFound, "DELETE", "/api/v1/approvals/core", ada, "", nil)
			s.expect(t, http.StatusOK, "GET", "/api/v1/approvals", eng, "", &rules)
			if len(rules.Items) != 0 {
				t.Fatalf("rules after remove: %+v", rules)
			}
		})
	}
}
