package service_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// TestListNodesFilterSortCompliance: the node list's environment, search and
// compliance filters, and its orders with cursor and offset pages, on both
// engines, for an unscoped and a scoped reader.
func TestListNodesFilterSortCompliance(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		vendors := []string{"arista", "cisco", "juniper"}
		for i := range 30 {
			n := &unet.Node{Name: fmt.Sprintf("n%02d", i), Domain: "example.net", Vendor: vendors[i%3],
				Role: []string{"leaf", "spine"}[i%2], MgmtIP: fmt.Sprintf("192.0.2.%d", 200-i),
				SerialNumber: fmt.Sprintf("SER-%02d", i), Environment: []string{"production", "lab"}[i%2]}
			if i == 7 {
				n.Model = "Special-Box"
			}
			ok(svc.CreateNode(ctx, n, unet.WriteOptions{})).v(t)
		}
		// Results: juniper nodes fail, arista nodes with an even number
		// pass, the rest have no result that applies.
		rules := `RULE "no-juniper" SEVERITY high
WHEN node.vendor == "juniper"
THEN ASSERT node.role == "none"
RULE "arista-ok" SEVERITY low
WHEN node.vendor == "arista" AND node.role == "leaf"
THEN ASSERT node.vendor == "arista"
`
		ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: []unet.PolicyFile{{Name: "t.rules", Content: rules}}, Source: "test", Store: true})).v(t)

		names := func(f unet.NodeFilter) []string {
			t.Helper()
			l := ok(svc.ListNodes(ctx, f)).v(t)
			var out []string
			for _, n := range l.Items {
				out = append(out, n.Name)
			}
			return out
		}
		if got := names(unet.NodeFilter{Environment: "lab", Vendor: "cisco"}); !slices.Equal(got, []string{"n01", "n07", "n13", "n19", "n25"}) {
			t.Errorf("lab cisco = %v", got)
		}
		if got := names(unet.NodeFilter{Search: "ser-1"}); len(got) != 10 || got[0] != "n10" {
			t.Errorf("search ser-1 = %v", got)
		}
		if got := names(unet.NodeFilter{Search: "192.0.2.199"}); !slices.Equal(got, []string{"n01"}) {
			t.Errorf("search by address = %v", got)
		}
		if got := names(unet.NodeFilter{Search: "special"}); !slices.Equal(got, []string{"n07"}) {
			t.Errorf("search by model = %v", got)
		}
		if got := names(unet.NodeFilter{Search: "100%"}); len(got) != 0 {
			t.Errorf("search with a LIKE wildcard = %v", got)
		}
		fail := names(unet.NodeFilter{Compliance: unet.ComplianceFail, Page: unet.Page{Limit: 100}})
		if want := []string{"n02", "n05", "n08", "n11", "n14", "n17", "n20", "n23", "n26", "n29"}; !slices.Equal(fail, want) {
			t.Errorf("failing = %v, want %v", fail, want)
		}
		pass := names(unet.NodeFilter{Compliance: unet.CompliancePass, Page: unet.Page{Limit: 100}})
		if want := []string{"n00", "n06", "n12", "n18", "n24"}; !slices.Equal(pass, want) {
			t.Errorf("passing = %v, want %v", pass, want)
		}
		none := names(unet.NodeFilter{Compliance: unet.ComplianceNone, Page: unet.Page{Limit: 100}})
		if len(none) != 15 || slices.Contains(none, "n00") || slices.Contains(none, "n02") {
			t.Errorf("without results = %v", none)
		}
		if got := names(unet.NodeFilter{Compliance: unet.ComplianceError}); len(got) != 0 {
			t.Errorf("in error = %v", got)
		}

		// Orders: the management addresses run backwards; descending by
		// vendor then ID; every page of a cursor walk continues the order.
		if got := names(unet.NodeFilter{Sort: "mgmt_ip", Page: unet.Page{Limit: 3}}); !slices.Equal(got, []string{"n29", "n28", "n27"}) {
			t.Errorf("by address = %v", got)
		}
		for _, sort := range []string{"vendor", "-vendor", "-fqdn", "role", "-environment"} {
			all := ok(svc.ListNodes(ctx, unet.NodeFilter{Sort: sort, Page: unet.Page{Limit: 100}})).v(t).Items
			var walked, byOffset []unet.Node
			cur := ""
			for {
				l := ok(svc.ListNodes(ctx, unet.NodeFilter{Sort: sort, Page: unet.Page{Limit: 7, Cursor: cur}})).v(t)
				walked = append(walked, l.Items...)
				if cur = l.Next; cur == "" {
					break
				}
			}
			for off := 0; off < 30; off += 7 {
				byOffset = append(byOffset, ok(svc.ListNodes(ctx, unet.NodeFilter{Sort: sort, Page: unet.Page{Limit: 7, Offset: off}})).v(t).Items...)
			}
			if len(all) != 30 || !sameIDs(all, walked) || !sameIDs(all, byOffset) {
				t.Errorf("sort %s: %d items, cursor walk %d, offsets %d", sort, len(all), len(walked), len(byOffset))
			}
			desc := sort[0] == '-'
			for i := 1; i < len(all); i++ {
				a, b := sortValue(all[i-1], sort), sortValue(all[i], sort)
				if (!desc && a > b) || (desc && a < b) {
					t.Errorf("sort %s: %q before %q", sort, a, b)
				}
			}
		}
		// Totals of filtered lists: on a page, past the end, after a cursor.
		for _, p := range []unet.Page{{Limit: 4}, {Limit: 4, Offset: 8}, {Limit: 4, Offset: 100}} {
			l := ok(svc.ListNodes(ctx, unet.NodeFilter{Search: "ser-", Environment: "lab", Page: p})).v(t)
			if l.Total != 15 {
				t.Errorf("total of %+v = %d", p, l.Total)
			}
			if p.Offset == 0 {
				l = ok(svc.ListNodes(ctx, unet.NodeFilter{Search: "ser-", Environment: "lab", Page: unet.Page{Limit: 4, Cursor: l.Next}})).v(t)
				if l.Total != 15 || len(l.Items) != 4 || l.Items[0].Name != "n09" {
					t.Errorf("after a cursor: total %d, %+v", l.Total, l.Items)
				}
			}
		}
		_, err := svc.ListNodes(ctx, unet.NodeFilter{Sort: "custom_data"})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.ListNodes(ctx, unet.NodeFilter{Compliance: "green"})
		mustCode(t, err, unet.EINVALID)

		// A scoped reader: the filters and orders apply within the scope,
		// and the cursor pages continue the order.
		viewer, _ := unet.BuiltinRole(unet.RoleViewer)
		sctx := unet.WithPrincipal(actx(), &unet.Principal{User: "lee", Method: unet.AuthMethodToken, Permissions: viewer.Permissions,
			Grants: []unet.Grant{{Role: unet.RoleViewer, Scope: `node.role == "leaf"`}}})
		l := ok(svc.ListNodes(sctx, unet.NodeFilter{Compliance: unet.ComplianceFail, Sort: "-fqdn", Page: unet.Page{Limit: 2}})).v(t)
		if l.Total != 5 || len(l.Items) != 2 || l.Items[0].Name != "n26" || l.Items[1].Name != "n20" || l.Next == "" {
			t.Fatalf("scoped failing page 1 = %+v (total %d)", l.Items, l.Total)
		}
		l = ok(svc.ListNodes(sctx, unet.NodeFilter{Compliance: unet.ComplianceFail, Sort: "-fqdn", Page: unet.Page{Limit: 2, Cursor: l.Next}})).v(t)
		if len(l.Items) != 2 || l.Items[0].Name != "n14" || l.Items[1].Name != "n08" {
			t.Fatalf("scoped failing page 2 = %+v", l.Items)
		}
	})
}

func sameIDs(a, b []unet.Node) bool {
	return slices.EqualFunc(a, b, func(x, y unet.Node) bool { return x.ID == y.ID })
}

func sortValue(n unet.Node, sort string) string {
	switch sort {
	case "vendor", "-vendor":
		return n.Vendor
	case "role":
		return n.Role
	case "-environment":
		return n.Environment
	}
	return n.FQDN
}
