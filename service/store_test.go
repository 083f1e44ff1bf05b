package service_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

func TestNodeCRUD(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		n := ok(svc.GetNode(ctx, "leaf1")).v(t)
		if n.FQDN != "leaf1.example.net" || n.Vendor != "arista" || n.Version != 1 || n.Environment != "production" {
			t.Fatalf("unexpected node: %+v", n)
		}
		loc := ok(svc.GetLocation(ctx, "Site/Rack1")).v(t)
		if n.LocationID != loc.ID {
			t.Fatalf("location not resolved: %q vs %q", n.LocationID, loc.ID)
		}
		for _, ref := range []string{n.ID, "leaf1.example.net", "leaf1"} {
			if got := ok(svc.GetNode(ctx, ref)).v(t); got.ID != n.ID {
				t.Fatalf("ref %s: got %s", ref, got.ID)
			}
		}
		up := ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"model": "7050SX3", "custom_data": map[string]any{"ntp": map[string]any{"servers": []any{"192.0.2.9"}}}}, unet.WriteOptions{IfVersion: 1})).v(t)
		if up.Version != 2 || up.Model != "7050SX3" || up.CustomData["ntp"] == nil || up.MgmtIP != "192.0.2.1" {
			t.Fatalf("update: %+v", up)
		}
		// Merge patch: nested keys merge, null removes.
		up = ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"custom_data": map[string]any{"rack": "R1", "ntp": nil}}, unet.WriteOptions{})).v(t)
		if _, ok := up.CustomData["ntp"]; ok || up.CustomData["rack"] != "R1" || up.Version != 3 {
			t.Fatalf("merge patch: %+v", up.CustomData)
		}
		// An update that changes nothing writes nothing.
		before := changeCount(t, svc)
		same := ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"model": "7050SX3"}, unet.WriteOptions{})).v(t)
		if same.Version != 3 || changeCount(t, svc) != before {
			t.Fatalf("no-op update wrote: version %d, changes %d→%d", same.Version, before, changeCount(t, svc))
		}
		mustCode(t, svc.DeleteNode(ctx, "leaf1", unet.DeleteOptions{}), unet.ECONFLICT)
		if err := svc.DeleteNode(ctx, "leaf1", unet.DeleteOptions{Cascade: true}); err != nil {
			t.Fatal(err)
		}
		_, err := svc.GetNode(ctx, "leaf1")
		mustCode(t, err, unet.ENOTFOUND)
		links := ok(svc.ListLinks(ctx, unet.LinkFilter{})).v(t)
		if len(links.Items) != 0 {
			t.Fatalf("cascade left links: %+v", links.Items)
		}
	})
}

func TestNodeValidation(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		cases := []struct {
			node  unet.Node
			field string
		}{
			{unet.Node{Name: "bad name", Vendor: "cisco"}, "name"},
			{unet.Node{Name: "", Vendor: "cisco"}, "name"},
			{unet.Node{Name: "r1", Vendor: "nosuchvendor"}, "vendor"},
			{unet.Node{Name: "r1", Vendor: "cisco", MgmtIP: "10.0.0.300"}, "mgmt_ip"},
			{unet.Node{Name: "r1", Vendor: "cisco", LocationID: "Nowhere"}, "location"},
			{unet.Node{Name: "r1", Vendor: "cisco", Platform: "vyos"}, "platform"},
			{unet.Node{Name: "r1", Vendor: "cisco", Lifecycle: "broken"}, "lifecycle"},
			{unet.Node{Name: "r1", Vendor: "cisco", Role: "Core Router"}, "role"},
			{unet.Node{Name: "r1", Vendor: "cisco", DeviceType: "toaster"}, "device_type"},
		}
		before := changeCount(t, svc)
		for _, c := range cases {
			_, err := svc.CreateNode(ctx, &c.node, unet.WriteOptions{})
			mustCode(t, err, unet.EINVALID)
			found := false
			for _, f := range unet.ErrorFields(err) {
				found = found || f.Field == c.field
			}
			if !found {
				t.Errorf("%+v: error does not name field %s: %v", c.node, c.field, err)
			}
		}
		if changeCount(t, svc) != before {
			t.Fatal("failed creates wrote change rows")
		}
		_, err := svc.CreateNode(ctx, &unet.Node{Name: "leaf1", Domain: "example.net", Vendor: "cisco"}, unet.WriteOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if !strings.Contains(err.Error(), "leaf1.example.net") {
			t.Fatalf("conflict does not name the node: %v", err)
		}
		// Same name in another domain is a different node.
		ok(svc.CreateNode(ctx, &unet.Node{Name: "leaf1", Domain: "lab.example.net", Vendor: "cisco"}, unet.WriteOptions{})).v(t)
		_, err = svc.GetNode(ctx, "leaf1")
		mustCode(t, err, unet.EINVALID) // ambiguous bare name
		// Read-only and unknown fields in patches.
		_, err = svc.UpdateNode(ctx, "leaf1.example.net", unet.Patch{"version": 9}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.UpdateNode(ctx, "leaf1.example.net", unet.Patch{"colour": "red"}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.UpdateNode(ctx, "leaf1.example.net", unet.Patch{"custom_data": []any{1}}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
	})
}

func TestLifecycleTransitions(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		steps := []struct {
			to string
			ok bool
		}{
			{"planned", true}, {"implementing", true}, {"live", true}, {"implementing", false},
			{"decommissioned", true}, {"live", false}, {"planned", true}, {"decommissioned", true},
		}
		for _, s := range steps {
			_, err := svc.UpdateNode(ctx, "spine1", unet.Patch{"lifecycle": s.to}, unet.WriteOptions{})
			if s.ok && err != nil {
				t.Fatalf("→ %s: %v", s.to, err)
			}
			if !s.ok {
				mustCode(t, err, unet.EINVALID)
			}
		}
	})
}

func TestLocationRules(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		_, err := svc.CreateLocation(ctx, &unet.Location{Name: "Rack1", Type: "rack", ParentID: "Site"}, unet.WriteOptions{})
		mustCode(t, err, unet.ECONFLICT)
		// Same name under another parent is fine.
		ok(svc.CreateLocation(ctx, &unet.Location{Name: "Other", Type: "site"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateLocation(ctx, &unet.Location{Name: "Rack1", Type: "rack", ParentID: "Other"}, unet.WriteOptions{})).v(t)
		_, err = svc.CreateLocation(ctx, &unet.Location{Name: "a/b", Type: "site"}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.CreateLocation(ctx, &unet.Location{Name: "X", Type: "planet"}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.CreateLocation(ctx, &unet.Location{Name: "X", Type: "site", ParentID: "Nope"}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		// Deleting a non-empty location names what is inside.
		err = svc.DeleteLocation(ctx, "Site", unet.DeleteOptions{})
		mustCode(t, err, unet.ECONFLICT)
		for _, want := range []string{"Site/Rack1", "spine1.example.net"} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("delete refusal does not name %s: %v", want, err)
			}
		}
		// Rename moves the whole subtree; nodes keep their location.
		ok(svc.UpdateLocation(ctx, "Site", unet.Patch{"name": "DC1"}, unet.WriteOptions{})).v(t)
		if l := ok(svc.GetLocation(ctx, "DC1/Rack1")).v(t); l.Name != "Rack1" {
			t.Fatalf("child path not recomputed: %+v", l)
		}
		list := ok(svc.ListNodes(ctx, unet.NodeFilter{Location: "DC1"})).v(t)
		if list.Total != 2 {
			t.Fatalf("location filter includes descendants: want 2, got %d", list.Total)
		}
		// No cycles.
		_, err = svc.UpdateLocation(ctx, "DC1", unet.Patch{"parent": "DC1/Rack1"}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		// Empty locations delete.
		if err := svc.DeleteLocation(ctx, "Other/Rack1", unet.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLinkRules(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		// Interface used twice (either end, case-insensitive).
		_, err := svc.CreateLink(ctx, &unet.Link{ANodeID: "spine1", AInterface: "ethernet1/1", ZNodeID: "leaf1", ZInterface: "Ethernet50/1"}, unet.WriteOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if !strings.Contains(err.Error(), "already used by link") {
			t.Fatalf("message: %v", err)
		}
		// Self link.
		_, err = svc.CreateLink(ctx, &unet.Link{ANodeID: "leaf1", AInterface: "Ethernet2", ZNodeID: "leaf1", ZInterface: "Ethernet2"}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		// Half a Z end.
		_, err = svc.CreateLink(ctx, &unet.Link{ANodeID: "leaf1", AInterface: "Ethernet3", ZNodeID: "spine1"}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		// Unknown node.
		_, err = svc.CreateLink(ctx, &unet.Link{ANodeID: "ghost", AInterface: "Ethernet3"}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		// External circuit, then by NODE:IFACE reference.
		ext := ok(svc.CreateLink(ctx, &unet.Link{Name: "transit-1", ANodeID: "spine1", AInterface: "Ethernet32/1", Role: "internet", BandwidthBPS: 10e9}, unet.WriteOptions{})).v(t)
		if got := ok(svc.GetLink(ctx, "spine1:Ethernet32/1")).v(t); got.ID != ext.ID || got.ZNode != "" {
			t.Fatalf("by endpoint: %+v", got)
		}
		_, err = svc.CreateLink(ctx, &unet.Link{Name: "transit-1", ANodeID: "spine1", AInterface: "Ethernet33/1"}, unet.WriteOptions{})
		mustCode(t, err, unet.ECONFLICT)
		// Moving an end frees the old interface and claims the new one.
		ok(svc.UpdateLink(ctx, "transit-1", unet.Patch{"a_interface": "Ethernet31/1"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateLink(ctx, &unet.Link{ANodeID: "spine1", AInterface: "Ethernet32/1"}, unet.WriteOptions{})).v(t)
		list := ok(svc.ListLinks(ctx, unet.LinkFilter{Node: "spine1"})).v(t)
		if list.Total != 3 {
			t.Fatalf("links of spine1: want 3, got %d", list.Total)
		}
		if err := svc.DeleteLink(ctx, "transit-1", unet.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestVendors(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		vs := ok(svc.ListVendors(ctx)).v(t)
		if len(vs) < 8 || vs[0].Name != "arista" {
			t.Fatalf("seeded vendors: %+v", vs)
		}
		v := ok(svc.CreateVendor(ctx, &unet.Vendor{Name: "MikroTik", DisplayName: "MikroTik"}, unet.WriteOptions{})).v(t)
		if v.Name != "mikrotik" {
			t.Fatalf("vendor not lowercased: %+v", v)
		}
		_, err := svc.CreateVendor(ctx, &unet.Vendor{Name: "mikrotik"}, unet.WriteOptions{})
		mustCode(t, err, unet.ECONFLICT)
		_, err = svc.CreateVendor(ctx, &unet.Vendor{Name: "bad vendor"}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "r1", Vendor: "MIKROTIK"}, unet.WriteOptions{})).v(t)
	})
}

func TestOptimisticConcurrency(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		a := ok(svc.GetNode(ctx, "leaf1")).v(t)
		b := ok(svc.GetNode(ctx, "leaf1")).v(t)
		ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"model": "first"}, unet.WriteOptions{IfVersion: a.Version})).v(t)
		_, err := svc.UpdateNode(ctx, "leaf1", unet.Patch{"model": "second"}, unet.WriteOptions{IfVersion: b.Version})
		mustCode(t, err, unet.ECONFLICT)
		if got := ok(svc.GetNode(ctx, "leaf1")).v(t); got.Model != "first" || got.Version != 2 {
			t.Fatalf("second writer overwrote: %+v", got)
		}
		mustCode(t, svc.DeleteNode(ctx, "spine1", unet.DeleteOptions{IfVersion: 7, Cascade: true}), unet.ECONFLICT)
		_, err = svc.UpdateLocation(ctx, "Site", unet.Patch{"description": "x"}, unet.WriteOptions{IfVersion: 5})
		mustCode(t, err, unet.ECONFLICT)
		_, err = svc.UpdateLink(ctx, "leaf1:Ethernet49/1", unet.Patch{"role": "access"}, unet.WriteOptions{IfVersion: 2})
		mustCode(t, err, unet.ECONFLICT)
	})
}

func TestPaginationAndFilters(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		ok(svc.CreateLocation(ctx, &unet.Location{Name: "S", Type: "site"}, unet.WriteOptions{})).v(t)
		for i := 0; i < 57; i++ {
			n := &unet.Node{Name: fmt.Sprintf("n%03d", i), Vendor: []string{"cisco", "juniper", "arista"}[i%3],
				Role: []string{"core", "leaf"}[i%2], Platform: []string{"ios", "junos", "eos"}[i%3]}
			if i%5 == 0 {
				n.LocationID = "S"
				n.Tags = []string{"five"}
			}
			ok(svc.CreateNode(ctx, n, unet.WriteOptions{})).v(t)
		}
		seen := map[string]int{}
		p := unet.Page{Limit: 10}
		pages := 0
		for {
			l := ok(svc.ListNodes(ctx, unet.NodeFilter{Page: p})).v(t)
			pages++
			if l.Total != 57 {
				t.Fatalf("total: %d", l.Total)
			}
			for _, n := range l.Items {
				seen[n.Name]++
			}
			if l.Next == "" {
				break
			}
			p.Cursor = l.Next
		}
		if len(seen) != 57 || pages != 6 {
			t.Fatalf("cursor walk: %d distinct in %d pages", len(seen), pages)
		}
		for name, c := range seen {
			if c != 1 {
				t.Fatalf("%s seen %d times", name, c)
			}
		}
		off := ok(svc.ListNodes(ctx, unet.NodeFilter{Page: unet.Page{Limit: 5, Offset: 55}})).v(t)
		if len(off.Items) != 2 || off.Items[0].Name != "n055" {
			t.Fatalf("offset page: %+v", off.Items)
		}
		count := func(f unet.NodeFilter) int { return ok(svc.ListNodes(ctx, f)).v(t).Total }
		if c := count(unet.NodeFilter{Vendor: "Juniper"}); c != 19 {
			t.Fatalf("vendor filter: %d", c)
		}
		if c := count(unet.NodeFilter{Role: "core", Platform: "ios"}); c != 10 {
			t.Fatalf("role+platform filter: %d", c)
		}
		if c := count(unet.NodeFilter{Tag: "five"}); c != 12 {
			t.Fatalf("tag filter: %d", c)
		}
		if c := count(unet.NodeFilter{Tag: "fiv"}); c != 0 {
			t.Fatalf("tag filter must match whole tags: %d", c)
		}
		if c := count(unet.NodeFilter{Location: "S"}); c != 12 {
			t.Fatalf("location filter: %d", c)
		}
		if c := count(unet.NodeFilter{Lifecycle: "planned"}); c != 57 {
			t.Fatalf("lifecycle filter: %d", c)
		}
		_, err := svc.ListNodes(ctx, unet.NodeFilter{Page: unet.Page{Cursor: "!!"}})
		mustCode(t, err, unet.EINVALID)
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestChangeLog(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		// seed: 2 locations + 2 nodes + 1 link = 5 rows, one per mutation.
		if c := changeCount(t, svc); c != 5 {
			t.Fatalf("after seed: %d change rows", c)
		}
		ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"role": "border"}, unet.WriteOptions{Reason: "re-role"})).v(t)
		l := ok(svc.ListChanges(ctx, unet.ChangeFilter{Object: "node/leaf1"})).v(t)
		if l.Total != 2 || l.Items[0].Op != unet.OpUpdate || l.Items[1].Op != unet.OpCreate {
			t.Fatalf("node history: %+v", l.Items)
		}
		c := l.Items[0]
		var before, after unet.Node
		if err := json.Unmarshal(c.Before, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(c.After, &after); err != nil {
			t.Fatal(err)
		}
		if before.Role != "leaf" || after.Role != "border" || before.Version != 1 || after.Version != 2 ||
			c.Actor != "tester" || c.Reason != "re-role" || c.ObjectName != "leaf1.example.net" {
			t.Fatalf("change row: %+v before=%+v after=%+v", c, before.Role, after.Role)
		}
		if got := ok(svc.GetChange(ctx, c.ID)).v(t); got.ID != c.ID || string(got.After) != string(c.After) {
			t.Fatalf("get change: %+v", got)
		}
		if l.Items[1].Before == nil || string(l.Items[1].Before) != "null" {
			t.Fatalf("create has a before image: %s", l.Items[1].Before)
		}
		// Failed mutations leave no row.
		n := changeCount(t, svc)
		_, _ = svc.UpdateNode(ctx, "leaf1", unet.Patch{"mgmt_ip": "nope"}, unet.WriteOptions{})
		_ = svc.DeleteNode(ctx, "leaf1", unet.DeleteOptions{})
		_, _ = svc.CreateLink(ctx, &unet.Link{ANodeID: "leaf1", AInterface: "Ethernet49/1"}, unet.WriteOptions{})
		if changeCount(t, svc) != n {
			t.Fatalf("failed mutations wrote change rows: %d → %d", n, changeCount(t, svc))
		}
		// A cascade delete writes one row per deleted object, in one batch.
		if err := svc.DeleteNode(ctx, "leaf1", unet.DeleteOptions{Cascade: true, Reason: "decom"}); err != nil {
			t.Fatal(err)
		}
		if changeCount(t, svc) != n+2 {
			t.Fatalf("cascade: want %d rows, got %d", n+2, changeCount(t, svc))
		}
		last := ok(svc.ListChanges(ctx, unet.ChangeFilter{Page: unet.Page{Limit: 2}})).v(t)
		if last.Items[0].Batch != last.Items[1].Batch || string(last.Items[0].After) != "null" {
			t.Fatalf("cascade rows: %+v", last.Items)
		}
		// Deleted objects are still found by name.
		hist := ok(svc.ListChanges(ctx, unet.ChangeFilter{Object: "node/leaf1.example.net"})).v(t)
		if hist.Total != 3 {
			t.Fatalf("history of deleted node: %d rows", hist.Total)
		}
		_, err := svc.ListChanges(ctx, unet.ChangeFilter{Object: "planet/earth"})
		mustCode(t, err, unet.EINVALID)
	})
}

func TestImportAtomicAndIdempotent(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		b := &unet.Bundle{
			Locations: []unet.LocationRecord{{Name: "Rack", Type: "rack", Parent: "DC"}, {Name: "DC", Type: "site"}},
			Nodes: []unet.NodeRecord{
				{Name: "a", Vendor: "cisco", Location: "DC/Rack"},
				{Name: "b", Vendor: "juniper", Location: "DC"},
			},
			Links: []unet.LinkRecord{{ANode: "a", AInterface: "Gi0/1", ZNode: "b", ZInterface: "ge-0/0/0"}},
		}
		rep := ok(svc.Import(ctx, b, unet.ImportOptions{})).v(t)
		if rep.Created != 5 || rep.Updated != 0 {
			t.Fatalf("first import: %+v", rep)
		}
		rep = ok(svc.Import(ctx, b, unet.ImportOptions{})).v(t)
		if rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != 5 {
			t.Fatalf("second import is not a no-op: %+v", rep)
		}
		n := changeCount(t, svc)
		b.Nodes[1].Model = "MX204"
		rep = ok(svc.Import(ctx, b, unet.ImportOptions{DryRun: true})).v(t)
		if rep.Updated != 1 || ok(svc.GetNode(ctx, "b")).v(t).Model != "" || changeCount(t, svc) != n {
			t.Fatalf("dry run wrote: %+v", rep)
		}
		// One bad record anywhere: nothing is written, every problem reported.
		bad := *b
		bad.Nodes = append([]unet.NodeRecord{}, b.Nodes...)
		bad.Nodes = append(bad.Nodes, unet.NodeRecord{Name: "c!", Vendor: "cisco", Source: &unet.Origin{File: "nodes.yaml", Record: 3}},
			unet.NodeRecord{Name: "d", Vendor: "acme", MgmtIP: "x", Source: &unet.Origin{File: "nodes.yaml", Record: 4}})
		_, err := svc.Import(ctx, &bad, unet.ImportOptions{})
		mustCode(t, err, unet.EINVALID)
		fields := unet.ErrorFields(err)
		want := map[string]bool{"nodes.yaml/3/name": false, "nodes.yaml/4/vendor": false, "nodes.yaml/4/mgmt_ip": false}
		for _, f := range fields {
			key := f.File + "/" + itoa(f.Record) + "/" + f.Field
			if _, ok := want[key]; ok {
				want[key] = true
			}
		}
		for k, ok := range want {
			if !ok {
				t.Errorf("import error misses %s: %v", k, fields)
			}
		}
		if ok(svc.GetNode(ctx, "b")).v(t).Model != "" || changeCount(t, svc) != n {
			t.Fatal("failed import wrote something")
		}
		if _, err := svc.GetNode(ctx, "c!"); err == nil {
			t.Fatal("bad node exists")
		}
	})
}
