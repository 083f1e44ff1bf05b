package service_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// actorCtx is a context acting as actor (the trusted local path).
func actorCtx(actor string) context.Context { return unet.WithActor(context.Background(), actor) }

// eventRow is a row of change_events.
type eventRow struct {
	actor, transition, detail string
	setID                     int
}

// eventsOf reads the change events of one transition, oldest first.
func eventsOf(t *testing.T, svc *service.Service, transition string) []eventRow {
	t.Helper()
	q := `SELECT actor, transition, detail, set_id FROM change_events WHERE transition = $1 ORDER BY id`
	rows, err := svc.DB().SQL().QueryContext(context.Background(), q, transition)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []eventRow
	for rows.Next() {
		var e eventRow
		if err := rows.Scan(&e.actor, &e.transition, &e.detail, &e.setID); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEmergencyWrites: an emergency write needs a reason and, for an
// authenticated caller, permission changes:emergency; its change rows are
// flagged and an emergency event names the reason and the objects; a write
// without the flag is neither. Both engines.
func TestEmergencyWrites(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		before := changeCount(t, svc)
		_, err := svc.UpdateNode(actorCtx("alice"), "leaf1", unet.Patch{"model": "x"}, unet.WriteOptions{Emergency: true})
		mustCode(t, err, unet.EINVALID)
		if !strings.Contains(err.Error(), "--emergency needs a reason (--reason)") {
			t.Fatalf("no reason: %v", err)
		}
		mustCode(t, svc.DeleteLink(actorCtx("alice"), "leaf1.example.net:Ethernet49/1", unet.DeleteOptions{Emergency: true, Reason: "  "}), unet.EINVALID)
		_, err = svc.Import(actorCtx("alice"), &unet.Bundle{}, unet.ImportOptions{Emergency: true})
		mustCode(t, err, unet.EINVALID)

		engineer := &unet.Principal{User: "eve", Method: unet.AuthMethodToken, Permissions: []unet.Permission{unet.PermNodesWrite}}
		_, err = svc.UpdateNode(unet.WithPrincipal(actorCtx("eve"), engineer), "leaf1", unet.Patch{"model": "x"},
			unet.WriteOptions{Emergency: true, Reason: "outage"})
		mustCode(t, err, unet.EFORBIDDEN)
		if !strings.Contains(err.Error(), "changes:emergency") {
			t.Fatalf("forbidden: %v", err)
		}
		if n := changeCount(t, svc); n != before {
			t.Fatalf("refused emergencies wrote %d change rows", n-before)
		}

		oncall := &unet.Principal{User: "alice", Method: unet.AuthMethodToken,
			Permissions: []unet.Permission{unet.PermNodesWrite, unet.PermChangesEmergency}}
		ok(svc.UpdateNode(unet.WithPrincipal(actorCtx("alice"), oncall), "leaf1", unet.Patch{"model": "7050"},
			unet.WriteOptions{Emergency: true, Reason: "outage INC-1"})).v(t)
		rows := ok(svc.ListChanges(actx(), unet.ChangeFilter{Page: unet.Page{Limit: 1}})).v(t).Items
		if len(rows) != 1 || !rows[0].Emergency || rows[0].Reason != "outage INC-1" || rows[0].Actor != "alice" || rows[0].ChangeSet != "" {
			t.Fatalf("emergency row %+v", rows)
		}
		ev := eventsOf(t, svc, unet.EventEmergency)
		if len(ev) != 1 || ev[0].actor != "alice" || ev[0].setID != 0 ||
			!strings.Contains(ev[0].detail, "outage INC-1") || !strings.Contains(ev[0].detail, "node/leaf1.example.net") {
			t.Fatalf("emergency events %+v", ev)
		}

		// A cascade delete flags every row of its batch; one event.
		mustCode(t, svc.DeleteNode(actorCtx("alice"), "spine1", unet.DeleteOptions{Cascade: true, Emergency: true}), unet.EINVALID)
		if err := svc.DeleteNode(actorCtx("alice"), "spine1", unet.DeleteOptions{Cascade: true, Emergency: true, Reason: "RMA"}); err != nil {
			t.Fatal(err)
		}
		rows = ok(svc.ListChanges(actx(), unet.ChangeFilter{Page: unet.Page{Limit: 2}})).v(t).Items
		if len(rows) != 2 || !rows[0].Emergency || !rows[1].Emergency || rows[0].Batch != rows[1].Batch {
			t.Fatalf("cascade rows %+v", rows)
		}
		ev = eventsOf(t, svc, unet.EventEmergency)
		if len(ev) != 2 || !strings.Contains(ev[1].detail, "link/") || !strings.Contains(ev[1].detail, "node/spine1.example.net") {
			t.Fatalf("cascade event %+v", ev)
		}

		// A plain write is not an emergency; an emergency that changes
		// nothing records nothing.
		ok(svc.UpdateNode(actorCtx("alice"), "leaf1", unet.Patch{"model": "7060"}, unet.WriteOptions{})).v(t)
		ok(svc.UpdateNode(actorCtx("alice"), "leaf1", unet.Patch{"model": "7060"}, unet.WriteOptions{Emergency: true, Reason: "again"})).v(t)
		if rows = ok(svc.ListChanges(actx(), unet.ChangeFilter{Page: unet.Page{Limit: 1}})).v(t).Items; rows[0].Emergency {
			t.Fatalf("plain write flagged: %+v", rows[0])
		}
		if ev = eventsOf(t, svc, unet.EventEmergency); len(ev) != 2 {
			t.Fatalf("no-op emergency recorded an event: %+v", ev)
		}

		// Every kind of direct write takes the flag.
		ok(svc.CreateVendor(actorCtx("alice"), &unet.Vendor{Name: "juniper-x"}, unet.WriteOptions{Emergency: true, Reason: "new vendor"})).v(t)
		ok(svc.CreateLocation(actorCtx("alice"), &unet.Location{Name: "Lab", Type: "site"}, unet.WriteOptions{Emergency: true, Reason: "lab"})).v(t)
		ok(svc.Import(actorCtx("alice"), &unet.Bundle{Nodes: []unet.NodeRecord{{Name: "imp1", Domain: "example.net", Vendor: "arista"}}},
			unet.ImportOptions{Emergency: true, Reason: "import"})).v(t)
		list := ok(svc.ListEmergencyChanges(actx(), unet.EmergencyFilter{})).v(t)
		var reasons []string
		for _, e := range list.Items {
			reasons = append(reasons, e.Reason)
		}
		if !slices.Equal(reasons, []string{"import", "lab", "new vendor", "RMA", "outage INC-1"}) || list.Total != 5 {
			t.Fatalf("emergency changes %v (total %d)", reasons, list.Total)
		}
	})
}

// TestEmergencyReviews: emergency changes are listed newest first, one per
// batch, until someone other than the author reviews them; self-review and
// a second review are refused; a review needs a comment and can name the
// batch or one of its change IDs. Both engines.
func TestEmergencyReviews(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		ok(svc.UpdateNode(actorCtx("alice"), "leaf1", unet.Patch{"model": "a"}, unet.WriteOptions{Emergency: true, Reason: "first"})).v(t)
		ok(svc.UpdateNode(actorCtx("bob"), "leaf1", unet.Patch{"model": "b"}, unet.WriteOptions{})).v(t)
		if err := svc.DeleteNode(actorCtx("alice"), "spine1", unet.DeleteOptions{Cascade: true, Emergency: true, Reason: "second"}); err != nil {
			t.Fatal(err)
		}
		list := ok(svc.ListEmergencyChanges(actx(), unet.EmergencyFilter{Pending: true})).v(t)
		if list.Total != 2 || len(list.Items) != 2 || list.Items[0].Reason != "second" || list.Items[1].Reason != "first" {
			t.Fatalf("pending %+v", list)
		}
		second, first := list.Items[0], list.Items[1]
		if second.Actor != "alice" || len(second.Changes) != 2 || len(second.Objects) != 2 || second.Review != nil || second.Time.IsZero() ||
			!slices.Contains(second.Objects, "node/spine1.example.net") || second.Batch == "" {
			t.Fatalf("cascade emergency %+v", second)
		}
		if !slices.Equal(first.Objects, []string{"node/leaf1.example.net"}) || len(first.Changes) != 1 {
			t.Fatalf("first emergency %+v", first)
		}
		c := ok(svc.GetChange(actx(), first.Changes[0])).v(t)
		if c.Batch != first.Batch || !c.Emergency {
			t.Fatalf("change %+v of %+v", c, first)
		}

		// A scoped reader sees the emergencies inside their scope only.
		viewer, _ := unet.BuiltinRole(unet.RoleViewer)
		leaves := &unet.Principal{User: "lee", Method: unet.AuthMethodToken, Permissions: viewer.Permissions,
			Grants: []unet.Grant{{Role: unet.RoleViewer, Scope: `node.role == "leaf"`}}}
		scoped := ok(svc.ListEmergencyChanges(unet.WithPrincipal(actorCtx("lee"), leaves), unet.EmergencyFilter{})).v(t)
		if len(scoped.Items) != 1 || scoped.Items[0].Batch != first.Batch {
			t.Fatalf("scoped list %+v", scoped.Items)
		}

		// Paging.
		p1 := ok(svc.ListEmergencyChanges(actx(), unet.EmergencyFilter{Page: unet.Page{Limit: 1}})).v(t)
		if len(p1.Items) != 1 || p1.Next == "" || p1.Items[0].Batch != second.Batch || p1.Total != 2 {
			t.Fatalf("page 1 %+v", p1)
		}
		p2 := ok(svc.ListEmergencyChanges(actx(), unet.EmergencyFilter{Page: unet.Page{Limit: 1, Cursor: p1.Next}})).v(t)
		if len(p2.Items) != 1 || p2.Next != "" || p2.Items[0].Batch != first.Batch {
			t.Fatalf("page 2 %+v", p2)
		}

		_, err := svc.ReviewEmergencyChange(actorCtx("alice"), first.Batch, "looked fine")
		mustCode(t, err, unet.EFORBIDDEN)
		if !strings.Contains(err.Error(), "you made this emergency change: someone else must review it") {
			t.Fatalf("self review: %v", err)
		}
		_, err = svc.ReviewEmergencyChange(actorCtx("bob"), first.Batch, " ")
		mustCode(t, err, unet.EINVALID)
		_, err = svc.ReviewEmergencyChange(actorCtx("bob"), "no-such-change", "x")
		mustCode(t, err, unet.ENOTFOUND)
		// bob's own plain change is no emergency.
		plain := ok(svc.ListChanges(actx(), unet.ChangeFilter{Actor: "bob"})).v(t).Items[0]
		_, err = svc.ReviewEmergencyChange(actorCtx("carol"), plain.ID, "x")
		mustCode(t, err, unet.ENOTFOUND)

		e := ok(svc.ReviewEmergencyChange(actorCtx("bob"), first.Changes[0], "checked with the NOC")).v(t)
		if e.Batch != first.Batch || e.Review == nil || e.Review.Reviewer != "bob" || e.Review.Comment != "checked with the NOC" || e.Review.At.IsZero() {
			t.Fatalf("review %+v", e)
		}
		_, err = svc.ReviewEmergencyChange(actorCtx("carol"), first.Batch, "me too")
		mustCode(t, err, unet.ECONFLICT)
		ev := eventsOf(t, svc, unet.EventReviewed)
		if len(ev) != 1 || ev[0].actor != "bob" || !strings.Contains(ev[0].detail, "checked with the NOC") {
			t.Fatalf("review events %+v", ev)
		}

		pending := ok(svc.ListEmergencyChanges(actx(), unet.EmergencyFilter{Pending: true})).v(t)
		if pending.Total != 1 || len(pending.Items) != 1 || pending.Items[0].Batch != second.Batch {
			t.Fatalf("pending after review %+v", pending)
		}
		all := ok(svc.ListEmergencyChanges(actx(), unet.EmergencyFilter{})).v(t)
		if all.Total != 2 || all.Items[1].Review == nil || all.Items[1].Review.Reviewer != "bob" || all.Items[0].Review != nil {
			t.Fatalf("all after review %+v", all)
		}
		ok(svc.ReviewEmergencyChange(actorCtx("carol"), second.Batch, "RMA confirmed")).v(t)
		if pending = ok(svc.ListEmergencyChanges(actx(), unet.EmergencyFilter{Pending: true})).v(t); pending.Total != 0 || len(pending.Items) != 0 {
			t.Fatalf("pending after both reviews %+v", pending)
		}
	})
}

// TestEmergencyChangeSet: the rows of a change set applied as an emergency
// carry the set, which names the emergency change for its review; the
// review event names the set too.
func TestEmergencyChangeSet(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		if err := svc.CreateNodeInSet(actorCtx("alice"), "cs-7", &unet.Node{Name: "n1", Domain: "example.net", Vendor: "arista"}, "hotfix"); err != nil {
			t.Fatal(err)
		}
		list := ok(svc.ListEmergencyChanges(actx(), unet.EmergencyFilter{Pending: true})).v(t)
		if len(list.Items) != 1 || list.Items[0].ChangeSet != "cs-7" || list.Items[0].Reason != "hotfix" ||
			!slices.Equal(list.Items[0].Objects, []string{"node/n1.example.net"}) {
			t.Fatalf("emergency set %+v", list.Items)
		}
		e := ok(svc.ReviewEmergencyChange(actorCtx("bob"), "cs-7", "fine")).v(t)
		if e.Batch != list.Items[0].Batch || e.ChangeSet != "cs-7" || e.Review.Reviewer != "bob" {
			t.Fatalf("review %+v", e)
		}
		ev := eventsOf(t, svc, unet.EventReviewed)
		if len(ev) != 1 || ev[0].setID != 7 {
			t.Fatalf("review event %+v", ev)
		}
		_, err := svc.ReviewEmergencyChange(actorCtx("carol"), "cs-8", "x")
		mustCode(t, err, unet.ENOTFOUND)
	})
}
