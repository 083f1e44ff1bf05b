package sqlstore

import (
	"context"
	"fmt"

	"github.com/unet-dev/unet"
)

// AllLinks returns every link in list order (A end's FQDN and interface,
// then ID) in one query: a full evaluation reads them all, and paging
// through them sorts the joined table once a page.
func (r Reader) AllLinks(ctx context.Context) ([]unet.Link, error) {
	links, err := queryItems(ctx, r, linkSelect+` ORDER BY (a.fqdn || ':' || l.a_interface), l.id`, nil, scanLink)
	if err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	return links, nil
}

// NodeLinks returns the links with an end on the node, in the order of
// AllLinks (the same ORDER BY, so the same order under any collation): one
// node's share of a full read, through the endpoint indexes.
func (r Reader) NodeLinks(ctx context.Context, nodeID string) ([]unet.Link, error) {
	links, err := queryItems(ctx, r, linkSelect+` WHERE l.a_node_id = $1 OR l.z_node_id = $1 ORDER BY (a.fqdn || ':' || l.a_interface), l.id`,
		[]any{nodeID}, scanLink)
	if err != nil {
		return nil, fmt.Errorf("read links of node %s: %w", nodeID, err)
	}
	return links, nil
}
