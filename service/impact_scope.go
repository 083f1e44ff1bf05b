package service

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// impactSeeds are the objects a change set touches, as the impact needs
// them to find what else it affects.
type impactSeeds struct {
	// nodes are the touched nodes; links the touched links; locations the
	// touched locations.
	nodes, links, locations []string
	// endpoints are the nodes at either end of a touched link (before or
	// after).
	endpoints []string
	// paths are the paths of the touched locations before and after.
	beforePaths, afterPaths []string
}

// seedsOf collects the seeds of the touched objects.
func seedsOf(objs []touched) impactSeeds {
	var s impactSeeds
	for _, o := range objs {
		switch o.Kind {
		case unet.KindNode:
			s.nodes = append(s.nodes, o.ID)
		case unet.KindLink:
			s.links = append(s.links, o.ID)
			for _, img := range []json.RawMessage{o.Before, o.After} {
				var l struct {
					A string `json:"a_node_id"`
					Z string `json:"z_node_id"`
				}
				if !nullImage(img) && json.Unmarshal(img, &l) == nil {
					for _, id := range []string{l.A, l.Z} {
						if id != "" {
							s.endpoints = append(s.endpoints, id)
						}
					}
				}
			}
		case unet.KindLocation:
			s.locations = append(s.locations, o.ID)
			s.beforePaths = appendPath(s.beforePaths, o.Before)
			s.afterPaths = appendPath(s.afterPaths, o.After)
		}
	}
	return s
}

func appendPath(paths []string, img json.RawMessage) []string {
	var l struct {
		Path string `json:"path"`
	}
	if !nullImage(img) && json.Unmarshal(img, &l) == nil && l.Path != "" {
		paths = append(paths, l.Path)
	}
	return paths
}

// idSet is a set of object IDs.
type idSet map[string]bool

func (s idSet) add(ids ...string) {
	for _, id := range ids {
		if id != "" {
			s[id] = true
		}
	}
}

// sorted returns the IDs in order (queries and results are deterministic).
func (s idSet) sorted() []string {
	out := make([]string, 0, len(s))
	for id := range s {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// affectedNodes returns the IDs of the nodes whose policy input or render
// context the touched objects can change, on one side (r and the paths of
// the touched locations on that side): the touched nodes, the ends of
// touched links, the nodes in touched locations and below them (their
// location and its ancestors are in their input), and the nodes linked to a
// touched node (their context shows it as the peer).
func affectedNodes(ctx context.Context, r sqlstore.Reader, seeds impactSeeds, paths []string) (idSet, error) {
	ids := idSet{}
	ids.add(seeds.nodes...)
	ids.add(seeds.endpoints...)
	for _, p := range paths {
		under, err := r.NodeIDsUnder(ctx, p)
		if err != nil {
			return nil, err
		}
		ids.add(under...)
	}
	if len(seeds.nodes) > 0 {
		links, err := r.LinksOfNodes(ctx, seeds.nodes)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			ids.add(l.ANodeID, l.ZNodeID)
		}
	}
	return ids, nil
}

// impactSide is one side (before or after) of a change set: a partial
// inventory holding the affected nodes, their locations up to the root,
// their links and the nodes at the other end, with the polled state of the
// affected nodes; and the links and locations whose own rules are
// evaluated.
type impactSide struct {
	inv *inventory
	// nodes are the affected nodes that exist on this side, by FQDN.
	nodes []*unet.Node
	// links are the touched links and the links of touched nodes;
	// locations the touched locations and those below them (IDs).
	links     []*unet.Link
	locations []string
}

// loadSide reads one side of the impact from r.
func loadSide(ctx context.Context, r sqlstore.Reader, seeds impactSeeds, paths []string, affected idSet) (*impactSide, error) {
	inv := &inventory{locations: map[string]*unet.Location{}, nodeMaps: map[string]map[string]any{},
		statuses: map[string]map[string]any{}, interfaces: map[string][]any{}}
	ids := affected.sorted()
	nodes, err := r.NodesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	links, err := r.LinksOfNodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	// links are in the order of ListLinks, which is the order of a node's
	// links in its render context.
	inv.links = links
	peers := idSet{}
	for _, l := range links {
		for _, id := range []string{l.ANodeID, l.ZNodeID} {
			if id != "" && !affected[id] {
				peers.add(id)
			}
		}
	}
	peerNodes, err := r.NodesByID(ctx, peers.sorted())
	if err != nil {
		return nil, err
	}
	inv.nodes = append(nodes, peerNodes...)
	// Policy maps of the affected nodes; those of peers only where a link
	// rule reads them (below): a peer's render context is its dict, built
	// when a render asks for it.
	for i := range nodes {
		inv.nodeMaps[inv.nodes[i].ID] = objectMap(&inv.nodes[i])
	}
	side := &impactSide{inv: inv}
	// Locations: those of the affected nodes, the touched ones and those
	// below them, then their ancestors up to the root.
	locs := idSet{}
	for i := range nodes {
		locs.add(nodes[i].LocationID)
	}
	locs.add(seeds.locations...)
	for _, p := range paths {
		below, err := r.LocationDescendants(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, l := range below {
			locs.add(l.ID)
		}
	}
	if err := loadLocations(ctx, r, inv, locs); err != nil {
		return nil, err
	}
	for _, id := range locs.sorted() {
		if _, ok := inv.locations[id]; ok {
			side.locations = append(side.locations, id)
		}
	}
	if err := loadPolled(ctx, r, inv, ids); err != nil {
		return nil, err
	}
	inv.indexLinks()
	for _, id := range ids {
		if n := inv.byID[id]; n != nil {
			side.nodes = append(side.nodes, n)
		}
	}
	sort.Slice(side.nodes, func(i, j int) bool { return side.nodes[i].FQDN < side.nodes[j].FQDN })
	// Link rules: touched links, and the links of touched nodes (their
	// input holds both ends' nodes).
	linkIDs := idSet{}
	linkIDs.add(seeds.links...)
	for _, id := range seeds.nodes {
		for _, i := range inv.linksOf[id] {
			linkIDs.add(inv.links[i].ID)
		}
	}
	for i := range inv.links {
		l := &inv.links[i]
		if !linkIDs[l.ID] {
			continue
		}
		side.links = append(side.links, l)
		for _, id := range []string{l.ANodeID, l.ZNodeID} {
			if n := inv.byID[id]; n != nil && inv.nodeMaps[id] == nil {
				inv.nodeMaps[id] = objectMap(n)
			}
		}
	}
	return side, nil
}

// loadLocations reads the locations in ids and their ancestors into inv.
func loadLocations(ctx context.Context, r sqlstore.Reader, inv *inventory, ids idSet) error {
	want := ids.sorted()
	for len(want) > 0 {
		locs, err := r.LocationsByID(ctx, want)
		if err != nil {
			return err
		}
		next := idSet{}
		for i := range locs {
			l := locs[i]
			inv.locations[l.ID] = &l
		}
		for i := range locs {
			if p := locs[i].ParentID; p != "" && inv.locations[p] == nil {
				next.add(p)
			}
		}
		want = next.sorted()
	}
	return nil
}

// loadPolled reads the polled state (status.*, interfaces) of the nodes.
func loadPolled(ctx context.Context, r sqlstore.Reader, inv *inventory, ids []string) error {
	sts, err := r.NodeStatusesOf(ctx, ids)
	if err != nil {
		return err
	}
	for i := range sts {
		inv.statuses[sts[i].NodeID] = fullMap(&sts[i])
	}
	all, err := r.InterfacesOf(ctx, ids)
	if err != nil {
		return err
	}
	addInterfaces(inv.interfaces, all)
	return nil
}
