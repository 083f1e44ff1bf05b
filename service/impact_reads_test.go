package service

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TestImpactBatchReads: the batch reads of the impact return every object
// asked for across IN lists of several chunks (1,100 IDs), each link once
// though both its ends are asked for, and nothing for no IDs.
func TestImpactBatchReads(t *testing.T) {
	const n = 1100
	b := &unet.Bundle{Locations: []unet.LocationRecord{{Name: "R", Type: "region"}, {Name: "S", Type: "site", Parent: "R"}}}
	for i := range n {
		b.Nodes = append(b.Nodes, unet.NodeRecord{Name: fmt.Sprintf("n%04d", i), Vendor: "arista", Platform: "eos", Location: "R/S"})
		if i > 0 {
			b.Links = append(b.Links, unet.LinkRecord{ANode: fmt.Sprintf("n%04d", i-1), AInterface: "Ethernet2",
				ZNode: fmt.Sprintf("n%04d", i), ZInterface: "Ethernet1"})
		}
	}
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			s := impactService(t, engine)
			ctx := context.Background()
			if _, err := s.Import(ictx(), b, unet.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			r := s.db.Reader()
			ids, err := r.NodeIDsUnder(ctx, "R")
			if err != nil || len(ids) != n {
				t.Fatalf("NodeIDsUnder: %d %v", len(ids), err)
			}
			if under, err := r.NodeIDsUnder(ctx, "R/S/none"); err != nil || len(under) != 0 {
				t.Fatalf("NodeIDsUnder of a missing path: %v %v", under, err)
			}
			sort.Strings(ids)
			nodes, err := r.NodesByID(ctx, append(ids, "00000000-0000-0000-0000-000000000000"))
			if err != nil || len(nodes) != n {
				t.Fatalf("NodesByID: %d %v", len(nodes), err)
			}
			links, err := r.LinksOfNodes(ctx, ids)
			if err != nil || len(links) != n-1 {
				t.Fatalf("LinksOfNodes: %d %v", len(links), err)
			}
			seen := map[string]bool{}
			for _, l := range links {
				if seen[l.ID] || l.ANode == "" || l.ZNode == "" {
					t.Fatalf("link %+v (seen %v)", l, seen[l.ID])
				}
				seen[l.ID] = true
			}
			// In the order of ListLinks, also when the IDs take several
			// queries (unknown IDs pad them past one).
			all, err := r.ListLinks(ctx, unet.LinkFilter{Page: unet.Page{Limit: 2000}}, "")
			if err != nil {
				t.Fatal(err)
			}
			// 450 unknown IDs first: the real ones straddle the queries of
			// 500 IDs, and links between them come twice.
			var padded []string
			for i := range 450 {
				padded = append(padded, fmt.Sprintf("00000000-0000-0000-0000-%012d", i))
			}
			padded = append(padded, ids...)
			many, err := r.LinksOfNodes(ctx, padded)
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range [][]unet.Link{links, many} {
				if len(got) != len(all.Items) {
					t.Fatalf("%d links, want %d", len(got), len(all.Items))
				}
				for i := range got {
					if got[i].ID != all.Items[i].ID {
						t.Fatalf("link %d: %s, want %s (ListLinks order)", i, linkLabel(&got[i]), linkLabel(&all.Items[i]))
					}
				}
			}
			if links, err := r.LinksOfNodes(ctx, ids[:1]); err != nil || len(links) != 1 && len(links) != 2 {
				t.Fatalf("links of one node: %d %v", len(links), err)
			}
			locs, err := r.LocationsByID(ctx, []string{nodes[0].LocationID})
			if err != nil || len(locs) != 1 || locs[0].Path != "R/S" {
				t.Fatalf("LocationsByID: %+v %v", locs, err)
			}
			if c, err := r.CountNodes(ctx); err != nil || c != n {
				t.Fatalf("CountNodes: %d %v", c, err)
			}
			if none, err := r.NodesByID(ctx, nil); err != nil || len(none) != 0 {
				t.Fatalf("no IDs: %v %v", none, err)
			}
			if st, err := r.NodeStatusesOf(ctx, ids); err != nil || len(st) != 0 {
				t.Fatalf("statuses: %v %v", st, err)
			}
			if ifs, err := r.InterfacesOf(ctx, ids); err != nil || len(ifs) != 0 {
				t.Fatalf("interfaces: %v %v", ifs, err)
			}
			polled := nodes[len(nodes)-1].ID
			writePolled(t, s, polled)
			if st, err := r.NodeStatusesOf(ctx, ids); err != nil || len(st) != 1 || st[0].NodeID != polled || !st[0].Reachable {
				t.Fatalf("statuses: %+v %v", st, err)
			}
			if ifs, err := r.InterfacesOf(ctx, ids); err != nil || len(ifs) != 1 || len(ifs[polled]) != 2 {
				t.Fatalf("interfaces: %v %v", ifs, err)
			}
		})
	}
}

// writePolled stores a reachable status with two interfaces for a node.
func writePolled(t *testing.T, s *Service, nodeID string) {
	t.Helper()
	now := s.now()
	w := sqlstore.StatusWrite{Status: unet.NodeStatus{NodeID: nodeID, Reachable: true, LastAttempt: now, LastSuccess: &now},
		Interfaces: []unet.InterfaceStatus{{Index: 1, Name: "Ethernet1"}, {Index: 2, Name: "Ethernet2"}}}
	if err := s.db.WithTx(context.Background(), func(tx *sqlstore.Tx) error {
		return tx.WriteStatuses(context.Background(), []sqlstore.StatusWrite{w}, newID)
	}); err != nil {
		t.Fatal(err)
	}
}
