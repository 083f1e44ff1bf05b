package service

import (
	"context"
	"encoding/json"

	"github.com/unet-dev/unet"
)

// readEval returns the scope evaluator of a read permission for the
// principal of ctx, or nil when the read is unscoped.
func (s *Service) readEval(ctx context.Context, perm unet.Permission) (*scopeEval, error) {
	sc, err := s.scopeOf(ctx, perm)
	if err != nil || sc == nil {
		return nil, err
	}
	return newScopeEval(ctx, s.db.Reader(), sc), nil
}

// hideOutOfScope turns an object the reader may not see into the not-found
// error of an object that does not exist: a scoped read does not reveal
// what lies outside the scope.
func (s *Service) hideOutOfScope(ctx context.Context, perm unet.Permission, kind, ref string, v any) error {
	e, err := s.readEval(ctx, perm)
	if err != nil || e == nil {
		return err
	}
	if !e.objectOK(kind, v) {
		return unet.Errorf(unet.ENOTFOUND, "%s %q not found", kind, ref)
	}
	return nil
}

// changeOK reports whether a change-log entry concerns an object in scope:
// its state before or after the change is. Vendor entries are in every
// scope (vendors are global); entries of other kinds (secrets, Git
// sources, SNMP profiles) in none.
func (e *scopeEval) changeOK(c *unet.Change) bool {
	for _, img := range []json.RawMessage{c.Before, c.After} {
		if nullImage(img) {
			continue
		}
		var v any
		switch c.ObjectKind {
		case unet.KindNode:
			v = &unet.Node{}
		case unet.KindLocation:
			v = &unet.Location{}
		case unet.KindLink:
			v = &unet.Link{}
		case unet.KindVendor:
			return true
		default:
			return false
		}
		if json.Unmarshal(img, v) == nil && e.objectOK(c.ObjectKind, v) {
			return true
		}
	}
	return false
}
