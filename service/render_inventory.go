package service

import (
	"context"

	"github.com/unet-dev/unet"
)

// nodeInventory reads the part of the inventory that one node's render
// context and policy evaluation see, instead of the whole inventory:
//
//   - the node itself (its policy map: node rules read the node alone);
//   - its location and the location's ancestors up to the root;
//   - its links, in the order of a full read (AllLinks), and the nodes at
//     their other ends (each link's peer);
//   - its polled state (status.*, interfaces).
//
// Nothing else is reachable from a template: the context (SPEC §4.1) holds
// node, location, links with their peers, interfaces, status, vars and unet,
// and no variable or filter reads other objects. The node rules that choose
// the templates (APPLY) and set custom data (SET) see the node's own input
// only, as does a canary's selector. So a render from this part gives the
// bytes a render from the whole inventory gives, at the cost of a few
// indexed queries whatever the inventory's size.
func (s *Service) nodeInventory(ctx context.Context, node *unet.Node) (*inventory, error) {
	r := s.db.Reader()
	inv := &inventory{locations: map[string]*unet.Location{}, nodeMaps: map[string]map[string]any{},
		statuses: map[string]map[string]any{}, interfaces: map[string][]any{}}
	links, err := r.NodeLinks(ctx, node.ID)
	if err != nil {
		return nil, err
	}
	inv.links = links
	peers := idSet{}
	for _, l := range links {
		for _, id := range []string{l.ANodeID, l.ZNodeID} {
			if id != node.ID {
				peers.add(id)
			}
		}
	}
	inv.nodes = []unet.Node{*node}
	if len(peers) > 0 {
		peerNodes, err := r.NodesByID(ctx, peers.sorted())
		if err != nil {
			return nil, err
		}
		inv.nodes = append(inv.nodes, peerNodes...)
	}
	inv.nodeMaps[node.ID] = objectMap(node)
	locs := idSet{}
	locs.add(node.LocationID)
	if err := loadLocations(ctx, r, inv, locs); err != nil {
		return nil, err
	}
	if err := loadPolled(ctx, r, inv, []string{node.ID}); err != nil {
		return nil, err
	}
	inv.indexLinks()
	return inv, nil
}
