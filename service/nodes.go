package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// nodeIntent is a node without its Meta, for change detection.
func nodeIntent(n *unet.Node) (unet.Meta, any) {
	cp := *n
	m := cp.Meta
	cp.Meta = unet.Meta{}
	return m, cp
}

func nodeUnchanged(a, b *unet.Node) bool {
	ma, ia := nodeIntent(a)
	mb, ib := nodeIntent(b)
	return sameIntent(ma, mb, ia, ib)
}

// resolveNodeRefs checks the vendor and turns a location reference (ID or path)
// into an ID. Problems are field errors.
func (s *Service) resolveNodeRefs(ctx context.Context, r sqlstore.Reader, n *unet.Node, cache *refCache) []unet.FieldError {
	var fe []unet.FieldError
	if n.Vendor != "" && !cache.vendor(n.Vendor) {
		if _, err := r.GetVendor(ctx, n.Vendor); err != nil {
			if unet.ErrorCode(err) == unet.ENOTFOUND {
				fe = append(fe, unet.FieldError{Field: "vendor", Message: fmt.Sprintf("unknown vendor %q (see `unet vendors list`; add one with `unet vendors add`)", n.Vendor)})
			} else {
				fe = append(fe, unet.FieldError{Field: "vendor", Message: err.Error()})
			}
		} else {
			cache.addVendor(n.Vendor)
		}
	}
	if n.LocationID != "" {
		if id, ok := cache.location(n.LocationID); ok {
			n.LocationID = id
		} else if loc, err := r.FindLocation(ctx, n.LocationID); err != nil {
			fe = append(fe, unet.FieldError{Field: "location", Message: fmt.Sprintf("unknown location %q", n.LocationID)})
		} else {
			cache.addLocation(n.LocationID, loc.ID)
			n.LocationID = loc.ID
		}
	}
	return fe
}

// prepareNode normalizes, validates and resolves a node's references.
func (s *Service) prepareNode(ctx context.Context, r sqlstore.Reader, n *unet.Node, cache *refCache) error {
	n.Normalize()
	var fe []unet.FieldError
	if err := n.Validate(); err != nil {
		fe = append(fe, unet.ErrorFields(err)...)
	}
	fe = append(fe, s.resolveNodeRefs(ctx, r, n, cache)...)
	if len(fe) > 0 {
		return unet.Invalid("invalid node", fe...)
	}
	return nil
}

// CreateNode validates and stores a new node.
func (s *Service) CreateNode(ctx context.Context, n *unet.Node, o unet.WriteOptions) (*unet.Node, error) {
	n = unet.CloneJSON(n)
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		return s.finishWrite(ctx, tx, m, s.createNode(ctx, tx, n, m))
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

func (s *Service) createNode(ctx context.Context, tx *sqlstore.Tx, n *unet.Node, m mutation) error {
	r := tx.Reader()
	if err := s.prepareNode(ctx, r, n, m.cache); err != nil {
		return err
	}
	if !m.cache.nodeAbsent(n.FQDN) { // a large import knows which nodes are new
		if existing, err := r.NodeByFQDN(ctx, n.FQDN); err == nil {
			return unet.Errorf(unet.ECONFLICT, "node %s already exists (id %s)", n.FQDN, existing.ID)
		}
	}
	n.ID = m.objectID(n.ID)
	n.Version = 1
	n.CreatedAt, n.UpdatedAt = m.now, m.now
	if err := tx.InsertNode(ctx, n); err != nil {
		return err
	}
	return m.record(ctx, tx, unet.KindNode, n.ID, n.FQDN, unet.OpCreate, nil, n)
}

// GetNode returns a node by ID, FQDN or name. A node outside the
// reader's scope is not found.
func (s *Service) GetNode(ctx context.Context, ref string) (*unet.Node, error) {
	n, err := s.db.Reader().FindNode(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := s.hideOutOfScope(ctx, unet.PermNodesRead, unet.KindNode, ref, n); err != nil {
		return nil, err
	}
	return n, nil
}

// ListNodes returns a page of nodes matching f.
func (s *Service) ListNodes(ctx context.Context, f unet.NodeFilter) (*unet.List[unet.Node], error) {
	r := s.db.Reader()
	q := sqlstore.NodeQuery{NodeFilter: f}
	q.Vendor = strings.ToLower(q.Vendor)
	if f.Location != "" {
		loc, err := r.FindLocation(ctx, f.Location)
		if err != nil {
			return nil, err
		}
		q.LocationPath = loc.Path
	}
	e, err := s.readEval(ctx, unet.PermNodesRead)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return r.ListNodes(ctx, q)
	}
	if err := e.preloadLocations(); err != nil {
		return nil, err
	}
	return scopedPage(f.Page, func(p unet.Page) (*unet.List[unet.Node], error) {
		q.Page = p
		return r.ListNodes(ctx, q)
	}, e.nodeOK, func(n *unet.Node) string { return sqlstore.Cursor(sqlstore.NodeSortValue(n, f.Sort), n.ID) })
}

// UpdateNode applies a merge patch to a node. The patch may name the location
// by path or ID under "location" or "location_id".
func (s *Service) UpdateNode(ctx context.Context, ref string, p unet.Patch, o unet.WriteOptions) (*unet.Node, error) {
	var out *unet.Node
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return nil, err
	}
	err = unconditional(o.IfVersion, func(lock bool) error {
		return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
			var err error
			out, err = s.patchNode(ctx, tx, lock, ref, p, o.IfVersion, m)
			return s.finishWrite(ctx, tx, m, err)
		})
	})
	return out, err
}

// patchNode applies a merge patch to the node ref inside tx.
func (s *Service) patchNode(ctx context.Context, tx *sqlstore.Tx, lock bool, ref string, p unet.Patch, ifVersion int, m mutation) (*unet.Node, error) {
	p = aliasKey(p, "location", "location_id")
	cur, err := readForWrite(ctx, tx, lock, sqlstore.TableNodes, ref, tx.Reader().FindNode, nodeID)
	if err != nil {
		return nil, err
	}
	if err := checkVersion("node", cur.FQDN, cur.Version, ifVersion); err != nil {
		return nil, err
	}
	next, err := applyPatch(cur, p, "node")
	if err != nil {
		return nil, err
	}
	return s.updateNode(ctx, tx, cur, next, m)
}

// aliasKey renames a patch key (a friendlier name for a reference field).
func aliasKey(p unet.Patch, from, to string) unet.Patch {
	v, ok := p[from]
	if !ok {
		return p
	}
	cp := unet.Patch{}
	for k, x := range p {
		cp[k] = x
	}
	delete(cp, from)
	if v == nil {
		v = ""
	}
	cp[to] = v
	return cp
}

// updateNode validates next against cur and writes it (unless nothing changed).
func (s *Service) updateNode(ctx context.Context, tx *sqlstore.Tx, cur, next *unet.Node, m mutation) (*unet.Node, error) {
	r := tx.Reader()
	if err := s.prepareNode(ctx, r, next, m.cache); err != nil {
		return nil, err
	}
	if err := unet.CheckLifecycleTransition(cur.Lifecycle, next.Lifecycle); err != nil {
		return nil, err
	}
	next.ID, next.CreatedAt, next.Version, next.UpdatedAt = cur.ID, cur.CreatedAt, cur.Version, cur.UpdatedAt
	if nodeUnchanged(cur, next) {
		// Nothing is written, but a scoped writer still may not touch (or
		// read back) a node outside the scope.
		return cur, m.scopes.check(ctx, tx, unet.KindNode, cur.FQDN, cur, nil)
	}
	if next.FQDN != cur.FQDN {
		if other, err := r.NodeByFQDN(ctx, next.FQDN); err == nil && other.ID != cur.ID {
			return nil, unet.Errorf(unet.ECONFLICT, "node %s already exists (id %s)", next.FQDN, other.ID)
		}
	}
	next.Version = cur.Version + 1
	next.UpdatedAt = m.now
	if err := tx.UpdateNode(ctx, next, cur.Version); err != nil {
		return nil, err
	}
	return next, m.record(ctx, tx, unet.KindNode, next.ID, next.FQDN, unet.OpUpdate, cur, next)
}

// DeleteNode deletes a node. A node with links is refused unless o.Cascade,
// which deletes its links first (each recorded in the change log).
func (s *Service) DeleteNode(ctx context.Context, ref string, o unet.DeleteOptions) error {
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return err
	}
	return unconditional(o.IfVersion, func(lock bool) error {
		return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
			return s.finishWrite(ctx, tx, m, s.deleteNode(ctx, tx, lock, ref, o, m))
		})
	})
}

func (s *Service) deleteNode(ctx context.Context, tx *sqlstore.Tx, lock bool, ref string, o unet.DeleteOptions, m mutation) error {
	r := tx.Reader()
	n, err := readForWrite(ctx, tx, lock, sqlstore.TableNodes, ref, r.FindNode, nodeID)
	if err != nil {
		return err
	}
	if err := checkVersion("node", n.FQDN, n.Version, o.IfVersion); err != nil {
		return err
	}
	linkIDs, err := r.NodeLinkIDs(ctx, n.ID)
	if err != nil {
		return err
	}
	if len(linkIDs) > 0 && !o.Cascade {
		names := make([]string, 0, len(linkIDs))
		for _, id := range linkIDs {
			if l, err := r.GetLink(ctx, id); err == nil {
				names = append(names, linkLabel(l))
			}
		}
		return unet.Errorf(unet.ECONFLICT, "node %s has %d link(s): %s; delete them first or use --cascade", n.FQDN, len(linkIDs), strings.Join(names, ", "))
	}
	for _, id := range linkIDs {
		l, err := r.GetLink(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteLink(ctx, l); err != nil {
			return err
		}
		if err := m.record(ctx, tx, unet.KindLink, l.ID, linkLabel(l), unet.OpDelete, l, nil); err != nil {
			return err
		}
	}
	if err := tx.DeleteNode(ctx, n); err != nil {
		return err
	}
	return m.record(ctx, tx, unet.KindNode, n.ID, n.FQDN, unet.OpDelete, n, nil)
}

func nodeID(n *unet.Node) string { return n.ID }
