package webui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// csProposeRole proposes, as author, a set changing the role of node ref.
func csProposeRole(t *testing.T, s *csServer, author, title, ref, role string) *unet.ChangeSet {
	t.Helper()
	cs, err := s.svc.ProposeChangeSet(csCtx(author), unet.ChangeSetRequest{Title: title,
		Ops: []unet.ChangeOp{{Op: unet.OpUpdate, Kind: unet.KindNode, Ref: ref, Data: []byte(`{"role":"` + role + `"}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// csAddNodes creates access nodes of a vendor.
func csAddNodes(t *testing.T, s *csServer, vendor string, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := s.svc.CreateNode(csCtx("alice"), &unet.Node{Name: name, Vendor: vendor, Role: "access"}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func csMustContain(t *testing.T, what, html string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(html, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, html)
		}
	}
}

func csMustNotContain(t *testing.T, what, html string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(html, w) {
			t.Errorf("%s has %q", what, w)
		}
	}
}

// TestChangeSetReviewInBrowser walks change review through the pages on a
// real server with authentication, on both engines: the author proposes
// and finds no approve button, and their forged approve is refused with the
// service's reason; a viewer sees no button and every post is 403; an
// approver sees the impact (field diff, policy, configuration), approves
// and applies through the forms, and the inventory shows the change.
func TestChangeSetReviewInBrowser(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			if engine == sqlstore.Postgres {
				csEnsurePostgres(t)
			}
			s := startCSServer(t, engine)
			alice := s.userToken(t, "alice", unet.RoleEngineer, unet.RoleApprover)
			bob := s.userToken(t, "bob", unet.RoleApprover)
			vic := s.userToken(t, "vic", unet.RoleViewer)
			// edge-1 and nine nodes without a template: one configuration
			// of ten changes, under the guard's ratio.
			csAddNodes(t, s, "cisco", "edge-1")
			csAddNodes(t, s, "juniper", "other-1", "other-2", "other-3", "other-4", "other-5", "other-6", "other-7", "other-8", "other-9")
			cs := csProposeRole(t, s, "alice", "edge-1 becomes core", "edge-1", "core")
			item := "/ui/changesets/" + cs.ID
			approve, reject, apply := item+"/approve", item+"/reject", item+"/apply"

			// The list, by state.
			list := s.getOK(t, "/ui/changesets", vic)
			csMustContain(t, "the list", list, `href="/ui/changesets/`+cs.ID+`"`, "edge-1 becomes core", "awaiting review", "alice")
			csMustContain(t, "the list", s.getOK(t, "/ui/changesets?state=proposed", vic), cs.ID)
			csMustNotContain(t, "the applied list", s.getOK(t, "/ui/changesets?state=applied", vic), `href="/ui/changesets/`+cs.ID+`"`)
			if p := s.do(t, http.MethodGet, "/ui/changesets?state=nonsense", vic, nil); p.status != http.StatusBadRequest {
				t.Errorf("unknown state: %d", p.status)
			}

			// The author: no decision form, a note, and a forged approve
			// refused by the service (403, its reason on the page).
			mine := s.getOK(t, item, alice)
			csMustContain(t, "the author's page", mine, "You are the author")
			if csHasForm(mine, approve) || csHasForm(mine, reject) {
				t.Error("the author is offered a decision form")
			}
			forged := s.post(t, item, approve, alice, url.Values{"comment": {"mine"}})
			if forged.status != http.StatusForbidden || !strings.Contains(forged.body, "someone else must approve it") ||
				!strings.Contains(forged.body, `role="alert"`) {
				t.Fatalf("the author's approve = %d:\n%s", forged.status, forged.body)
			}

			// A viewer: the page, no form, every post 403.
			view := s.getOK(t, item, vic)
			csMustContain(t, "the viewer's page", view, "edge-1 becomes core")
			if strings.Contains(view, `<form method="post" action="/ui/changesets`) {
				t.Error("a viewer is offered a form")
			}
			for _, action := range []string{approve, reject, apply} {
				if p := s.post(t, item, action, vic, url.Values{"comment": {"no"}}); p.status != http.StatusForbidden {
					t.Errorf("viewer POST %s = %d", action, p.status)
				}
			}

			// The approver: the impact, the decision forms, no apply yet.
			review := s.getOK(t, item, bob)
			csMustContain(t, "the review page", review,
				`<span class="del">- role: &#34;access&#34;
</span>`, `<span class="add">+ role: &#34;core&#34;
</span>`,
				"core-has-model", "1 new failure(s)", // the policy impact
				`<span class="del">- role access
</span>`, `<span class="add">+ role core
</span>`, // the configuration diff
				"0 received of 1 required", "it is not approved")
			if !csHasForm(review, approve) || !csHasForm(review, reject) || csHasForm(review, apply) {
				t.Fatalf("the approver's forms (approve, reject, no apply):\n%s", review)
			}
			if p := s.post(t, item, approve, bob, url.Values{"comment": {"looks right"}}); p.status != http.StatusSeeOther ||
				p.header.Get("Location") != item {
				t.Fatalf("approve = %d %q:\n%s", p.status, p.header.Get("Location"), p.body)
			}
			approved := s.getOK(t, item, bob)
			csMustContain(t, "the approved page", approved, "cs-state-approved", "looks right", "1 received of 1 required")
			if !csHasForm(approved, apply) {
				t.Fatal("no apply form on the approved set")
			}
			if p := s.post(t, item, apply, bob, nil); p.status != http.StatusSeeOther || p.header.Get("Location") != item {
				t.Fatalf("apply = %d:\n%s", p.status, p.body)
			}
			applied := s.getOK(t, item, vic)
			csMustContain(t, "the applied page", applied, "cs-state-applied", "by bob", "from the change log",
				`<span class="add">+ role: &#34;core&#34;
</span>`)
			if strings.Contains(applied, `<form method="post" action="/ui/changesets`) {
				t.Error("an applied set offers a form")
			}
			csMustContain(t, "the applied list", s.getOK(t, "/ui/changesets?state=applied", vic), `href="/ui/changesets/`+cs.ID+`"`)
			n, err := s.svc.GetNode(csCtx("check"), "edge-1")
			if err != nil || n.Role != "core" {
				t.Fatalf("the node after the apply: %+v %v", n, err)
			}
			// A second approve of the applied set: 409, shown on the page.
			if p := s.post(t, item, approve, bob, nil); p.status != http.StatusConflict || !strings.Contains(p.body, "can no longer be reviewed") {
				t.Errorf("approve of an applied set = %d:\n%s", p.status, p.body)
			}
		})
	}
}

// TestChangeSetRejectGuardsAndEmergencyFilter: a reject needs its comment
// (400, the form shown again), then rejects; a tripped guard refuses an
// approver's apply (403, the guard named) and only a user allowed to force
// is offered the override, which needs a reason; the list filters the sets
// applied as emergencies and flags them.
func TestChangeSetRejectGuardsAndEmergencyFilter(t *testing.T) {
	s := startCSServer(t, sqlstore.SQLite)
	bob := s.userToken(t, "bob", unet.RoleApprover)
	root := s.userToken(t, "root", unet.RoleAdmin)
	// Two nodes with a template: changing one changes half the
	// configurations, over the guard's ratio.
	csAddNodes(t, s, "cisco", "edge-1", "edge-2")
	bad := csProposeRole(t, s, "alice", "bad idea", "edge-1", "core")
	item := "/ui/changesets/" + bad.ID
	if p := s.post(t, item, item+"/reject", bob, url.Values{"comment": {""}}); p.status != http.StatusBadRequest ||
		!strings.Contains(p.body, "comment") || !csHasForm(p.body, item+"/reject") {
		t.Fatalf("reject without a comment = %d:\n%s", p.status, p.body)
	}
	if p := s.post(t, item, item+"/reject", bob, url.Values{"comment": {"no core here"}}); p.status != http.StatusSeeOther {
		t.Fatalf("reject = %d:\n%s", p.status, p.body)
	}
	csMustContain(t, "the rejected page", s.getOK(t, item, bob), "cs-state-rejected", "no core here")

	guarded := csProposeRole(t, s, "alice", "guarded", "edge-1", "core")
	item = "/ui/changesets/" + guarded.ID
	if p := s.post(t, item, item+"/approve", bob, nil); p.status != http.StatusSeeOther {
		t.Fatalf("approve = %d:\n%s", p.status, p.body)
	}
	page := s.getOK(t, item, bob)
	csMustContain(t, "the guarded page", page, "✗ tripped", "config_change_ratio", "1 guard tripped")
	csMustNotContain(t, "an approver's apply form", page, `name="force"`)
	p := s.post(t, item, item+"/apply", bob, nil)
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "config_change_ratio") {
		t.Fatalf("apply over a tripped guard = %d:\n%s", p.status, p.body)
	}
	csMustContain(t, "an admin's apply form", s.getOK(t, item, root), `name="force"`)
	if p := s.post(t, item, item+"/apply", root, url.Values{"force": {"1"}}); p.status != http.StatusBadRequest ||
		!strings.Contains(p.body, "reason") {
		t.Fatalf("force without a reason = %d:\n%s", p.status, p.body)
	}
	if p := s.post(t, item, item+"/apply", root, url.Values{"force": {"1"}, "reason": {"maintenance window"}}); p.status != http.StatusSeeOther {
		t.Fatalf("forced apply = %d:\n%s", p.status, p.body)
	}
	csMustContain(t, "the forced page", s.getOK(t, item, bob), "cs-state-applied", "maintenance window")

	urgent := csProposeRole(t, s, "alice", "urgent fix", "edge-2", "core")
	if _, err := s.svc.ApplyChangeSet(csCtx("alice"), urgent.ID, unet.ApplyOptions{Emergency: true, Force: true, Reason: "outage"}); err != nil {
		t.Fatal(err)
	}
	all := s.getOK(t, "/ui/changesets", bob)
	csMustContain(t, "the list", all, bad.ID, urgent.ID, "⚠ emergency")
	emergencies := s.getOK(t, "/ui/changesets?emergency=1", bob)
	csMustContain(t, "the emergency list", emergencies, `href="/ui/changesets/`+urgent.ID+`"`, "emergencies only")
	csMustNotContain(t, "the emergency list", emergencies, `href="/ui/changesets/`+bad.ID+`"`)
	csMustContain(t, "the emergency page", s.getOK(t, "/ui/changesets/"+urgent.ID, bob), "applied without approvals", "outage")
}
