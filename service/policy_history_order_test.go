package service_test

import (
	"sort"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// TestHistoryRowsInKeyOrder: the history rows of one store (new results,
// status changes and removed results together) take their time-ordered IDs
// in the order of object kind, object ID and rule, on both engines.
func TestHistoryRowsInKeyOrder(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		eval := func(content string) {
			t.Helper()
			ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: []unet.PolicyFile{{Name: "a.rules", Content: content}}, Source: "test", Store: true})).v(t)
		}
		// inKeyOrder checks the order of the history rows of the newest
		// store and returns them.
		inKeyOrder := func() []unet.ComplianceChange {
			t.Helper()
			l := ok(svc.ListComplianceHistory(ctx, unet.ComplianceHistoryFilter{Page: unet.Page{Limit: 1000}})).v(t)
			var rows []unet.ComplianceChange
			for _, c := range l.Items {
				if c.Time.Equal(l.Items[0].Time) {
					rows = append(rows, c)
				}
			}
			sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
			for i := 1; i < len(rows); i++ {
				a, b := rows[i-1], rows[i]
				if a.ObjectKind+"\x00"+a.ObjectID+"\x00"+a.Rule >= b.ObjectKind+"\x00"+b.ObjectID+"\x00"+b.Rule {
					t.Fatalf("history IDs out of key order: %+v before %+v", a, b)
				}
			}
			return rows
		}
		eval(`RULE "b-model" WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL
RULE "a-rack" WHEN location.type == "rack" THEN ASSERT location.description IS NOT NULL
RULE "c-name" WHEN node.vendor == "arista" THEN ASSERT node.name IS NOT NULL
`)
		first := inKeyOrder()
		if len(first) < 4 {
			t.Fatalf("first store: %d history rows", len(first))
		}
		// "c-name" goes (removals), "b-model" moves to pass for every node.
		ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"model": "7050X3"}, unet.WriteOptions{})).v(t)
		ok(svc.UpdateNode(ctx, "spine1", unet.Patch{"model": "7050X3"}, unet.WriteOptions{})).v(t)
		eval(`RULE "b-model" WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL
RULE "a-rack" WHEN location.type == "rack" THEN ASSERT location.description IS NOT NULL
`)
		var moved, removed int
		for _, c := range inKeyOrder() {
			switch {
			case c.Rule == "c-name" && c.To == "":
				removed++
			case c.Rule == "b-model" && c.From == unet.StatusFail && c.To == unet.StatusPass:
				moved++
			default:
				t.Fatalf("unexpected history row %+v", c)
			}
		}
		if moved == 0 || removed == 0 {
			t.Fatalf("%d status changes and %d removals in the second store", moved, removed)
		}
	})
}
