package sqlstore

import "context"

// NodeKeyRow is the identity of one node: its ID, FQDN and name.
type NodeKeyRow struct{ ID, FQDN, Name string }

// LinkEndRow is one claimed interface: the node, the interface's key
// (IfaceKey) and the link that uses it.
type LinkEndRow struct{ NodeID, IfaceKey, LinkID string }

// AllNodeKeys returns the ID, FQDN and name of every node, in one query: a large
// import resolves references and detects existing nodes from it instead of
// asking once per record.
func (r Reader) AllNodeKeys(ctx context.Context) ([]NodeKeyRow, error) {
	return queryItems(ctx, r, `SELECT id, fqdn, name FROM nodes`, nil, func(s rowScanner) (*NodeKeyRow, error) {
		var k NodeKeyRow
		return &k, s.Scan(&k.ID, &k.FQDN, &k.Name)
	})
}

// AllLinkEnds returns every claimed interface, in one query.
func (r Reader) AllLinkEnds(ctx context.Context) ([]LinkEndRow, error) {
	return queryItems(ctx, r, `SELECT node_id, iface_key, link_id FROM link_endpoints`, nil, func(s rowScanner) (*LinkEndRow, error) {
		var e LinkEndRow
		return &e, s.Scan(&e.NodeID, &e.IfaceKey, &e.LinkID)
	})
}

// AllLinkNames maps the name of every named link to its ID, in one query.
func (r Reader) AllLinkNames(ctx context.Context) (map[string]string, error) {
	rows, err := queryItems(ctx, r, `SELECT name, id FROM links WHERE name <> ''`, nil, func(s rowScanner) (*[2]string, error) {
		var v [2]string
		return &v, s.Scan(&v[0], &v[1])
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, v := range rows {
		out[v[0]] = v[1]
	}
	return out, nil
}
