package service_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

const emeaScope = `location.path MATCHES "^EMEA(/|$)"`

// scopeWorld seeds two regions and returns the contexts of alice (engineer
// scoped to EMEA) and bob (unscoped viewer), authenticated with real API
// tokens.
func scopeWorld(t *testing.T, svc *service.Service) (alice, bob context.Context) {
	t.Helper()
	identityService(t, svc)
	ctx := actx()
	for _, l := range []unet.Location{{Name: "EMEA", Type: "region"}, {Name: "LON", Type: "site", ParentID: "EMEA"},
		{Name: "APAC", Type: "region"}, {Name: "SIN", Type: "site", ParentID: "APAC"}} {
		ok(svc.CreateLocation(ctx, &l, unet.WriteOptions{})).v(t)
	}
	for _, n := range []unet.Node{
		{Name: "lon1", Domain: "example.net", Vendor: "arista", Role: "leaf", LocationID: "EMEA/LON"},
		{Name: "lon2", Domain: "example.net", Vendor: "arista", Role: "spine", LocationID: "EMEA/LON"},
		{Name: "sin1", Domain: "example.net", Vendor: "arista", Role: "leaf", LocationID: "APAC/SIN"},
		{Name: "lab1", Domain: "example.net", Vendor: "arista", Role: "leaf"},
	} {
		ok(svc.CreateNode(ctx, &n, unet.WriteOptions{})).v(t)
	}
	ok(svc.CreateLink(ctx, &unet.Link{ANodeID: "lon1", AInterface: "Ethernet1", ZNodeID: "lon2", ZInterface: "Ethernet1", Role: "backbone"}, unet.WriteOptions{})).v(t)
	ok(svc.CreateLink(ctx, &unet.Link{ANodeID: "lon1", AInterface: "Ethernet2", ZNodeID: "sin1", ZInterface: "Ethernet2", Role: "backbone"}, unet.WriteOptions{})).v(t)

	ok(svc.CreateUser(ctx, unet.NewUser{Name: "alice"})).v(t)
	ok(svc.GrantRole(ctx, "alice", unet.Grant{Role: unet.RoleEngineer, Scope: emeaScope})).v(t)
	ok(svc.CreateUser(ctx, unet.NewUser{Name: "bob", Roles: []string{unet.RoleViewer}})).v(t)
	return principalCtx(t, svc, "alice"), principalCtx(t, svc, "bob")
}

// principalCtx authenticates a fresh API token of user and returns a
// context carrying the principal, as the HTTP layer does.
func principalCtx(t testing.TB, svc *service.Service, user string) context.Context {
	t.Helper()
	tok, err := svc.CreateToken(actx(), unet.TokenRequest{User: user})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.AuthenticateToken(context.Background(), tok.Token, loopback)
	if err != nil {
		t.Fatal(err)
	}
	return unet.WithPrincipal(unet.WithActor(context.Background(), user), p)
}

func nodeNames(items []unet.Node) []string {
	var out []string
	for _, n := range items {
		out = append(out, n.Name)
	}
	return out
}

func TestScopedReads(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		alice, bob := scopeWorld(t, svc)

		all := ok(svc.ListNodes(bob, unet.NodeFilter{})).v(t)
		if all.Total != 4 || len(all.Items) != 4 {
			t.Fatalf("unscoped viewer: %d of %d", len(all.Items), all.Total)
		}
		got := ok(svc.ListNodes(alice, unet.NodeFilter{})).v(t)
		if want := []string{"lon1", "lon2"}; !slices.Equal(nodeNames(got.Items), want) || got.Total != 2 || got.Next != "" {
			t.Fatalf("scoped list: %v total %d next %q", nodeNames(got.Items), got.Total, got.Next)
		}
		// Cursor and offset pages walk the scoped set; total agrees.
		p1 := ok(svc.ListNodes(alice, unet.NodeFilter{Page: unet.Page{Limit: 1}})).v(t)
		if nodeNames(p1.Items)[0] != "lon1" || p1.Total != 2 || p1.Next == "" {
			t.Fatalf("page 1: %v %d %q", nodeNames(p1.Items), p1.Total, p1.Next)
		}
		p2 := ok(svc.ListNodes(alice, unet.NodeFilter{Page: unet.Page{Limit: 1, Cursor: p1.Next}})).v(t)
		if !slices.Equal(nodeNames(p2.Items), []string{"lon2"}) || p2.Total != 2 || p2.Next != "" {
			t.Fatalf("page 2: %v %d %q", nodeNames(p2.Items), p2.Total, p2.Next)
		}
		off := ok(svc.ListNodes(alice, unet.NodeFilter{Page: unet.Page{Offset: 1}})).v(t)
		if !slices.Equal(nodeNames(off.Items), []string{"lon2"}) || off.Total != 2 {
			t.Fatalf("offset page: %v %d", nodeNames(off.Items), off.Total)
		}
		// SQL filters and the scope combine.
		leaves := ok(svc.ListNodes(alice, unet.NodeFilter{Role: "leaf"})).v(t)
		if !slices.Equal(nodeNames(leaves.Items), []string{"lon1"}) || leaves.Total != 1 {
			t.Fatalf("filtered: %v %d", nodeNames(leaves.Items), leaves.Total)
		}

		// Out of scope is not found, not forbidden.
		ok(svc.GetNode(alice, "lon1")).v(t)
		_, err := svc.GetNode(alice, "sin1")
		mustCode(t, err, unet.ENOTFOUND)
		_, err = svc.GetNode(alice, "lab1")
		mustCode(t, err, unet.ENOTFOUND)
		ok(svc.GetNode(bob, "sin1")).v(t)

		locs := ok(svc.ListLocations(alice, unet.LocationFilter{})).v(t)
		var paths []string
		for _, l := range locs.Items {
			paths = append(paths, l.Path)
		}
		if !slices.Equal(paths, []string{"EMEA", "EMEA/LON"}) || locs.Total != 2 {
			t.Fatalf("scoped locations: %v %d", paths, locs.Total)
		}
		_, err = svc.GetLocation(alice, "APAC")
		mustCode(t, err, unet.ENOTFOUND)

		// A link is in scope when both ends are.
		links := ok(svc.ListLinks(alice, unet.LinkFilter{})).v(t)
		if len(links.Items) != 1 || links.Total != 1 || links.Items[0].ZNode != "lon2.example.net" {
			t.Fatalf("scoped links: %+v total %d", links.Items, links.Total)
		}
		_, err = svc.GetLink(alice, "lon1:Ethernet2")
		mustCode(t, err, unet.ENOTFOUND)
		if n := ok(svc.ListLinks(bob, unet.LinkFilter{})).v(t).Total; n != 2 {
			t.Fatalf("unscoped links: %d", n)
		}

		// The export holds what the lists hold (and every vendor).
		b := ok(svc.Export(alice)).v(t)
		if len(b.Nodes) != 2 || len(b.Locations) != 2 || len(b.Links) != 1 {
			t.Fatalf("scoped export: %d nodes, %d locations, %d links", len(b.Nodes), len(b.Locations), len(b.Links))
		}
		for _, n := range b.Nodes {
			if !strings.HasPrefix(n.Location, "EMEA/") {
				t.Fatalf("export holds %s in %s", n.Name, n.Location)
			}
		}
		full := ok(svc.Export(bob)).v(t)
		if len(full.Nodes) != 4 || len(full.Links) != 2 || len(full.Locations) != 4 {
			t.Fatalf("unscoped export: %+v", full)
		}

		// The change log shows entries about objects in scope only.
		ch := ok(svc.ListChanges(alice, unet.ChangeFilter{})).v(t)
		if ch.Total != len(ch.Items) || ch.Total != 5 { // 2 locations, 2 nodes, 1 link
			t.Fatalf("scoped change log: %d items, total %d", len(ch.Items), ch.Total)
		}
		for _, c := range ch.Items {
			if strings.Contains(c.ObjectName, "sin1") || strings.Contains(c.ObjectName, "APAC") || strings.Contains(c.ObjectName, "lab1") {
				t.Fatalf("out-of-scope change listed: %s %s", c.ObjectKind, c.ObjectName)
			}
		}
		allCh := ok(svc.ListChanges(bob, unet.ChangeFilter{})).v(t)
		for _, c := range allCh.Items {
			_, err := svc.GetChange(alice, c.ID)
			if c.ObjectName == "sin1.example.net" {
				mustCode(t, err, unet.ENOTFOUND)
			}
		}
	})
}

func TestScopedWrites(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		alice, _ := scopeWorld(t, svc)

		// In scope: allowed, recorded under alice.
		ok(svc.UpdateNode(alice, "lon1", unet.Patch{"model": "7050"}, unet.WriteOptions{})).v(t)
		ch := ok(svc.ListChanges(actx(), unet.ChangeFilter{Object: "node/lon1"})).v(t)
		if ch.Items[0].Actor != "alice" {
			t.Fatalf("actor: %s", ch.Items[0].Actor)
		}

		// Outside the scope before the change.
		_, err := svc.UpdateNode(alice, "sin1", unet.Patch{"model": "7050"}, unet.WriteOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
		if !strings.Contains(err.Error(), emeaScope[:20]) || !strings.Contains(err.Error(), "before") {
			t.Fatalf("the refusal does not name the scope: %v", err)
		}
		mustCode(t, svc.DeleteNode(alice, "sin1", unet.DeleteOptions{Cascade: true}), unet.EFORBIDDEN)
		// A no-op write of an out-of-scope node is refused too (it would
		// return the node).
		_, err = svc.UpdateNode(alice, "sin1", unet.Patch{"role": "leaf"}, unet.WriteOptions{})
		mustCode(t, err, unet.EFORBIDDEN)

		// Outside the scope after the change: moving an EMEA node to APAC.
		_, err = svc.UpdateNode(alice, "lon2", unet.Patch{"location": "APAC/SIN"}, unet.WriteOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
		if !strings.Contains(err.Error(), "after") {
			t.Fatalf("the refusal does not say after: %v", err)
		}
		if n := ok(svc.GetNode(actx(), "lon2")).v(t); n.Version != 1 {
			t.Fatalf("refused move was written: version %d", n.Version)
		}
		// Creating outside the scope; creating inside.
		_, err = svc.CreateNode(alice, &unet.Node{Name: "sin2", Domain: "example.net", Vendor: "arista", LocationID: "APAC/SIN"}, unet.WriteOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
		ok(svc.CreateNode(alice, &unet.Node{Name: "lon3", Domain: "example.net", Vendor: "arista", LocationID: "EMEA/LON"}, unet.WriteOptions{})).v(t)

		// A link to a node outside the scope; a location moved out of it.
		_, err = svc.CreateLink(alice, &unet.Link{ANodeID: "lon3", AInterface: "Ethernet9", ZNodeID: "sin1", ZInterface: "Ethernet9"}, unet.WriteOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
		_, err = svc.UpdateLocation(alice, "EMEA/LON", unet.Patch{"parent": "APAC"}, unet.WriteOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
		// Deleting lon3 with a cascade is in scope.
		mustCode(t, svc.DeleteNode(alice, "lon1", unet.DeleteOptions{Cascade: true}), unet.EFORBIDDEN) // its link to sin1 is not
		if err := svc.DeleteNode(alice, "lon3", unet.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		// Vendors are global: a scoped grant cannot write them.
		_, err = svc.CreateVendor(alice, &unet.Vendor{Name: "zyxel"}, unet.WriteOptions{})
		mustCode(t, err, unet.EFORBIDDEN)

		// An import with one record outside the scope writes nothing.
		before := changeCount(t, svc)
		bundle := &unet.Bundle{Nodes: []unet.NodeRecord{
			{Name: "lon9", Domain: "example.net", Vendor: "arista", Location: "EMEA/LON"},
			{Name: "sin9", Domain: "example.net", Vendor: "arista", Location: "APAC/SIN"},
		}}
		_, err = svc.Import(alice, bundle, unet.ImportOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
		if changeCount(t, svc) != before {
			t.Fatal("a refused import wrote changes")
		}
		_, err = svc.GetNode(actx(), "lon9")
		mustCode(t, err, unet.ENOTFOUND)
		bundle.Nodes = bundle.Nodes[:1]
		if rep := ok(svc.Import(alice, bundle, unet.ImportOptions{})).v(t); rep.Created != 1 {
			t.Fatalf("import in scope: %+v", rep)
		}
		// A scoped export imports back unchanged; a full one is refused.
		own := ok(svc.Export(alice)).v(t)
		if rep := ok(svc.Import(alice, own, unet.ImportOptions{})).v(t); rep.Created != 0 || rep.Updated != 0 {
			t.Fatalf("re-import of the scoped export: %+v", rep)
		}
		_, err = svc.Import(alice, ok(svc.Export(actx())).v(t), unet.ImportOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
	})
}

func TestScopeGrantsCombine(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		scopeWorld(t, svc)
		ctx := actx()
		// An unscoped viewer grant widens alice's reads, not her writes.
		ok(svc.GrantRole(ctx, "alice", unet.Grant{Role: unet.RoleViewer})).v(t)
		alice := principalCtx(t, svc, "alice")
		if n := ok(svc.ListNodes(alice, unet.NodeFilter{})).v(t).Total; n != 4 {
			t.Fatalf("reads with an unscoped viewer grant: %d", n)
		}
		_, err := svc.UpdateNode(alice, "sin1", unet.Patch{"model": "x"}, unet.WriteOptions{})
		mustCode(t, err, unet.EFORBIDDEN)

		// Two scoped grants: the union. A custom role scoped to APAC adds
		// APAC node writes.
		ok(svc.CreateRole(ctx, unet.Role{Name: "apac-nodes", Permissions: []unet.Permission{unet.PermNodesRead, unet.PermNodesWrite}})).v(t)
		ok(svc.GrantRole(ctx, "alice", unet.Grant{Role: "apac-nodes", Scope: `location.path MATCHES "^APAC/"`})).v(t)
		alice = principalCtx(t, svc, "alice")
		ok(svc.UpdateNode(alice, "sin1", unet.Patch{"model": "x"}, unet.WriteOptions{})).v(t)
		_, err = svc.UpdateNode(alice, "lab1", unet.Patch{"model": "x"}, unet.WriteOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
		if !strings.Contains(err.Error(), "^APAC/") || !strings.Contains(err.Error(), "^EMEA") {
			t.Fatalf("the refusal does not name both scopes: %v", err)
		}

		// A node selector: scoped to leaves.
		ok(svc.CreateUser(ctx, unet.NewUser{Name: "carol"})).v(t)
		ok(svc.GrantRole(ctx, "carol", unet.Grant{Role: unet.RoleViewer, Scope: `node.role == "leaf"`})).v(t)
		carol := principalCtx(t, svc, "carol")
		got := ok(svc.ListNodes(carol, unet.NodeFilter{})).v(t)
		if !slices.Equal(nodeNames(got.Items), []string{"lab1", "lon1", "sin1"}) || got.Total != 3 {
			t.Fatalf("leaf scope: %v", nodeNames(got.Items))
		}
		if n := ok(svc.ListLocations(carol, unet.LocationFilter{})).v(t).Total; n != 0 {
			t.Fatalf("a node selector selected %d locations", n)
		}

		// The trusted local path (no principal) is unscoped.
		if n := ok(svc.ListNodes(ctx, unet.NodeFilter{})).v(t).Total; n != 4 {
			t.Fatalf("local path: %d", n)
		}
	})
}

func TestScopeValidatedWhenGranted(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		identityService(t, svc)
		ctx := actx()
		ok(svc.CreateUser(ctx, unet.NewUser{Name: "dave"})).v(t)
		for _, bad := range []string{`location.path MATCHES`, `node.nosuchfield == 1 AND`, `node.role = "leaf"`} {
			_, err := svc.GrantRole(ctx, "dave", unet.Grant{Role: unet.RoleViewer, Scope: bad})
			mustCode(t, err, unet.EINVALID)
			fe := unet.ErrorFields(err)
			if len(fe) == 0 || fe[0].Field != "scope" || !strings.Contains(fe[0].Message, "1:") {
				t.Fatalf("%q: want a positioned scope error, got %+v", bad, fe)
			}
		}
		u := ok(svc.GetUser(ctx, "dave")).v(t)
		if len(u.Grants) != 0 {
			t.Fatalf("an invalid scope was granted: %+v", u.Grants)
		}
	})
}

func TestScopedDerivedReads(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		alice, bob := scopeWorld(t, svc)
		files := []unet.PolicyFile{{Name: "a.rules", Content: `RULE "model-set" SEVERITY high WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL`}}
		rep := ok(svc.EvaluatePolicies(alice, unet.PolicyEvalRequest{Files: files, Store: true})).v(t)
		for _, r := range rep.Results {
			if r.ObjectKind != unet.KindNode || !strings.HasPrefix(r.ObjectName, "lon") {
				t.Fatalf("scoped evaluation reports %s %s", r.ObjectKind, r.ObjectName)
			}
		}
		if len(rep.Results) != 2 {
			t.Fatalf("scoped evaluation: %d results", len(rep.Results))
		}
		if n := ok(svc.ListPolicyResults(bob, unet.PolicyResultFilter{})).v(t).Total; n != 4 {
			t.Fatalf("stored results: %d", n)
		}
		res := ok(svc.ListPolicyResults(alice, unet.PolicyResultFilter{Page: unet.Page{Limit: 1}})).v(t)
		if res.Total != 2 || len(res.Items) != 1 || res.Next == "" {
			t.Fatalf("scoped results: %d items, total %d", len(res.Items), res.Total)
		}
		res2 := ok(svc.ListPolicyResults(alice, unet.PolicyResultFilter{Page: unet.Page{Limit: 1, Cursor: res.Next}})).v(t)
		if res2.Total != 2 || len(res2.Items) != 1 || res2.Next != "" || res2.Items[0].ObjectID == res.Items[0].ObjectID {
			t.Fatalf("scoped results, page 2: %+v", res2)
		}
		_, err := svc.ListPolicyResults(alice, unet.PolicyResultFilter{Node: "sin1"})
		mustCode(t, err, unet.ENOTFOUND)
		hist := ok(svc.ListComplianceHistory(alice, unet.ComplianceHistoryFilter{})).v(t)
		if hist.Total != len(hist.Items) || hist.Total != 2 {
			t.Fatalf("scoped compliance history: %d items, total %d", len(hist.Items), hist.Total)
		}
		// SNMP state follows the node: an out-of-scope node is not found
		// (not "not polled yet").
		_, err = svc.GetNodeStatus(alice, "sin1")
		mustCode(t, err, unet.ENOTFOUND)
		if !strings.Contains(err.Error(), `"sin1" not found`) {
			t.Fatalf("status of an out-of-scope node: %v", err)
		}
		_, err = svc.ListNodeInterfaces(alice, "sin1")
		mustCode(t, err, unet.ENOTFOUND)
	})
}
