package service_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// as is a context acting as actor.
func as(actor string) context.Context { return unet.WithActor(context.Background(), actor) }

// updateOp stages a merge patch of the object ref.
func updateOp(kind, ref string, patch map[string]any) unet.ChangeOp {
	data, _ := json.Marshal(patch)
	return unet.ChangeOp{Op: unet.OpUpdate, Kind: kind, Ref: ref, Data: data}
}

// createOp stages the creation of an object.
func createOp(kind string, obj any) unet.ChangeOp {
	data, _ := json.Marshal(obj)
	return unet.ChangeOp{Op: unet.OpCreate, Kind: kind, Data: data}
}

// propose stages ops as alice and returns the set.
func propose(t *testing.T, svc *service.Service, title string, ops ...unet.ChangeOp) *unet.ChangeSet {
	t.Helper()
	return ok(svc.ProposeChangeSet(as("alice"), unet.ChangeSetRequest{Title: title, Ops: ops})).v(t)
}

// approved proposes ops as alice and has bob approve them.
func approved(t *testing.T, svc *service.Service, title string, ops ...unet.ChangeOp) *unet.ChangeSet {
	t.Helper()
	cs := propose(t, svc, title, ops...)
	cs = ok(svc.ApproveChangeSet(as("bob"), cs.ID, "fine")).v(t)
	if cs.State != unet.ChangeSetApproved {
		t.Fatalf("%s after approval: %s", cs.ID, cs.State)
	}
	return cs
}

// transitions lists the event transitions of a set in order.
func transitions(t *testing.T, svc *service.Service, id string) []string {
	t.Helper()
	evs := ok(svc.ListChangeEvents(actx(), unet.ChangeEventFilter{ChangeSet: id})).v(t)
	var out []string
	for _, e := range evs.Items {
		out = append(out, e.Transition)
	}
	return out
}

func wantTransitions(t *testing.T, svc *service.Service, id string, want ...string) {
	t.Helper()
	if got := transitions(t, svc, id); !slices.Equal(got, want) {
		t.Fatalf("events of %s: %v, want %v", id, got, want)
	}
}

func TestChangeSetLifecycle(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		before := changeCount(t, svc)
		cs := propose(t, svc, "Upgrade leaf1", updateOp("node", "leaf1", map[string]any{"software_version": "4.30.1F"}))
		if cs.ID != "cs-1" || cs.State != unet.ChangeSetProposed || cs.Author != "alice" || len(cs.Ops) != 1 {
			t.Fatalf("proposed: %+v", cs)
		}
		op := cs.Ops[0]
		if op.Seq != 1 || op.AddedBy != "alice" || len(op.Bases) != 1 || op.Bases[0].Name != "leaf1.example.net" || op.Bases[0].Version != 1 {
			t.Fatalf("staged operation: %+v", op)
		}
		if cs.Requirement.Required != 1 || cs.Requirement.Satisfied || len(cs.Conflicts) != 0 {
			t.Fatalf("requirement/conflicts: %+v %+v", cs.Requirement, cs.Conflicts)
		}
		if changeCount(t, svc) != before || ok(svc.GetNode(actx(), "leaf1")).v(t).SoftwareVersion != "" {
			t.Fatal("proposing wrote to the inventory")
		}

		_, err := svc.ApproveChangeSet(as("alice"), cs.ID, "")
		mustCode(t, err, unet.EFORBIDDEN)
		if !strings.Contains(err.Error(), "you are the author of cs-1") {
			t.Fatalf("self-approval message: %v", err)
		}
		_, err = svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
		_, err = svc.ApplyChangeSet(as("bob"), cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.EFORBIDDEN)

		cs = ok(svc.ApproveChangeSet(as("bob"), "1", "looks right")).v(t)
		if cs.State != unet.ChangeSetApproved || !cs.Requirement.Satisfied || len(cs.Approvals) != 1 || cs.Approvals[0].Actor != "bob" {
			t.Fatalf("approved: %+v", cs)
		}
		cs = ok(svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})).v(t)
		if cs.State != unet.ChangeSetApplied || cs.AppliedBy != "alice" || cs.AppliedAt == nil || cs.Batch == "" {
			t.Fatalf("applied: %+v", cs)
		}
		if n := ok(svc.GetNode(actx(), "leaf1")).v(t); n.SoftwareVersion != "4.30.1F" || n.Version != 2 {
			t.Fatalf("node after apply: %+v", n)
		}
		rows := ok(svc.ListChanges(actx(), unet.ChangeFilter{Page: unet.Page{Limit: 1}})).v(t).Items
		if len(rows) != 1 || rows[0].ChangeSet != "cs-1" || rows[0].Batch != cs.Batch || rows[0].Emergency {
			t.Fatalf("change row of the apply: %+v", rows)
		}
		wantTransitions(t, svc, cs.ID, unet.EventCreated, unet.EventApproved, unet.EventApplied)
		_, err = svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)
		_, err = svc.AbandonChangeSet(as("alice"), cs.ID, "")
		mustCode(t, err, unet.ECONFLICT)

		// A draft: open, appended to, submitted by its author, rejected.
		d := ok(svc.ProposeChangeSet(as("alice"), unet.ChangeSetRequest{Title: "Draft", Draft: true})).v(t)
		if d.State != unet.ChangeSetOpen || len(d.Ops) != 0 {
			t.Fatalf("draft: %+v", d)
		}
		_, err = svc.ApproveChangeSet(as("bob"), d.ID, "")
		mustCode(t, err, unet.ECONFLICT)
		_, err = svc.SubmitChangeSet(as("alice"), d.ID)
		mustCode(t, err, unet.EINVALID)
		d = ok(svc.AppendChangeOps(as("alice"), d.ID, []unet.ChangeOp{updateOp("node", "spine1", map[string]any{"model": "7280R3"})})).v(t)
		if len(d.Ops) != 1 || d.Ops[0].Seq != 1 || d.State != unet.ChangeSetOpen {
			t.Fatalf("appended draft: %+v", d)
		}
		_, err = svc.SubmitChangeSet(as("bob"), d.ID)
		mustCode(t, err, unet.EFORBIDDEN)
		d = ok(svc.SubmitChangeSet(as("alice"), d.ID)).v(t)
		if d.State != unet.ChangeSetProposed {
			t.Fatalf("submitted: %s", d.State)
		}
		_, err = svc.RejectChangeSet(as("bob"), d.ID, " ")
		mustCode(t, err, unet.EINVALID)
		_, err = svc.RejectChangeSet(as("alice"), d.ID, "no")
		mustCode(t, err, unet.EFORBIDDEN)
		d = ok(svc.RejectChangeSet(as("bob"), d.ID, "wrong model")).v(t)
		if d.State != unet.ChangeSetRejected || d.Approvals[0].Decision != unet.DecisionReject || d.Approvals[0].Comment != "wrong model" {
			t.Fatalf("rejected: %+v", d)
		}
		wantTransitions(t, svc, d.ID, unet.EventCreated, unet.EventAppended, unet.EventSubmitted, unet.EventRejected)
		_, err = svc.AppendChangeOps(as("alice"), d.ID, []unet.ChangeOp{updateOp("node", "spine1", map[string]any{"model": "x"})})
		mustCode(t, err, unet.ECONFLICT)

		// Abandoned by someone else: the local path may; a remote caller
		// needs changes:approve.
		a := propose(t, svc, "To drop", updateOp("node", "spine1", map[string]any{"model": "x"}))
		viewer := unet.WithPrincipal(as("carol"), &unet.Principal{User: "carol", Permissions: []unet.Permission{unet.PermChangesPropose}})
		_, err = svc.AbandonChangeSet(viewer, a.ID, "")
		mustCode(t, err, unet.EFORBIDDEN)
		a = ok(svc.AbandonChangeSet(as("carol"), a.ID, "superseded")).v(t)
		if a.State != unet.ChangeSetAbandoned {
			t.Fatalf("abandoned: %s", a.State)
		}
		wantTransitions(t, svc, a.ID, unet.EventCreated, unet.EventAbandoned)

		list := ok(svc.ListChangeSets(actx(), unet.ChangeSetFilter{})).v(t)
		if list.Total != 3 || list.Items[0].ID != "cs-3" || list.Items[2].ID != "cs-1" {
			t.Fatalf("list: %+v", list)
		}
		page := ok(svc.ListChangeSets(actx(), unet.ChangeSetFilter{Page: unet.Page{Limit: 2}})).v(t)
		next := ok(svc.ListChangeSets(actx(), unet.ChangeSetFilter{Page: unet.Page{Limit: 2, Cursor: page.Next}})).v(t)
		if len(page.Items) != 2 || len(next.Items) != 1 || next.Items[0].ID != "cs-1" {
			t.Fatalf("paging: %+v / %+v", page.Items, next.Items)
		}
		if l := ok(svc.ListChangeSets(actx(), unet.ChangeSetFilter{State: unet.ChangeSetRejected})).v(t); l.Total != 1 || l.Items[0].ID != d.ID {
			t.Fatalf("filter by state: %+v", l)
		}
		_, err = svc.ListChangeSets(actx(), unet.ChangeSetFilter{State: "merged"})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.GetChangeSet(actx(), "cs-99", unet.ChangeSetView{})
		mustCode(t, err, unet.ENOTFOUND)
		_, err = svc.GetChangeSet(actx(), "change-set", unet.ChangeSetView{})
		mustCode(t, err, unet.EINVALID)
	})
}

func TestChangeSetApprovalsDismissedOnAppend(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		cs := approved(t, svc, "Models", updateOp("node", "leaf1", map[string]any{"model": "7050SX3"}))
		// A second decision of the same reviewer replaces the first.
		cs = ok(svc.ApproveChangeSet(as("bob"), cs.ID, "still fine")).v(t)
		if len(cs.Approvals) != 1 || cs.Approvals[0].Comment != "still fine" {
			t.Fatalf("re-approval: %+v", cs.Approvals)
		}
		cs = ok(svc.AppendChangeOps(as("alice"), cs.ID, []unet.ChangeOp{updateOp("node", "spine1", map[string]any{"model": "7280R3"})})).v(t)
		if cs.State != unet.ChangeSetProposed || len(cs.Ops) != 2 || cs.Ops[1].Seq != 2 || cs.Ops[1].Bases[0].Name != "spine1.example.net" {
			t.Fatalf("after append: %+v", cs)
		}
		if cs.Approvals[0].DismissedAt == nil || cs.Requirement.Approvals != 0 || cs.Requirement.Satisfied {
			t.Fatalf("approval not dismissed: %+v %+v", cs.Approvals, cs.Requirement)
		}
		_, err := svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
		wantTransitions(t, svc, cs.ID, unet.EventCreated, unet.EventApproved, unet.EventApproved, unet.EventAppended, unet.EventApprovalDismissed)
		cs = ok(svc.ApproveChangeSet(as("bob"), cs.ID, "again")).v(t)
		if cs.State != unet.ChangeSetApproved || len(cs.Approvals) != 2 || cs.Requirement.Approvals != 1 {
			t.Fatalf("approved again: %+v", cs)
		}
		ok(svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})).v(t)
		if ok(svc.GetNode(actx(), "spine1")).v(t).Model != "7280R3" || ok(svc.GetNode(actx(), "leaf1")).v(t).Model != "7050SX3" {
			t.Fatal("both operations were not applied")
		}
	})
}

func TestChangeSetAutoApply(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		cs := ok(svc.ProposeChangeSet(as("alice"), unet.ChangeSetRequest{Title: "Auto", AutoApply: true,
			Ops: []unet.ChangeOp{updateOp("node", "leaf1", map[string]any{"model": "auto"})}})).v(t)
		cs = ok(svc.ApproveChangeSet(as("bob"), cs.ID, "")).v(t)
		if cs.State != unet.ChangeSetApplied || cs.AppliedBy != "bob" {
			t.Fatalf("auto apply: %+v", cs)
		}
		if ok(svc.GetNode(actx(), "leaf1")).v(t).Model != "auto" {
			t.Fatal("auto apply did not write")
		}
	})
}

func TestChangeSetBadOps(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		_, err := svc.ProposeChangeSet(as("alice"), unet.ChangeSetRequest{Title: "Bad", Ops: []unet.ChangeOp{
			updateOp("node", "leaf1", map[string]any{"model": "ok"}),
			updateOp("node", "spine1", map[string]any{"mgmt_ip": "not-an-ip"}),
		}})
		mustCode(t, err, unet.EINVALID)
		fields := unet.ErrorFields(err)
		if len(fields) == 0 || fields[0].Field != "ops[2].mgmt_ip" || !strings.Contains(err.Error(), "operation 2 (update node spine1)") {
			t.Fatalf("positioned error: %v %+v", err, fields)
		}
		_, err = svc.ProposeChangeSet(as("alice"), unet.ChangeSetRequest{Title: "Bad", Ops: []unet.ChangeOp{
			updateOp("node", "leaf1", map[string]any{"model": "ok"}),
			{Op: "frobnicate", Kind: "node"},
		}})
		mustCode(t, err, unet.EINVALID)
		if !strings.Contains(err.Error(), "operation 2") || !strings.Contains(err.Error(), "frobnicate") {
			t.Fatalf("unknown operation: %v", err)
		}
		_, err = svc.ProposeChangeSet(as("alice"), unet.ChangeSetRequest{Title: "Bad", Ops: []unet.ChangeOp{
			updateOp("node", "nosuch", map[string]any{"model": "x"})}})
		mustCode(t, err, unet.ENOTFOUND)
		_, err = svc.ProposeChangeSet(as("alice"), unet.ChangeSetRequest{Title: "Bad", Ops: []unet.ChangeOp{
			createOp("node", map[string]any{"name": "x", "vendor": "cisco", "colour": "red"})}})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.ProposeChangeSet(as("alice"), unet.ChangeSetRequest{Title: "  ", Ops: []unet.ChangeOp{
			updateOp("node", "leaf1", map[string]any{"model": "x"})}})
		if unet.ErrorCode(err) != unet.EINVALID || unet.ErrorFields(err)[0].Field != "title" {
			t.Fatalf("missing title: %v", err)
		}
		_, err = svc.ProposeChangeSet(as("alice"), unet.ChangeSetRequest{Title: strings.Repeat("x", 201), Ops: []unet.ChangeOp{
			updateOp("node", "leaf1", map[string]any{"model": "x"})}})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.ProposeChangeSet(as("alice"), unet.ChangeSetRequest{Title: "Empty"})
		mustCode(t, err, unet.EINVALID)
		if l := ok(svc.ListChangeSets(actx(), unet.ChangeSetFilter{})).v(t); l.Total != 0 {
			t.Fatalf("a failed proposal was stored: %+v", l.Items)
		}
		if n := ok(svc.GetNode(actx(), "leaf1")).v(t); n.Model != "" || n.Version != 1 {
			t.Fatalf("a dry run wrote: %+v", n)
		}
		// Appending positions by the operation's number in the set.
		cs := propose(t, svc, "Good", updateOp("node", "leaf1", map[string]any{"model": "ok"}))
		_, err = svc.AppendChangeOps(as("alice"), cs.ID, []unet.ChangeOp{updateOp("node", "spine1", map[string]any{"mgmt_ip": "bad"})})
		if unet.ErrorCode(err) != unet.EINVALID || unet.ErrorFields(err)[0].Field != "ops[2].mgmt_ip" {
			t.Fatalf("append error: %v", err)
		}
	})
}

func TestChangeSetCreateAndChain(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		// A set creates a node and then updates it: the update has no base
		// of its own (the create holds it).
		cs := approved(t, svc, "New leaf",
			createOp("node", map[string]any{"name": "leaf2", "domain": "example.net", "vendor": "arista", "location_id": "Site/Rack1"}),
			updateOp("node", "leaf2.example.net", map[string]any{"model": "7050"}),
		)
		if len(cs.Ops[0].Bases) != 1 || cs.Ops[0].Bases[0].Version != 0 || len(cs.Ops[1].Bases) != 0 {
			t.Fatalf("bases: %+v / %+v", cs.Ops[0].Bases, cs.Ops[1].Bases)
		}
		// Someone creates leaf2 directly meanwhile: a conflict.
		ok(svc.CreateNode(actx(), &unet.Node{Name: "leaf2", Domain: "example.net", Vendor: "arista"}, unet.WriteOptions{})).v(t)
		got := ok(svc.GetChangeSet(actx(), cs.ID, unet.ChangeSetView{})).v(t)
		if len(got.Conflicts) != 1 || got.Conflicts[0].StagedVersion != 0 || !got.Conflicts[0].Overlaps {
			t.Fatalf("create conflict: %+v", got.Conflicts)
		}
		_, err := svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if !strings.Contains(err.Error(), "node/leaf2.example.net") {
			t.Fatalf("conflict message: %v", err)
		}
	})
}

func TestChangeSetImpactOnDemand(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		cs := propose(t, svc, "Impact", updateOp("node", "leaf1", map[string]any{"model": "i"}))
		if cs.Impact != nil {
			t.Fatal("impact computed without being asked for")
		}
		if got := ok(svc.GetChangeSet(actx(), cs.ID, unet.ChangeSetView{Impact: true})).v(t); got.Impact == nil {
			t.Fatal("no impact on a proposed set")
		}
		ok(svc.ApproveChangeSet(as("bob"), cs.ID, "")).v(t)
		ok(svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})).v(t)
		if got := ok(svc.GetChangeSet(actx(), cs.ID, unet.ChangeSetView{Impact: true})).v(t); got.Impact != nil || len(got.Conflicts) != 0 {
			t.Fatalf("an applied set has impact or conflicts: %+v", got)
		}
	})
}
