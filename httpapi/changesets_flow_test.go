package httpapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/sqlstore"
)

// expect performs a call and checks its status, decoding a 2xx answer into
// out (when not nil) and returning the problem of an error answer.
func (s *localServer) expect(t *testing.T, want int, method, path, token, body string, out any) httpapi.Problem {
	t.Helper()
	resp, b := s.call(t, method, path, token, body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	var p httpapi.Problem
	if resp.StatusCode >= 400 {
		if ct := resp.Header.Get("Content-Type"); ct != httpapi.ProblemContentType {
			t.Fatalf("%s %s: Content-Type %q: %s", method, path, ct, b)
		}
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatalf("%s %s: problem %s: %v", method, path, b, err)
		}
		return p
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: answer %s: %v", method, path, b, err)
		}
	}
	return p
}

// TestChangeSetReviewOverHTTP walks change review on a real server with
// authentication on, on both engines: the author proposes, cannot approve
// their own set, another user approves and the set applies; two sets staged
// on the same node: the second apply is refused with 409 naming the field,
// and nothing of it is written.
func TestChangeSetReviewOverHTTP(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			s := startLocalServer(t, engine)
			// alice may approve too, but never her own sets.
			alice := s.userToken(t, "alice", []string{unet.RoleEngineer, unet.RoleApprover}, unet.TokenRequest{}).Token
			bob := s.userToken(t, "bob", []string{unet.RoleApprover}, unet.TokenRequest{}).Token
			viewer := s.userToken(t, "vic", []string{unet.RoleViewer}, unet.TokenRequest{}).Token

			s.expect(t, http.StatusCreated, "POST", "/api/v1/nodes", alice, `{"name":"edge-1","vendor":"cisco","role":"access"}`, nil)

			// The author proposes.
			var cs unet.ChangeSet
			s.expect(t, http.StatusCreated, "POST", "/api/v1/changesets", alice,
				`{"title":"edge-1 becomes core","ops":[{"op":"update","kind":"node","ref":"edge-1","data":{"role":"core"}}]}`, &cs)
			if cs.ID == "" || cs.State != unet.ChangeSetProposed || cs.Author != "alice" || len(cs.Ops) != 1 {
				t.Fatalf("proposed: %+v", cs)
			}
			item := "/api/v1/changesets/" + cs.ID
			// A viewer may read it but not propose.
			var got unet.ChangeSet
			s.expect(t, http.StatusOK, "GET", item+"?impact=false", viewer, "", &got)
			if got.ID != cs.ID || got.Title != "edge-1 becomes core" || len(got.Ops) != 1 || got.Ops[0].Ref != "edge-1" {
				t.Fatalf("GET: %+v", got)
			}
			var l unet.List[unet.ChangeSet]
			s.expect(t, http.StatusOK, "GET", "/api/v1/changesets?author=alice&state=proposed", viewer, "", &l)
			if len(l.Items) != 1 || l.Items[0].ID != cs.ID {
				t.Fatalf("list: %+v", l)
			}
			p := s.expect(t, http.StatusForbidden, "POST", "/api/v1/changesets", viewer, `{"title":"x","ops":[]}`, nil)
			if !strings.Contains(p.Detail, "changes:propose") {
				t.Errorf("viewer propose: %+v", p)
			}

			// The author cannot approve nor apply their own set.
			p = s.expect(t, http.StatusForbidden, "POST", item+"/approve", alice, `{"comment":"mine"}`, nil)
			if p.Code != unet.EFORBIDDEN || !strings.Contains(p.Detail, cs.ID) || !strings.Contains(p.Detail, "someone else") {
				t.Errorf("self-approval: %+v", p)
			}
			p = s.expect(t, http.StatusForbidden, "POST", item+"/apply", alice, `{}`, nil)
			if p.Code != unet.EFORBIDDEN || !strings.Contains(p.Detail, cs.ID) {
				t.Errorf("apply before approval: %+v", p)
			}
			// Another user approves: the approval is theirs.
			s.expect(t, http.StatusOK, "POST", item+"/approve", bob, `{"comment":"ok"}`, &got)
			if got.State != unet.ChangeSetApproved || len(got.Approvals) != 1 || got.Approvals[0].Actor != "bob" ||
				got.Approvals[0].Comment != "ok" {
				t.Fatalf("approved: %+v", got)
			}
			s.expect(t, http.StatusOK, "POST", item+"/apply", bob, `{}`, &got)
			if got.State != unet.ChangeSetApplied || got.AppliedBy != "bob" {
				t.Fatalf("applied: %+v", got)
			}
			var n unet.Node
			s.expect(t, http.StatusOK, "GET", "/api/v1/nodes/edge-1", viewer, "", &n)
			if n.Role != "core" {
				t.Fatalf("node after apply: %+v", n)
			}
			var changes unet.List[unet.Change]
			s.expect(t, http.StatusOK, "GET", "/api/v1/changes?object=node/edge-1&limit=1", viewer, "", &changes)
			if len(changes.Items) != 1 || changes.Items[0].ChangeSet != cs.ID {
				t.Fatalf("change row of the apply: %+v", changes.Items)
			}

			// Two sets staged on the same node: the first applies, the
			// second is refused with the field, and writes nothing.
			var first, second unet.ChangeSet
			s.expect(t, http.StatusCreated, "POST", "/api/v1/changesets", alice,
				`{"title":"describe","ops":[{"op":"update","kind":"node","ref":"edge-1","data":{"role":"dist"}}]}`, &first)
			s.expect(t, http.StatusCreated, "POST", "/api/v1/changesets", alice,
				`{"title":"other role","ops":[{"op":"create","kind":"vendor","data":{"name":"acme"}},`+
					`{"op":"update","kind":"node","ref":"edge-1","data":{"role":"edge","model":"x"}}]}`, &second)
			for _, id := range []string{first.ID, second.ID} {
				s.expect(t, http.StatusOK, "POST", "/api/v1/changesets/"+id+"/approve", bob, `{}`, nil)
			}
			s.expect(t, http.StatusOK, "POST", "/api/v1/changesets/"+first.ID+"/apply", alice, `{}`, nil)
			p = s.expect(t, http.StatusConflict, "POST", "/api/v1/changesets/"+second.ID+"/apply", alice, `{}`, nil)
			named := false
			for _, fe := range p.Errors {
				named = named || (strings.Contains(fe.Field, "edge-1") && strings.HasSuffix(fe.Field, ".role"))
			}
			if p.Code != unet.ECONFLICT || !named || !strings.Contains(p.Detail, second.ID) {
				t.Fatalf("second apply: %+v", p)
			}
			s.expect(t, http.StatusOK, "GET", "/api/v1/nodes/edge-1", viewer, "", &n)
			if n.Role != "dist" || n.Model != "" {
				t.Fatalf("node after the refused apply: %+v", n)
			}
			var vendors unet.List[unet.Vendor]
			s.expect(t, http.StatusOK, "GET", "/api/v1/vendors", viewer, "", &vendors)
			for _, v := range vendors.Items {
				if v.Name == "acme" {
					t.Fatal("the refused set's first operation was written")
				}
			}
			s.expect(t, http.StatusOK, "GET", "/api/v1/changesets/"+second.ID+"?impact=false", viewer, "", &got)
			if got.State != unet.ChangeSetApproved || len(got.Conflicts) == 0 {
				t.Fatalf("the refused set: %+v", got)
			}
			// The conflict is also what the client returns.
			c, err := httpapi.NewClient(s.URL, httpapi.ClientOptions{Token: alice})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.ApplyChangeSet(t.Context(), second.ID, unet.ApplyOptions{})
			var ue *unet.Error
			if !errors.As(err, &ue) || ue.Code != unet.ECONFLICT || len(ue.Fields) != len(p.Errors) {
				t.Fatalf("client apply: %#v", err)
			}

			// Events record the transitions.
			var events unet.List[unet.ChangeEvent]
			s.expect(t, http.StatusOK, "GET", "/api/v1/change-events?changeset="+cs.ID, viewer, "", &events)
			seen := map[string]string{}
			for _, e := range events.Items {
				seen[e.Transition] = e.Actor
			}
			if seen[unet.EventCreated] != "alice" || seen[unet.EventApproved] != "bob" || seen[unet.EventApplied] != "bob" {
				t.Fatalf("events of %s: %+v", cs.ID, events.Items)
			}
		})
	}
}
