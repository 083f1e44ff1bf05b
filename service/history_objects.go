package service

import (
	"context"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// NodeAt reconstructs a node from the change log as it was at at (an RFC
// 3339 time, a date or a change ID). ref is what GetNode takes, or a name
// the node had in the past. A node outside the reader's scope is not found.
func (s *Service) NodeAt(ctx context.Context, ref, at string) (*unet.Node, error) {
	return objectAt(ctx, s, nodeHistory, ref, at)
}

// LinkAt reconstructs a link as it was at at; its endpoint names are those
// of the nodes at that point.
func (s *Service) LinkAt(ctx context.Context, ref, at string) (*unet.Link, error) {
	return objectAt(ctx, s, linkHistory, ref, at)
}

// LocationAt reconstructs a location as it was at at.
func (s *Service) LocationAt(ctx context.Context, ref, at string) (*unet.Location, error) {
	return objectAt(ctx, s, locationHistory, ref, at)
}

var nodeHistory = historyKind[unet.Node]{
	kind: unet.KindNode, perm: unet.PermNodesRead, prefix: ".",
	current: func(ctx context.Context, r sqlstore.Reader, ref string) (string, error) {
		n, err := r.FindNode(ctx, ref)
		if err != nil {
			return "", notFoundOK(err)
		}
		return n.ID, nil
	},
	named: func(n *unet.Node, ref string) bool {
		return n.ID == ref || n.FQDN == ref || n.Name == ref
	},
	complete: func(ctx context.Context, h *history, n *unet.Node) error {
		return h.rememberLocation(ctx, n.LocationID)
	},
	inScope: func(e *scopeEval, n *unet.Node) bool {
		e.remember(n)
		return e.nodeOK(n)
	},
}

var locationHistory = historyKind[unet.Location]{
	kind: unet.KindLocation, perm: unet.PermLocationsRead,
	current: func(ctx context.Context, r sqlstore.Reader, ref string) (string, error) {
		l, err := r.FindLocation(ctx, ref)
		if err != nil {
			return "", notFoundOK(err)
		}
		return l.ID, nil
	},
	named: func(l *unet.Location, ref string) bool {
		return l.ID == ref || l.Path == ref
	},
	complete: func(context.Context, *history, *unet.Location) error { return nil },
	inScope:  func(e *scopeEval, l *unet.Location) bool { return e.locationOK(l) },
}

var linkHistory = historyKind[unet.Link]{
	kind: unet.KindLink, perm: unet.PermLinksRead,
	current: func(ctx context.Context, r sqlstore.Reader, ref string) (string, error) {
		l, err := r.FindLink(ctx, ref)
		if err != nil {
			return "", notFoundOK(err)
		}
		return l.ID, nil
	},
	named: func(l *unet.Link, ref string) bool {
		if l.ID == ref || (l.Name != "" && l.Name == ref) {
			return true
		}
		i := strings.LastIndexByte(ref, ':')
		if i <= 0 {
			return false
		}
		node, iface := ref[:i], sqlstore.IfaceKey(ref[i+1:])
		return (endName(l.ANode, node) && sqlstore.IfaceKey(l.AInterface) == iface) ||
			(l.ZNodeID != "" && endName(l.ZNode, node) && sqlstore.IfaceKey(l.ZInterface) == iface)
	},
	complete: func(ctx context.Context, h *history, l *unet.Link) error {
		a, err := h.nodeAt(ctx, l.ANodeID)
		if err != nil {
			return err
		}
		if a != nil {
			l.ANode = a.FQDN
		}
		if l.ZNodeID == "" {
			return nil
		}
		z, err := h.nodeAt(ctx, l.ZNodeID)
		if err != nil {
			return err
		}
		if z != nil {
			l.ZNode = z.FQDN
		}
		return nil
	},
	inScope: func(e *scopeEval, l *unet.Link) bool { return e.linkOK(l) },
	scan:    func(ref string) bool { return strings.LastIndexByte(ref, ':') > 0 },
}

// endName reports whether ref names the node whose FQDN is fqdn (the FQDN
// or the name before the domain).
func endName(fqdn, ref string) bool {
	return fqdn == ref || strings.HasPrefix(fqdn, ref+".")
}

// notFoundOK drops a not-found error: the ref names no current object,
// which is no error for a read of the past.
func notFoundOK(err error) error {
	if unet.ErrorCode(err) == unet.ENOTFOUND {
		return nil
	}
	return err
}
