package service_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// setChanges counts the change rows a set wrote.
func setChanges(t *testing.T, svc *service.Service, id string) int {
	t.Helper()
	all := ok(svc.ListChanges(actx(), unet.ChangeFilter{Page: unet.Page{Limit: 1000}})).v(t)
	n := 0
	for _, c := range all.Items {
		if c.ChangeSet == id {
			n++
		}
	}
	return n
}

func TestChangeSetConflictOnSecondApply(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		a := approved(t, svc, "A", updateOp("node", "leaf1", map[string]any{"software_version": "4.30"}))
		b := approved(t, svc, "B", updateOp("node", "leaf1", map[string]any{"software_version": "4.31"}))
		ok(svc.ApplyChangeSet(as("alice"), a.ID, unet.ApplyOptions{})).v(t)
		_, err := svc.ApplyChangeSet(as("alice"), b.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)
		fields := unet.ErrorFields(err)
		if len(fields) != 1 || fields[0].Field != "node/leaf1.example.net.software_version" ||
			fields[0].Message != `changed from "" to "4.30" since staging (cs-2 operation 1)` {
			t.Fatalf("conflict fields: %+v", fields)
		}
		if !strings.Contains(err.Error(), "node/leaf1.example.net (software_version)") {
			t.Fatalf("conflict message: %v", err)
		}
		got := ok(svc.GetChangeSet(actx(), b.ID, unet.ChangeSetView{})).v(t)
		if got.State != unet.ChangeSetApproved || len(got.Conflicts) != 1 || !got.Conflicts[0].Overlaps ||
			got.Conflicts[0].StagedVersion != 1 || got.Conflicts[0].CurrentVersion != 2 {
			t.Fatalf("conflicts of B: %+v", got.Conflicts)
		}
		// The overlap cannot be rebased: nothing changes.
		_, err = svc.RebaseChangeSet(as("alice"), b.ID)
		mustCode(t, err, unet.ECONFLICT)
		if !strings.Contains(err.Error(), "software_version") {
			t.Fatalf("rebase refusal: %v", err)
		}
		after := ok(svc.GetChangeSet(actx(), b.ID, unet.ChangeSetView{})).v(t)
		if after.Version != got.Version || after.State != unet.ChangeSetApproved || after.Ops[0].Bases[0].Version != 1 {
			t.Fatalf("a refused rebase changed the set: %+v", after)
		}
		if n := ok(svc.GetNode(actx(), "leaf1")).v(t); n.SoftwareVersion != "4.30" || setChanges(t, svc, b.ID) != 0 {
			t.Fatalf("B half applied: %+v", n)
		}
		// A final set has no conflicts.
		if a := ok(svc.GetChangeSet(actx(), a.ID, unet.ChangeSetView{})).v(t); len(a.Conflicts) != 0 || !a.Requirement.Satisfied {
			t.Fatalf("applied set: %+v", a)
		}
	})
}

func TestChangeSetRebase(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		cs := approved(t, svc, "Model", updateOp("node", "leaf1", map[string]any{"model": "7050SX3"}))
		ok(svc.UpdateNode(actx(), "leaf1", unet.Patch{"serial_number": "SN1"}, unet.WriteOptions{})).v(t)
		got := ok(svc.GetChangeSet(actx(), cs.ID, unet.ChangeSetView{})).v(t)
		if len(got.Conflicts) != 1 || got.Conflicts[0].Overlaps || got.Conflicts[0].Fields[0].Field != "serial_number" {
			t.Fatalf("conflict: %+v", got.Conflicts)
		}
		_, err := svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if f := unet.ErrorFields(err); len(f) != 1 || f[0].Field != "node/leaf1.example.net.serial_number" {
			t.Fatalf("conflict fields: %+v", f)
		}
		cs = ok(svc.RebaseChangeSet(as("alice"), cs.ID)).v(t)
		if cs.State != unet.ChangeSetProposed || len(cs.Conflicts) != 0 || cs.Ops[0].Bases[0].Version != 2 ||
			cs.Approvals[0].DismissedAt == nil {
			t.Fatalf("rebased: %+v", cs)
		}
		wantTransitions(t, svc, cs.ID, unet.EventCreated, unet.EventApproved, unet.EventRebased, unet.EventApprovalDismissed)
		ok(svc.ApproveChangeSet(as("bob"), cs.ID, "")).v(t)
		ok(svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})).v(t)
		if n := ok(svc.GetNode(actx(), "leaf1")).v(t); n.Model != "7050SX3" || n.SerialNumber != "SN1" {
			t.Fatalf("after rebased apply: %+v", n)
		}
	})
}

func TestChangeSetNothingHalfApplied(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		cs := approved(t, svc, "Two",
			updateOp("node", "spine1", map[string]any{"model": "7280R3"}),
			updateOp("node", "leaf1", map[string]any{"model": "7050SX3"}))
		if err := svc.DeleteNode(actx(), "leaf1", unet.DeleteOptions{Cascade: true}); err != nil {
			t.Fatal(err)
		}
		_, err := svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if f := unet.ErrorFields(err); len(f) != 1 || f[0].Field != "node/leaf1.example.net" || !strings.Contains(f[0].Message, "deleted since staging (cs-1 operation 2)") {
			t.Fatalf("conflict: %+v", f)
		}
		if n := ok(svc.GetNode(actx(), "spine1")).v(t); n.Version != 1 || n.Model != "" || setChanges(t, svc, cs.ID) != 0 {
			t.Fatalf("first operation applied: %+v", n)
		}
		// An operation failing inside the apply rolls back the ones before.
		cs2 := approved(t, svc, "Two again",
			updateOp("node", "spine1", map[string]any{"model": "7280R3"}),
			createOp("link", map[string]any{"a_node_id": "spine1", "a_interface": "Ethernet2", "z_node_id": "spine1", "z_interface": "Ethernet3"}))
		// Its Z end is taken meanwhile: only running the operation finds it.
		ok(svc.CreateLink(actx(), &unet.Link{ANodeID: "spine1", AInterface: "Ethernet3", ZNodeID: "spine1", ZInterface: "Ethernet4"}, unet.WriteOptions{})).v(t)
		_, err = svc.ApplyChangeSet(as("alice"), cs2.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if !strings.Contains(err.Error(), "operation 2 (create link") {
			t.Fatalf("apply error: %v", err)
		}
		if n := ok(svc.GetNode(actx(), "spine1")).v(t); n.Version != 1 || setChanges(t, svc, cs2.ID) != 0 {
			t.Fatalf("first operation applied: %+v", n)
		}
		// Its A end taken meanwhile is a conflict found before running it.
		cs3 := approved(t, svc, "Link",
			createOp("link", map[string]any{"a_node_id": "spine1", "a_interface": "Ethernet5", "z_node_id": "spine1", "z_interface": "Ethernet6"}))
		ok(svc.CreateLink(actx(), &unet.Link{ANodeID: "spine1", AInterface: "Ethernet5", ZNodeID: "spine1", ZInterface: "Ethernet7"}, unet.WriteOptions{})).v(t)
		_, err = svc.ApplyChangeSet(as("alice"), cs3.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if !strings.Contains(err.Error(), "link/spine1.example.net:Ethernet5 (created since staging)") {
			t.Fatalf("link conflict: %v", err)
		}
	})
}

func TestChangeSetConcurrentApply(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			svcs := servicesOn(t, dbURL(t, engine), 2)
			seed(t, svcs[0])
			for round := 0; round < 4; round++ {
				v := fmt.Sprint(round)
				a := approved(t, svcs[0], "A", updateOp("node", "leaf1", map[string]any{"model": "a" + v}),
					updateOp("node", "spine1", map[string]any{"model": "a" + v}))
				b := approved(t, svcs[0], "B", updateOp("node", "leaf1", map[string]any{"serial_number": "b" + v}))
				start := make(chan struct{})
				errs := make([]error, 2)
				var wg sync.WaitGroup
				for i, id := range []string{a.ID, b.ID} {
					wg.Add(1)
					go func(i int, id string) {
						defer wg.Done()
						<-start
						_, errs[i] = svcs[i].ApplyChangeSet(as("alice"), id, unet.ApplyOptions{})
					}(i, id)
				}
				close(start)
				wg.Wait()
				won := 0
				for i, err := range errs {
					switch unet.ErrorCode(err) {
					case "":
						won++
					case unet.ECONFLICT:
						if !strings.Contains(err.Error(), "node/leaf1.example.net") {
							t.Fatalf("set %d: conflict does not name the node: %v", i, err)
						}
					default:
						t.Fatalf("set %d: %v", i, err)
					}
				}
				if won != 1 {
					t.Fatalf("round %d: %d sets applied, want 1 (%v)", round, won, errs)
				}
				loser := a.ID
				if errs[0] == nil {
					loser = b.ID
				}
				if n := setChanges(t, svcs[0], loser); n != 0 {
					t.Fatalf("the losing set %s wrote %d change(s)", loser, n)
				}
				if st := ok(svcs[0].GetChangeSet(actx(), loser, unet.ChangeSetView{})).v(t).State; st != unet.ChangeSetApproved {
					t.Fatalf("losing set is %s", st)
				}
				ok(svcs[0].AbandonChangeSet(as("alice"), loser, "lost the race")).v(t)
			}
		})
	}
}

func TestChangeSetEmergency(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		cs := propose(t, svc, "Hotfix", updateOp("node", "leaf1", map[string]any{"software_version": "4.30.9"}))
		_, err := svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{Emergency: true})
		mustCode(t, err, unet.EINVALID)
		limited := unet.WithPrincipal(as("alice"), &unet.Principal{User: "alice", Permissions: []unet.Permission{unet.PermChangesApply}})
		_, err = svc.ApplyChangeSet(limited, cs.ID, unet.ApplyOptions{Emergency: true, Reason: "outage"})
		mustCode(t, err, unet.EFORBIDDEN)
		_, err = svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{Force: true})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.ApplyChangeSet(limited, cs.ID, unet.ApplyOptions{Force: true, Reason: "guards are wrong"})
		mustCode(t, err, unet.EFORBIDDEN)
		if got := ok(svc.GetChangeSet(actx(), cs.ID, unet.ChangeSetView{})).v(t); got.State != unet.ChangeSetProposed || setChanges(t, svc, cs.ID) != 0 {
			t.Fatalf("a refused apply changed something: %+v", got)
		}
		cs = ok(svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{Emergency: true, Reason: "outage INC-1"})).v(t)
		if cs.State != unet.ChangeSetApplied || !cs.Emergency || cs.Reason != "outage INC-1" {
			t.Fatalf("emergency apply: %+v", cs)
		}
		rows := ok(svc.ListChanges(actx(), unet.ChangeFilter{Page: unet.Page{Limit: 1}})).v(t).Items
		if !rows[0].Emergency || rows[0].ChangeSet != cs.ID || rows[0].Reason != "outage INC-1" {
			t.Fatalf("change row: %+v", rows[0])
		}
		wantTransitions(t, svc, cs.ID, unet.EventCreated, unet.EventEmergency, unet.EventApplied)
	})
}

func TestChangeSetRevertChange(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		ok(svc.UpdateNode(actx(), "leaf1", unet.Patch{"model": "old", "custom_data": map[string]any{"a": 1}}, unet.WriteOptions{})).v(t)
		ok(svc.UpdateNode(actx(), "leaf1", unet.Patch{"model": "new", "custom_data": map[string]any{"b": 2}}, unet.WriteOptions{})).v(t)
		last := ok(svc.ListChanges(actx(), unet.ChangeFilter{Page: unet.Page{Limit: 1}})).v(t).Items[0]
		cs := ok(svc.RevertChange(as("carol"), last.ID, unet.RevertOptions{Reason: "bad model"})).v(t)
		if cs.State != unet.ChangeSetApplied || cs.Reverts != last.ID || cs.Author != "carol" || cs.Title != "Revert change "+last.ID {
			t.Fatalf("revert set: %+v", cs)
		}
		n := ok(svc.GetNode(actx(), "leaf1")).v(t)
		if n.Model != "old" || n.CustomData["b"] != nil || n.CustomData["a"] != float64(1) || n.Version != 4 {
			t.Fatalf("after revert: %+v", n)
		}
		wantTransitions(t, svc, cs.ID, unet.EventCreated, unet.EventApplied)
		// The reverted change is no longer the object's state.
		_, err := svc.RevertChange(as("carol"), last.ID, unet.RevertOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if !strings.Contains(err.Error(), "node leaf1.example.net changed since (version 4, change ") {
			t.Fatalf("refusal: %v", err)
		}
		_, err = svc.RevertChange(as("carol"), "no-such-change", unet.RevertOptions{})
		mustCode(t, err, unet.ENOTFOUND)
	})
}

func TestChangeSetRevertSet(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		leaf := ok(svc.GetNode(actx(), "leaf1")).v(t)
		link := ok(svc.ListLinks(actx(), unet.LinkFilter{})).v(t).Items[0]
		cs := approved(t, svc, "Rebuild",
			createOp("node", map[string]any{"name": "leaf9", "vendor": "arista"}),
			updateOp("node", "spine1", map[string]any{"model": "7280R3"}),
			unet.ChangeOp{Op: unet.OpDelete, Kind: "node", Ref: "leaf1", Cascade: true})
		ok(svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})).v(t)

		rv := ok(svc.RevertChange(as("bob"), cs.ID, unet.RevertOptions{})).v(t)
		if rv.Reverts != cs.ID || rv.State != unet.ChangeSetApplied || !strings.HasPrefix(rv.Title, "Revert "+cs.ID) {
			t.Fatalf("revert set: %+v", rv)
		}
		back := ok(svc.GetNode(actx(), "leaf1")).v(t)
		if back.ID != leaf.ID || back.MgmtIP != leaf.MgmtIP || back.LocationID != leaf.LocationID {
			t.Fatalf("leaf1 not restored under its ID: %+v", back)
		}
		if l := ok(svc.GetLink(actx(), link.ID)).v(t); l.ANodeID != leaf.ID || l.AInterface != link.AInterface {
			t.Fatalf("link not restored: %+v", l)
		}
		if ok(svc.GetNode(actx(), "spine1")).v(t).Model != "" {
			t.Fatal("spine1 not restored")
		}
		_, err := svc.GetNode(actx(), "leaf9")
		mustCode(t, err, unet.ENOTFOUND)
		orig := ok(svc.GetChangeSet(actx(), cs.ID, unet.ChangeSetView{})).v(t)
		if orig.State != unet.ChangeSetReverted || orig.RevertedBy != rv.ID {
			t.Fatalf("original: %+v", orig)
		}
		wantTransitions(t, svc, cs.ID, unet.EventCreated, unet.EventApproved, unet.EventApplied, unet.EventReverted)
		_, err = svc.RevertChange(as("bob"), cs.ID, unet.RevertOptions{})
		mustCode(t, err, unet.ECONFLICT)

		// Refused when an object changed since, unless forced.
		up := approved(t, svc, "Spine model", updateOp("node", "spine1", map[string]any{"model": "X"}))
		ok(svc.ApplyChangeSet(as("alice"), up.ID, unet.ApplyOptions{})).v(t)
		ok(svc.UpdateNode(actx(), "spine1", unet.Patch{"role": "core"}, unet.WriteOptions{})).v(t)
		_, err = svc.RevertChange(as("bob"), up.ID, unet.RevertOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if !strings.Contains(err.Error(), "node spine1.example.net changed since (version") {
			t.Fatalf("refusal: %v", err)
		}
		ok(svc.RevertChange(as("bob"), up.ID, unet.RevertOptions{Force: true, Reason: "back out"})).v(t)
		if n := ok(svc.GetNode(actx(), "spine1")).v(t); n.Model != "" || n.Role != "spine" {
			t.Fatalf("forced revert: %+v", n)
		}
		_, err = svc.RevertChange(as("bob"), "cs-77", unet.RevertOptions{})
		mustCode(t, err, unet.ENOTFOUND)
	})
}

func TestChangeSetEvents(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		cs := approved(t, svc, "E", updateOp("node", "leaf1", map[string]any{"model": "e"}))
		ok(svc.ApplyChangeSet(as("carol"), cs.ID, unet.ApplyOptions{})).v(t)
		all := ok(svc.ListChangeEvents(actx(), unet.ChangeEventFilter{})).v(t)
		if all.Total != 3 {
			t.Fatalf("events: %+v", all.Items)
		}
		e := all.Items[1]
		if e.Transition != unet.EventApproved || e.Actor != "bob" || e.From != unet.ChangeSetProposed || e.To != unet.ChangeSetApproved ||
			e.Detail != "1/1 approvals" || e.ChangeSet != cs.ID || e.Time.IsZero() {
			t.Fatalf("approved event: %+v", e)
		}
		if a := all.Items[2]; a.Actor != "carol" || a.To != unet.ChangeSetApplied {
			t.Fatalf("applied event: %+v", a)
		}
		page := ok(svc.ListChangeEvents(actx(), unet.ChangeEventFilter{Limit: 2})).v(t)
		rest := ok(svc.ListChangeEvents(actx(), unet.ChangeEventFilter{After: page.Next})).v(t)
		if len(page.Items) != 2 || len(rest.Items) != 1 || rest.Items[0].ID != all.Items[2].ID {
			t.Fatalf("paging: %+v / %+v", page, rest)
		}
		if l := ok(svc.ListChangeEvents(actx(), unet.ChangeEventFilter{Since: all.Items[2].Time})).v(t); l.Total < 1 {
			t.Fatalf("since: %+v", l)
		}
	})
}

func TestChangeSetConcurrentApprovals(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		cs := propose(t, svc, "Two reviewers", updateOp("node", "leaf1", map[string]any{"model": "r"}))
		start := make(chan struct{})
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, who := range []string{"bob", "dave"} {
			wg.Add(1)
			go func(i int, who string) {
				defer wg.Done()
				<-start
				ctx := unet.WithPrincipal(as(who), &unet.Principal{User: who, Grants: []unet.Grant{{Role: unet.RoleApprover}},
					Permissions: []unet.Permission{unet.PermChangesApprove}})
				_, errs[i] = svc.ApproveChangeSet(ctx, cs.ID, "ok")
			}(i, who)
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("approval %d: %v", i, err)
			}
		}
		got := ok(svc.GetChangeSet(actx(), cs.ID, unet.ChangeSetView{})).v(t)
		if got.State != unet.ChangeSetApproved || got.Requirement.Approvals != 2 || len(got.Approvals) != 2 {
			t.Fatalf("after two approvals: %+v", got)
		}
		for _, a := range got.Approvals {
			if len(a.Roles) != 1 || a.Roles[0] != unet.RoleApprover {
				t.Fatalf("roles not recorded: %+v", a)
			}
		}
	})
}
