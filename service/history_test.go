package service_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// lastChange returns the newest change row of an object (KIND/REF).
func lastChange(t *testing.T, svc *service.Service, object string) unet.Change {
	t.Helper()
	l := ok(svc.ListChanges(actx(), unet.ChangeFilter{Object: object, Page: unet.Page{Limit: 1}})).v(t)
	if len(l.Items) == 0 {
		t.Fatalf("no change of %s", object)
	}
	return l.Items[0]
}

func rfc(t time.Time) string { return t.Format(time.RFC3339Nano) }

// nodeLife creates leaf1, upgrades it twice, renames it to leaf9 and deletes
// it, returning the change row of each step.
func nodeLife(t *testing.T, svc *service.Service) (created, up1, up2, renamed, deleted unet.Change) {
	t.Helper()
	ctx := actx()
	seed(t, svc)
	ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"software_version": "4.30.1F"}, unet.WriteOptions{})).v(t)
	up1 = lastChange(t, svc, "node/leaf1")
	ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"software_version": "4.31.2F"}, unet.WriteOptions{})).v(t)
	up2 = lastChange(t, svc, "node/leaf1")
	ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"name": "leaf9"}, unet.WriteOptions{})).v(t)
	renamed = lastChange(t, svc, "node/leaf9")
	if err := svc.DeleteNode(ctx, "leaf9", unet.DeleteOptions{Cascade: true}); err != nil {
		t.Fatal(err)
	}
	hist := ok(svc.ListChanges(ctx, unet.ChangeFilter{Object: "node/leaf9.example.net"})).v(t)
	deleted = hist.Items[0]
	created = hist.Items[len(hist.Items)-1]
	if created.Op != unet.OpCreate || deleted.Op != unet.OpDelete {
		t.Fatalf("history: %+v", hist.Items)
	}
	return created, up1, up2, renamed, deleted
}

func TestNodeAt(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		created, up1, up2, renamed, deleted := nodeLife(t, svc)
		steps := []struct {
			c       unet.Change
			name    string
			version string
		}{
			{created, "leaf1", ""},
			{up1, "leaf1", "4.30.1F"},
			{up2, "leaf1", "4.31.2F"},
			{renamed, "leaf9", "4.31.2F"},
		}
		for i, st := range steps {
			for _, at := range []string{st.c.ID, rfc(st.c.Time)} {
				// By the old name, the new name, the FQDN and the ID.
				for _, ref := range []string{"leaf1", "leaf9", "leaf1.example.net", "leaf9.example.net", created.ObjectID} {
					n, err := svc.NodeAt(ctx, ref, at)
					if err != nil {
						t.Fatalf("step %d: NodeAt(%s, %s): %v", i, ref, at, err)
					}
					if n.ID != created.ObjectID || n.Name != st.name || n.SoftwareVersion != st.version || n.Version != i+1 {
						t.Fatalf("step %d: NodeAt(%s, %s) = %s version %q (v%d)", i, ref, at, n.Name, n.SoftwareVersion, n.Version)
					}
				}
			}
		}
		// After the delete, by either name: a clear not-found.
		for _, ref := range []string{"leaf1", "leaf9.example.net"} {
			_, err := svc.NodeAt(ctx, ref, deleted.ID)
			mustCode(t, err, unet.ENOTFOUND)
			if !strings.Contains(err.Error(), "did not exist at "+deleted.ID) || !strings.Contains(err.Error(), "deleted by change "+deleted.ID) {
				t.Fatalf("deleted: %v", err)
			}
		}
		// Before it was created.
		_, err := svc.NodeAt(ctx, "leaf1", "2000-01-01")
		mustCode(t, err, unet.ENOTFOUND)
		if !strings.Contains(err.Error(), "node leaf1 did not exist at 2000-01-01") || strings.Contains(err.Error(), "deleted") {
			t.Fatalf("before creation: %v", err)
		}
		// spine1 still exists; a name nobody ever had is not found.
		if n := ok(svc.NodeAt(ctx, "spine1", rfc(time.Now().Add(time.Hour)))).v(t); n.Name != "spine1" {
			t.Fatalf("spine1: %+v", n)
		}
		_, err = svc.NodeAt(ctx, "nobody", up1.ID)
		mustCode(t, err, unet.ENOTFOUND)
		// Bad points.
		for _, at := range []string{"yesterday", "", "2026-13-45", "cs-1"} {
			_, err := svc.NodeAt(ctx, "spine1", at)
			mustCode(t, err, unet.EINVALID)
			if !strings.Contains(err.Error(), "at: want an RFC 3339 time or a change ID") {
				t.Fatalf("at %q: %v", at, err)
			}
		}
		_, err = svc.NodeAt(ctx, "spine1", "01900000-0000-7000-8000-000000000000")
		mustCode(t, err, unet.ENOTFOUND)
	})
}

func TestNodeAtReusedName(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		old := ok(svc.CreateNode(ctx, &unet.Node{Name: "edge1", Vendor: "cisco", SoftwareVersion: "17.3"}, unet.WriteOptions{})).v(t)
		firstLife := lastChange(t, svc, "node/edge1")
		if err := svc.DeleteNode(ctx, "edge1", unet.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		cur := ok(svc.CreateNode(ctx, &unet.Node{Name: "edge1", Vendor: "cisco", SoftwareVersion: "17.9"}, unet.WriteOptions{})).v(t)
		// At the first life, the name means the first node even though
		// another node carries it now.
		if n := ok(svc.NodeAt(ctx, "edge1", firstLife.ID)).v(t); n.ID != old.ID || n.SoftwareVersion != "17.3" {
			t.Fatalf("first life: %+v", n)
		}
		if n := ok(svc.NodeAt(ctx, "edge1", rfc(time.Now().Add(time.Minute)))).v(t); n.ID != cur.ID {
			t.Fatalf("now: %+v", n)
		}
	})
}

func TestLinkAndLocationAt(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		linked := lastChange(t, svc, "link/leaf1.example.net:Ethernet49/1")
		ok(svc.UpdateLocation(ctx, "Site", unet.Patch{"name": "Paris"}, unet.WriteOptions{})).v(t)
		ok(svc.UpdateNode(ctx, "spine1", unet.Patch{"name": "spine7"}, unet.WriteOptions{})).v(t)
		ok(svc.UpdateLink(ctx, "leaf1:Ethernet49/1", unet.Patch{"role": "access"}, unet.WriteOptions{})).v(t)

		l := ok(svc.LinkAt(ctx, "leaf1:Ethernet49/1", linked.ID)).v(t)
		if l.Role != "backbone" || l.ZNode != "spine1.example.net" || l.ANode != "leaf1.example.net" {
			t.Fatalf("link then: %+v", l)
		}
		// The endpoint's name of that time names the link too.
		if l2 := ok(svc.LinkAt(ctx, "spine1:Ethernet1/1", linked.ID)).v(t); l2.ID != l.ID {
			t.Fatalf("by z end: %+v", l2)
		}
		now := rfc(time.Now().Add(time.Minute))
		if l := ok(svc.LinkAt(ctx, "spine7:Ethernet1/1", now)).v(t); l.Role != "access" || l.ZNode != "spine7.example.net" {
			t.Fatalf("link now: %+v", l)
		}
		rack := ok(svc.LocationAt(ctx, "Site/Rack1", linked.ID)).v(t)
		if rack.Path != "Site/Rack1" {
			t.Fatalf("rack then: %+v", rack)
		}
		if r := ok(svc.LocationAt(ctx, "Site/Rack1", now)).v(t); r.ID != rack.ID || r.Path != "Paris/Rack1" {
			t.Fatalf("rack now by old path: %+v", r)
		}
		if r := ok(svc.LocationAt(ctx, "Paris/Rack1", linked.ID)).v(t); r.Path != "Site/Rack1" {
			t.Fatalf("rack then by new path: %+v", r)
		}
		_, err := svc.LocationAt(ctx, "Site", "2001-01-01T00:00:00Z")
		mustCode(t, err, unet.ENOTFOUND)
	})
}

func TestNodeAtScoped(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		alice, bob := scopeWorld(t, svc)
		ctx := actx()
		mark := lastChange(t, svc, "node/lab1")
		// sin1 moves into EMEA later: at the mark it was out of alice's scope.
		ok(svc.UpdateNode(ctx, "sin1", unet.Patch{"location": "EMEA/LON"}, unet.WriteOptions{})).v(t)
		_, err := svc.NodeAt(alice, "sin1", mark.ID)
		mustCode(t, err, unet.ENOTFOUND)
		if strings.Contains(err.Error(), "did not exist") {
			t.Fatalf("scoped read reveals: %v", err)
		}
		if n := ok(svc.NodeAt(bob, "sin1", mark.ID)).v(t); n.Name != "sin1" {
			t.Fatalf("bob: %+v", n)
		}
		now := rfc(time.Now().Add(time.Minute))
		if n := ok(svc.NodeAt(alice, "sin1", now)).v(t); n.Name != "sin1" {
			t.Fatalf("alice now: %+v", n)
		}
		b := ok(svc.ExportAt(alice, mark.ID)).v(t)
		var names []string
		for _, n := range b.Nodes {
			names = append(names, n.Name)
		}
		if !reflect.DeepEqual(names, []string{"lon1", "lon2"}) {
			t.Fatalf("alice's export at the mark: %v", names)
		}
	})
}

func TestExportAtRoundTrip(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"software_version": "4.30.1F", "tags": []any{"dc", "gold"}}, unet.WriteOptions{})).v(t)
		ok(svc.CreateVendor(ctx, &unet.Vendor{Name: "acme", DisplayName: "Acme"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "fw1", Vendor: "acme", LocationID: "Site"}, unet.WriteOptions{})).v(t)
		mark := lastChange(t, svc, "node/fw1")
		want := ok(svc.Export(ctx)).v(t)

		// Everything changes afterwards.
		ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"software_version": "4.32.0F", "name": "leaf2"}, unet.WriteOptions{})).v(t)
		ok(svc.UpdateLocation(ctx, "Site", unet.Patch{"name": "Paris"}, unet.WriteOptions{})).v(t)
		if err := svc.DeleteNode(ctx, "spine1", unet.DeleteOptions{Cascade: true}); err != nil {
			t.Fatal(err)
		}
		ok(svc.CreateNode(ctx, &unet.Node{Name: "new1", Vendor: "cisco"}, unet.WriteOptions{})).v(t)

		for _, at := range []string{mark.ID, rfc(mark.Time)} {
			got := ok(svc.ExportAt(ctx, at)).v(t)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ExportAt(%s):\n got %+v\nwant %+v", at, got, want)
			}
		}
		// Now equals Export.
		if got, cur := ok(svc.ExportAt(ctx, rfc(time.Now().Add(time.Minute)))).v(t), ok(svc.Export(ctx)).v(t); !reflect.DeepEqual(got, cur) {
			t.Fatalf("ExportAt(now):\n got %+v\nwant %+v", got, cur)
		}
		// Before anything: the built-in vendors only.
		empty := ok(svc.ExportAt(ctx, "2001-01-01")).v(t)
		if len(empty.Nodes)+len(empty.Locations)+len(empty.Links) != 0 || len(empty.Vendors) != len(unet.DefaultVendors) {
			t.Fatalf("empty: %+v", empty)
		}

		// The export of that point imports into a fresh database as the
		// inventory of that point.
		past := ok(svc.ExportAt(ctx, mark.ID)).v(t)
		fresh := newService(t, engineOf(t))
		ok(fresh.Import(ctx, past, unet.ImportOptions{})).v(t)
		if again := ok(fresh.Export(ctx)).v(t); !reflect.DeepEqual(again, want) {
			t.Fatalf("re-import:\n got %+v\nwant %+v", again, want)
		}
		_, err := svc.ExportAt(ctx, "soon")
		mustCode(t, err, unet.EINVALID)
	})
}

// engineOf is the engine of an engines subtest, from its name.
func engineOf(t *testing.T) string {
	_, engine, _ := strings.Cut(t.Name(), "/")
	return engine
}

func TestChangeHistoryFollowsRenameAndDelete(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		created, up1, up2, renamed, deleted := nodeLife(t, svc)
		want := []string{deleted.ID, renamed.ID, up2.ID, up1.ID, created.ID}
		for _, object := range []string{"node/leaf1", "node/leaf9", "node/leaf1.example.net", "node/leaf9.example.net", "node/" + created.ObjectID, created.ObjectID} {
			l := ok(svc.ListChanges(context.Background(), unet.ChangeFilter{Object: object})).v(t)
			var got []string
			for _, c := range l.Items {
				got = append(got, c.ID)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("history of %s: %d rows, want %d (%v)", object, len(got), len(want), got)
			}
		}
	})
}

func TestTimeTravelOddInput(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		at := rfc(time.Now().Add(time.Minute))
		for _, ref := range []string{"", ":", "a:", ":b", "%", "_", "leaf1:", "x'; DROP TABLE changes; --", strings.Repeat("z", 5000)} {
			_, err := svc.NodeAt(ctx, ref, at)
			mustCode(t, err, unet.ENOTFOUND)
			_, err = svc.LinkAt(ctx, ref, at)
			mustCode(t, err, unet.ENOTFOUND)
			_, err = svc.LocationAt(ctx, ref, at)
			mustCode(t, err, unet.ENOTFOUND)
		}
		for _, at := range []string{"2026-12-06T10:00:00", "0000-00-00", "{01900000-0000-7000-8000-000000000000}", strings.Repeat("9", 36)} {
			_, err := svc.NodeAt(ctx, "leaf1", at)
			mustCode(t, err, unet.EINVALID)
		}
		// A date is the start of that day, UTC; an offset is honoured.
		if n := ok(svc.NodeAt(ctx, "leaf1", time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly))).v(t); n.Name != "leaf1" {
			t.Fatalf("tomorrow: %+v", n)
		}
		if n := ok(svc.NodeAt(ctx, "leaf1", time.Now().Add(time.Minute).In(time.FixedZone("X", 5*3600)).Format(time.RFC3339))).v(t); n.Name != "leaf1" {
			t.Fatalf("with an offset: %+v", n)
		}
	})
}
