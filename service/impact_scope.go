package service

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/jinja"
	"github.com/unet-dev/unet/policy"
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
//
// It also returns the links of the touched nodes it read, which the side's
// load (loadSide) takes instead of reading them again.
func affectedNodes(ctx context.Context, r sqlstore.Reader, seeds impactSeeds, paths []string) (idSet, []unet.Link, error) {
	ids := idSet{}
	ids.add(seeds.nodes...)
	ids.add(seeds.endpoints...)
	for _, p := range paths {
		under, err := r.NodeIDsUnder(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		ids.add(under...)
	}
	var links []unet.Link
	if len(seeds.nodes) > 0 {
		var err error
		if links, err = r.LinksOfNodes(ctx, seeds.nodes); err != nil {
			return nil, nil, err
		}
		for _, l := range links {
			ids.add(l.ANodeID, l.ZNodeID)
		}
	}
	return ids, links, nil
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
	// read are the nodes asked for by ID, nil for those that do not exist
	// on this side; reads is how the side was read.
	read  map[string]*unet.Node
	reads *sideReads
	// evals are the evaluations of the nodes by the rules of their
	// environment (see evalSide), which their renders by the same rules
	// reuse.
	evals map[evalKey]*policy.Evaluation
}

// evalKey is a node evaluated by a program.
type evalKey struct {
	prog *policy.Program
	node string
}

// clean reports whether node n of the after side is the before side's
// node (not touched, read from the before side): it returns that node.
func (sr *sideReads) clean(n *unet.Node) *unet.Node {
	if sr.base == nil || sr.touched[n.ID] {
		return nil
	}
	b := sr.base.read[n.ID]
	if b == nil || b.Version != n.Version {
		return nil
	}
	return b
}

// nodeMap is the policy map of n: the before side's for a clean node.
func (sr *sideReads) nodeMap(n *unet.Node) map[string]any {
	if b := sr.clean(n); b != nil {
		if m := sr.base.inv.nodeMaps[n.ID]; m != nil {
			return m
		}
	}
	return objectMap(n)
}

// shareDicts gives the clean nodes of the after side the template dicts
// the before side built for them (dict clones them for each use): called
// once the before side is rendered.
func (side *impactSide) shareDicts() {
	sr, inv := side.reads, side.inv
	if sr == nil || sr.base == nil {
		return
	}
	base := sr.base.inv
	base.dictsMu.Lock()
	defer base.dictsMu.Unlock()
	for i := range inv.nodes {
		n := &inv.nodes[i]
		if b := sr.clean(n); b != nil {
			if d, ok := base.dicts[b]; ok {
				if inv.dicts == nil {
					inv.dicts = map[any]*jinja.Dict{}
				}
				inv.dicts[n] = d
			}
		}
	}
}

// sideReads reads the nodes and links of one side. The before side reads
// them all from the committed state. The after side reads from the dry
// run's transaction only what the operations can have changed, and takes
// the rest from the before side (its rows, policy maps and template dicts):
// an object the operations do not write has no change row and is the same
// on both sides. What can have changed is the rows of the touched nodes and
// links, and the links of the nodes at their ends (a link shows its ends'
// FQDNs): dirty are the touched nodes and the ends of the touched links,
// all of them affected nodes (see affectedNodes), so that every link of
// the affected nodes with an end in dirty is read again.
type sideReads struct {
	r sqlstore.Reader
	// seedLinks are the links of the touched nodes on this side, read by
	// affectedNodes.
	seedLinks []unet.Link
	// base is the before side, for the after side (nil for the before
	// side); touched are the touched nodes, dirty those and the ends of the
	// touched links.
	base           *impactSide
	touched, dirty idSet
}

// nodes returns the nodes with the given IDs that exist on this side.
func (sr *sideReads) nodes(ctx context.Context, ids []string) ([]unet.Node, error) {
	if sr.base == nil {
		return sr.r.NodesByID(ctx, ids)
	}
	var out []unet.Node
	var fresh []string
	for _, id := range ids {
		switch n, asked := sr.base.read[id]; {
		case !asked || sr.touched[id]:
			fresh = append(fresh, id)
		case n != nil:
			out = append(out, *n)
		}
	}
	read, err := sr.r.NodesByID(ctx, fresh)
	if err != nil {
		return nil, err
	}
	return append(out, read...), nil
}

// links returns the links with an end on one of the affected nodes, each
// once, in the order of sqlstore's LinksOfNodes (ListLinks's order).
func (sr *sideReads) links(ctx context.Context, affected idSet) ([]unet.Link, error) {
	var more []string
	var reused []unet.Link
	if sr.base == nil {
		more = affected.sorted()
	} else {
		// Links of dirty nodes again; the others as on the before side.
		more = sr.dirty.sorted()
		for _, l := range sr.base.inv.links {
			if !sr.dirty[l.ANodeID] && !sr.dirty[l.ZNodeID] {
				reused = append(reused, l)
			}
		}
	}
	// The touched nodes' links are read already.
	var ask []string
	for _, id := range more {
		if !sr.touched[id] {
			ask = append(ask, id)
		}
	}
	read, err := sr.r.LinksOfNodes(ctx, ask)
	if err != nil {
		return nil, err
	}
	all := append(append(append([]unet.Link{}, sr.seedLinks...), read...), reused...)
	seen := make(map[string]bool, len(all))
	out := all[:0]
	for _, l := range all {
		if !seen[l.ID] && (affected[l.ANodeID] || affected[l.ZNodeID]) {
			seen[l.ID] = true
			out = append(out, l)
		}
	}
	sortLinks(out)
	return out, nil
}

// sortLinks orders links as sqlstore's LinksOfNodes does: by the A end's
// FQDN and interface, then ID, compared bytewise.
func sortLinks(links []unet.Link) {
	sort.Slice(links, func(i, j int) bool {
		ki, kj := links[i].ANode+":"+links[i].AInterface, links[j].ANode+":"+links[j].AInterface
		if ki != kj {
			return ki < kj
		}
		return links[i].ID < links[j].ID
	})
}

// loadSide reads one side of the impact through sr.
func loadSide(ctx context.Context, sr *sideReads, seeds impactSeeds, paths []string, affected idSet) (*impactSide, error) {
	r := sr.r
	inv := &inventory{locations: map[string]*unet.Location{}, nodeMaps: map[string]map[string]any{},
		statuses: map[string]map[string]any{}, interfaces: map[string][]any{}}
	ids := affected.sorted()
	nodes, err := sr.nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	links, err := sr.links(ctx, affected)
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
	peerIDs := peers.sorted()
	peerNodes, err := sr.nodes(ctx, peerIDs)
	if err != nil {
		return nil, err
	}
	inv.nodes = append(nodes, peerNodes...)
	side := &impactSide{inv: inv, read: map[string]*unet.Node{}, reads: sr}
	inv.indexLinks()
	for _, list := range [][]string{ids, peerIDs} {
		for _, id := range list {
			side.read[id] = inv.byID[id]
		}
	}
	// Policy maps of the affected nodes; those of peers only where a link
	// rule reads them (below): a peer's render context is its dict, built
	// when a render asks for it. A node the after side takes from the
	// before side shares its map and dict there (both are only read).
	for i := range nodes {
		inv.nodeMaps[inv.nodes[i].ID] = sr.nodeMap(&inv.nodes[i])
	}
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
	if sr.base == nil {
		if err := loadPolled(ctx, r, inv, ids); err != nil {
			return nil, err
		}
	} else {
		// The operations write no polled state (a deleted node's goes, but
		// the side has no such node to render).
		inv.statuses, inv.interfaces = sr.base.inv.statuses, sr.base.inv.interfaces
	}
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
				inv.nodeMaps[id] = sr.nodeMap(n)
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
