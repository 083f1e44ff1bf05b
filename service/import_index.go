package service

import (
	"context"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// bulkImportMin is the number of nodes and links from which an import
// loads an importIndex first: below it, asking the database once per
// record costs less than reading every node key and link end.
var bulkImportMin = 50

// importIndex is what a large import needs to know of the stored nodes and
// links to validate its records without asking the database per record:
// loaded once at the start of the import's transaction and kept up to date
// with what the import writes. Together with the transaction's buffered
// inserts (sqlstore.Tx.Buffered) it turns the row-by-row round trips of a
// create into a few multi-row statements.
type importIndex struct {
	// fqdns holds the FQDN of every node.
	fqdns map[string]bool
	// byName lists the nodes of each name ({ID, FQDN}; several domains
	// may share a name).
	byName map[string][][2]string
	// ends maps a claimed interface {node ID, interface key} to its link.
	ends map[[2]string]string
	// names maps the name of every named link to its ID.
	names map[string]string
}

// loadImportIndex reads the index and fills the node references of cache
// with every node's FQDN and ID (an ID wins over an FQDN that looks like
// one, as sqlstore's NodeKey tries a UUID-shaped reference as an ID first).
func loadImportIndex(ctx context.Context, r sqlstore.Reader, cache *refCache) (*importIndex, error) {
	keys, err := r.AllNodeKeys(ctx)
	if err != nil {
		return nil, err
	}
	ends, err := r.AllLinkEnds(ctx)
	if err != nil {
		return nil, err
	}
	names, err := r.AllLinkNames(ctx)
	if err != nil {
		return nil, err
	}
	idx := &importIndex{fqdns: make(map[string]bool, len(keys)), byName: make(map[string][][2]string, len(keys)),
		ends: make(map[[2]string]string, len(ends)), names: names}
	for _, k := range keys {
		idx.fqdns[k.FQDN] = true
		idx.byName[k.Name] = append(idx.byName[k.Name], [2]string{k.ID, k.FQDN})
		cache.nodes[k.FQDN] = [2]string{k.ID, k.FQDN}
	}
	for _, k := range keys {
		cache.nodes[k.ID] = [2]string{k.ID, k.FQDN}
	}
	for _, e := range ends {
		idx.ends[[2]string{e.NodeID, e.IfaceKey}] = e.LinkID
	}
	return idx, nil
}

// nodeCreated records a node the import created.
func (c *refCache) nodeCreated(n *unet.Node) {
	if c == nil || c.index == nil {
		return
	}
	c.index.fqdns[n.FQDN] = true
	c.index.byName[n.Name] = append(c.index.byName[n.Name], [2]string{n.ID, n.FQDN})
	c.nodes[n.FQDN] = [2]string{n.ID, n.FQDN}
	c.nodes[n.ID] = [2]string{n.ID, n.FQDN}
}

// linkWritten records a link the import created (before is nil) or
// changed from before.
func (c *refCache) linkWritten(before, after *unet.Link) {
	if c == nil || c.index == nil {
		return
	}
	if before != nil {
		for _, e := range linkEnds(before) {
			if c.index.ends[e] == before.ID {
				delete(c.index.ends, e)
			}
		}
		if before.Name != "" && c.index.names[before.Name] == before.ID {
			delete(c.index.names, before.Name)
		}
	}
	for _, e := range linkEnds(after) {
		c.index.ends[e] = after.ID
	}
	if after.Name != "" {
		c.index.names[after.Name] = after.ID
	}
}

// linkEnds are the interfaces a link claims.
func linkEnds(l *unet.Link) [][2]string {
	ends := [][2]string{{l.ANodeID, sqlstore.IfaceKey(l.AInterface)}}
	if l.ZNodeID != "" {
		ends = append(ends, [2]string{l.ZNodeID, sqlstore.IfaceKey(l.ZInterface)})
	}
	return ends
}

// nodeByName resolves a node reference that is neither a known FQDN nor a
// known ID as sqlstore's NodeKey does, by name: one node, or an error
// (none, or several in different domains).
func (x *importIndex) nodeByName(ref string) (id, fqdn string, err error) {
	switch ks := x.byName[ref]; len(ks) {
	case 0:
		return "", "", unet.Errorf(unet.ENOTFOUND, "node %q not found", ref)
	case 1:
		return ks[0][0], ks[0][1], nil
	}
	return "", "", unet.Errorf(unet.EINVALID, "node name %q is ambiguous (nodes in several domains): use the FQDN", ref)
}

// nodeAbsent reports whether the index knows that no node has this FQDN
// (false without an index: then only the database knows).
func (c *refCache) nodeAbsent(fqdn string) bool {
	return c != nil && c.index != nil && !c.index.fqdns[fqdn]
}

// linkAt is r.LinkAt, answered from the index when there is one.
func (c *refCache) linkAt(ctx context.Context, r sqlstore.Reader, nodeID, iface string) (string, error) {
	if c != nil && c.index != nil {
		return c.index.ends[[2]string{nodeID, sqlstore.IfaceKey(iface)}], nil
	}
	return r.LinkAt(ctx, nodeID, iface)
}

// linkNameTaken reports whether a link other than self is named name, and
// its ID.
func (c *refCache) linkNameTaken(ctx context.Context, r sqlstore.Reader, name, self string) (string, bool) {
	if c != nil && c.index != nil {
		id, ok := c.index.names[name]
		return id, ok && id != self
	}
	other, err := r.FindLink(ctx, name)
	if err == nil && other.ID != self && other.Name == name {
		return other.ID, true
	}
	return "", false
}
