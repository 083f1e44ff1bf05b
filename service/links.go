package service

import (
	"context"
	"fmt"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// linkLabel names a link for messages and the change log: its name, else its A
// end (which identifies it, an interface having at most one link).
func linkLabel(l *unet.Link) string {
	if l.Name != "" {
		return l.Name
	}
	a := l.ANode
	if a == "" {
		a = l.ANodeID
	}
	return a + ":" + l.AInterface
}

func linkUnchanged(a, b *unet.Link) bool {
	ca, cb := *a, *b
	ma, mb := ca.Meta, cb.Meta
	ca.Meta, cb.Meta = unet.Meta{}, unet.Meta{}
	return sameIntent(ma, mb, ca, cb)
}

// prepareLink normalizes and validates a link, resolving node references (ID,
// FQDN or name in ANodeID/ZNodeID) and checking that its interfaces are free.
func (s *Service) prepareLink(ctx context.Context, r sqlstore.Reader, l *unet.Link, cache *refCache) error {
	l.Normalize()
	var fe []unet.FieldError
	resolve := func(ref *string, name *string, field string) {
		if *ref == "" {
			return
		}
		id, fqdn, err := cache.nodeKey(ctx, r, *ref)
		if err != nil {
			fe = append(fe, unet.FieldError{Field: field, Message: fmt.Sprintf("unknown node %q", *ref)})
			return
		}
		*ref, *name = id, fqdn
	}
	resolve(&l.ANodeID, &l.ANode, "a_node")
	resolve(&l.ZNodeID, &l.ZNode, "z_node")
	if len(fe) > 0 {
		return unet.Invalid("invalid link", fe...)
	}
	if err := l.Validate(); err != nil {
		return err
	}
	for _, end := range []struct{ node, name, iface string }{{l.ANodeID, l.ANode, l.AInterface}, {l.ZNodeID, l.ZNode, l.ZInterface}} {
		if end.node == "" {
			continue
		}
		other, err := cache.linkAt(ctx, r, end.node, end.iface)
		if err != nil {
			return err
		}
		if other != "" && other != l.ID {
			ol, err := r.GetLink(ctx, other)
			if err != nil {
				return err
			}
			return unet.Errorf(unet.ECONFLICT, "interface %s:%s is already used by link %s", end.name, end.iface, linkLabel(ol))
		}
	}
	if l.Name != "" {
		if other, taken := cache.linkNameTaken(ctx, r, l.Name, l.ID); taken {
			return unet.Errorf(unet.ECONFLICT, "link %s already exists (id %s)", l.Name, other)
		}
	}
	return nil
}

// CreateLink validates and stores a new link.
func (s *Service) CreateLink(ctx context.Context, l *unet.Link, o unet.WriteOptions) (*unet.Link, error) {
	l = unet.CloneJSON(l)
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error { return s.finishWrite(ctx, tx, m, s.createLink(ctx, tx, l, m)) })
	if err != nil {
		return nil, err
	}
	return l, nil
}

func (s *Service) createLink(ctx context.Context, tx *sqlstore.Tx, l *unet.Link, m mutation) error {
	id := l.ID
	l.ID = ""
	if err := s.prepareLink(ctx, tx.Reader(), l, m.cache); err != nil {
		return err
	}
	l.ID = m.objectID(id)
	l.Version = 1
	l.CreatedAt, l.UpdatedAt = m.now, m.now
	if err := tx.InsertLink(ctx, l); err != nil {
		return err
	}
	return m.record(ctx, tx, unet.KindLink, l.ID, linkLabel(l), unet.OpCreate, nil, l)
}

// GetLink returns a link by ID, name or NODE:INTERFACE. A link outside the
// reader's scope is not found.
func (s *Service) GetLink(ctx context.Context, ref string) (*unet.Link, error) {
	l, err := s.db.Reader().FindLink(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := s.hideOutOfScope(ctx, unet.PermLinksRead, unet.KindLink, ref, l); err != nil {
		return nil, err
	}
	return l, nil
}

// ListLinks returns a page of links, optionally those of one node.
func (s *Service) ListLinks(ctx context.Context, f unet.LinkFilter) (*unet.List[unet.Link], error) {
	r := s.db.Reader()
	nodeID := ""
	if f.Node != "" {
		n, err := s.findNodeIn(ctx, unet.PermLinksRead, f.Node)
		if err != nil {
			return nil, err
		}
		nodeID = n.ID
	}
	e, err := s.readEval(ctx, unet.PermLinksRead)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return r.ListLinks(ctx, f, nodeID)
	}
	if err := e.preloadNodes(); err != nil {
		return nil, err
	}
	return scopedPage(f.Page, func(p unet.Page) (*unet.List[unet.Link], error) {
		f.Page = p
		return r.ListLinks(ctx, f, nodeID)
	}, e.linkOK, func(l *unet.Link) string { return sqlstore.Cursor(l.ANode+":"+l.AInterface, l.ID) })
}

// UpdateLink applies a merge patch to a link. Node ends may be given by
// reference under "a_node"/"z_node" or "a_node_id"/"z_node_id".
func (s *Service) UpdateLink(ctx context.Context, ref string, p unet.Patch, o unet.WriteOptions) (*unet.Link, error) {
	var out *unet.Link
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return nil, err
	}
	err = unconditional(o.IfVersion, func(lock bool) error {
		return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
			var err error
			out, err = s.patchLink(ctx, tx, lock, ref, p, o.IfVersion, m)
			return s.finishWrite(ctx, tx, m, err)
		})
	})
	return out, err
}

// patchLink applies a merge patch to the link ref inside tx.
func (s *Service) patchLink(ctx context.Context, tx *sqlstore.Tx, lock bool, ref string, p unet.Patch, ifVersion int, m mutation) (*unet.Link, error) {
	p = aliasKey(aliasKey(p, "a_node", "a_node_id"), "z_node", "z_node_id")
	cur, err := readForWrite(ctx, tx, lock, sqlstore.TableLinks, ref, tx.Reader().FindLink, linkID)
	if err != nil {
		return nil, err
	}
	if err := checkVersion("link", linkLabel(cur), cur.Version, ifVersion); err != nil {
		return nil, err
	}
	next, err := applyPatch(cur, p, "link")
	if err != nil {
		return nil, err
	}
	return s.updateLink(ctx, tx, cur, next, m)
}

func (s *Service) updateLink(ctx context.Context, tx *sqlstore.Tx, cur, next *unet.Link, m mutation) (*unet.Link, error) {
	next.ID = cur.ID
	if err := s.prepareLink(ctx, tx.Reader(), next, m.cache); err != nil {
		return nil, err
	}
	if err := unet.CheckLifecycleTransition(cur.Lifecycle, next.Lifecycle); err != nil {
		return nil, err
	}
	next.CreatedAt, next.Version, next.UpdatedAt = cur.CreatedAt, cur.Version, cur.UpdatedAt
	if linkUnchanged(cur, next) {
		return cur, m.scopes.check(ctx, tx, unet.KindLink, linkLabel(cur), cur, nil)
	}
	next.Version = cur.Version + 1
	next.UpdatedAt = m.now
	if err := tx.UpdateLink(ctx, next, cur.Version); err != nil {
		return nil, err
	}
	return next, m.record(ctx, tx, unet.KindLink, next.ID, linkLabel(next), unet.OpUpdate, cur, next)
}

// DeleteLink deletes a link.
func (s *Service) DeleteLink(ctx context.Context, ref string, o unet.DeleteOptions) error {
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return err
	}
	return unconditional(o.IfVersion, func(lock bool) error {
		return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
			return s.finishWrite(ctx, tx, m, s.deleteLink(ctx, tx, lock, ref, o.IfVersion, m))
		})
	})
}

// deleteLink deletes the link ref inside tx.
func (s *Service) deleteLink(ctx context.Context, tx *sqlstore.Tx, lock bool, ref string, ifVersion int, m mutation) error {
	l, err := readForWrite(ctx, tx, lock, sqlstore.TableLinks, ref, tx.Reader().FindLink, linkID)
	if err != nil {
		return err
	}
	if err := checkVersion("link", linkLabel(l), l.Version, ifVersion); err != nil {
		return err
	}
	if err := tx.DeleteLink(ctx, l); err != nil {
		return err
	}
	return m.record(ctx, tx, unet.KindLink, l.ID, linkLabel(l), unet.OpDelete, l, nil)
}

func linkID(l *unet.Link) string { return l.ID }
