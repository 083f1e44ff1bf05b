package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

func locationUnchanged(a, b *unet.Location) bool {
	ca, cb := *a, *b
	ma, mb := ca.Meta, cb.Meta
	ca.Meta, cb.Meta = unet.Meta{}, unet.Meta{}
	return sameIntent(ma, mb, ca, cb)
}

// prepareLocation normalizes and validates l, resolves its parent reference (ID
// or path) and computes its path.
func (s *Service) prepareLocation(ctx context.Context, r sqlstore.Reader, l *unet.Location) error {
	l.Normalize()
	var fe []unet.FieldError
	if err := l.Validate(); err != nil {
		fe = append(fe, unet.ErrorFields(err)...)
	}
	parentPath := ""
	if l.ParentID != "" {
		p, err := r.FindLocation(ctx, l.ParentID)
		if err != nil {
			fe = append(fe, unet.FieldError{Field: "parent", Message: fmt.Sprintf("unknown location %q", l.ParentID)})
		} else {
			l.ParentID = p.ID
			parentPath = p.Path
		}
	}
	if len(fe) > 0 {
		return unet.Invalid("invalid location", fe...)
	}
	l.Path = l.Name
	if parentPath != "" {
		l.Path = parentPath + "/" + l.Name
	}
	return nil
}

// CreateLocation validates and stores a new location.
func (s *Service) CreateLocation(ctx context.Context, l *unet.Location, o unet.WriteOptions) (*unet.Location, error) {
	l = unet.CloneJSON(l)
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error { return s.finishWrite(ctx, tx, m, s.createLocation(ctx, tx, l, m)) })
	if err != nil {
		return nil, err
	}
	return l, nil
}

func (s *Service) createLocation(ctx context.Context, tx *sqlstore.Tx, l *unet.Location, m mutation) error {
	r := tx.Reader()
	if err := s.prepareLocation(ctx, r, l); err != nil {
		return err
	}
	if existing, err := r.FindLocation(ctx, l.Path); err == nil {
		return unet.Errorf(unet.ECONFLICT, "location %s already exists (id %s)", l.Path, existing.ID)
	}
	l.ID = m.objectID(l.ID)
	l.Version = 1
	l.CreatedAt, l.UpdatedAt = m.now, m.now
	if err := tx.InsertLocation(ctx, l); err != nil {
		return err
	}
	return m.record(ctx, tx, unet.KindLocation, l.ID, l.Path, unet.OpCreate, nil, l)
}

// GetLocation returns a location by ID or path. A location outside the
// reader's scope is not found.
func (s *Service) GetLocation(ctx context.Context, ref string) (*unet.Location, error) {
	l, err := s.db.Reader().FindLocation(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := s.hideOutOfScope(ctx, unet.PermLocationsRead, unet.KindLocation, ref, l); err != nil {
		return nil, err
	}
	return l, nil
}

// ListLocations returns a page of locations.
func (s *Service) ListLocations(ctx context.Context, f unet.LocationFilter) (*unet.List[unet.Location], error) {
	r := s.db.Reader()
	parentID := ""
	if f.Parent != "" {
		p, err := r.FindLocation(ctx, f.Parent)
		if err != nil {
			return nil, err
		}
		parentID = p.ID
	}
	e, err := s.readEval(ctx, unet.PermLocationsRead)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return r.ListLocations(ctx, f, parentID)
	}
	return scopedPage(f.Page, func(p unet.Page) (*unet.List[unet.Location], error) {
		f.Page = p
		return r.ListLocations(ctx, f, parentID)
	}, e.locationOK, func(l *unet.Location) string { return sqlstore.Cursor(l.Path, l.ID) })
}

// UpdateLocation applies a merge patch. "parent" (path or ID) moves the
// location; a rename or move recomputes the paths of all descendants.
func (s *Service) UpdateLocation(ctx context.Context, ref string, p unet.Patch, o unet.WriteOptions) (*unet.Location, error) {
	var out *unet.Location
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return nil, err
	}
	err = unconditional(o.IfVersion, func(lock bool) error {
		return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
			var err error
			out, err = s.patchLocation(ctx, tx, lock, ref, p, o.IfVersion, m)
			return s.finishWrite(ctx, tx, m, err)
		})
	})
	return out, err
}

// patchLocation applies a merge patch to the location ref inside tx.
func (s *Service) patchLocation(ctx context.Context, tx *sqlstore.Tx, lock bool, ref string, p unet.Patch, ifVersion int, m mutation) (*unet.Location, error) {
	cur, err := readForWrite(ctx, tx, lock, sqlstore.TableLocations, ref, tx.Reader().FindLocation, locationID)
	if err != nil {
		return nil, err
	}
	if err := checkVersion("location", cur.Path, cur.Version, ifVersion); err != nil {
		return nil, err
	}
	next, err := applyPatch(cur, aliasKey(p, "parent", "parent_id"), "location")
	if err != nil {
		return nil, err
	}
	return s.updateLocation(ctx, tx, cur, next, m)
}

func (s *Service) updateLocation(ctx context.Context, tx *sqlstore.Tx, cur, next *unet.Location, m mutation) (*unet.Location, error) {
	r := tx.Reader()
	if err := s.prepareLocation(ctx, r, next); err != nil {
		return nil, err
	}
	if next.ParentID == cur.ID || strings.HasPrefix(next.Path, cur.Path+"/") {
		return nil, unet.Invalid("invalid location", unet.FieldError{Field: "parent", Message: "a location cannot be moved below itself"})
	}
	if err := unet.CheckLifecycleTransition(cur.Lifecycle, next.Lifecycle); err != nil {
		return nil, err
	}
	next.ID, next.CreatedAt, next.Version, next.UpdatedAt = cur.ID, cur.CreatedAt, cur.Version, cur.UpdatedAt
	if locationUnchanged(cur, next) {
		return cur, m.scopes.check(ctx, tx, unet.KindLocation, cur.Path, cur, nil)
	}
	if next.Path != cur.Path {
		if other, err := r.FindLocation(ctx, next.Path); err == nil && other.ID != cur.ID {
			return nil, unet.Errorf(unet.ECONFLICT, "location %s already exists (id %s)", next.Path, other.ID)
		}
	}
	next.Version = cur.Version + 1
	next.UpdatedAt = m.now
	if err := tx.UpdateLocation(ctx, next, cur.Version); err != nil {
		return nil, err
	}
	if err := m.record(ctx, tx, unet.KindLocation, next.ID, next.Path, unet.OpUpdate, cur, next); err != nil {
		return nil, err
	}
	if next.Path != cur.Path {
		desc, err := r.LocationDescendants(ctx, cur.Path)
		if err != nil {
			return nil, err
		}
		for i := range desc {
			d := desc[i]
			moved := d
			moved.Path = next.Path + strings.TrimPrefix(d.Path, cur.Path)
			moved.Version = d.Version + 1
			moved.UpdatedAt = m.now
			if err := tx.UpdateLocation(ctx, &moved, d.Version); err != nil {
				return nil, err
			}
			if err := m.record(ctx, tx, unet.KindLocation, d.ID, moved.Path, unet.OpUpdate, &d, &moved); err != nil {
				return nil, err
			}
		}
	}
	return next, nil
}

// DeleteLocation deletes a location that has no child locations and no nodes;
// otherwise the error names them.
func (s *Service) DeleteLocation(ctx context.Context, ref string, o unet.DeleteOptions) error {
	m, err := s.writeMutation(ctx, o.Reason, o.Emergency)
	if err != nil {
		return err
	}
	return unconditional(o.IfVersion, func(lock bool) error {
		return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
			return s.finishWrite(ctx, tx, m, s.deleteLocation(ctx, tx, lock, ref, o, m))
		})
	})
}

func (s *Service) deleteLocation(ctx context.Context, tx *sqlstore.Tx, lock bool, ref string, o unet.DeleteOptions, m mutation) error {
	r := tx.Reader()
	l, err := readForWrite(ctx, tx, lock, sqlstore.TableLocations, ref, r.FindLocation, locationID)
	if err != nil {
		return err
	}
	if err := checkVersion("location", l.Path, l.Version, o.IfVersion); err != nil {
		return err
	}
	children, nodes, err := r.LocationDependents(ctx, l.ID, 10)
	if err != nil {
		return err
	}
	if len(children) > 0 || len(nodes) > 0 {
		var parts []string
		if len(children) > 0 {
			parts = append(parts, "child locations: "+strings.Join(children, ", "))
		}
		if len(nodes) > 0 {
			parts = append(parts, "nodes: "+strings.Join(nodes, ", "))
		}
		return unet.Errorf(unet.ECONFLICT, "location %s is not empty (%s)", l.Path, strings.Join(parts, "; "))
	}
	if err := tx.DeleteLocation(ctx, l); err != nil {
		return err
	}
	return m.record(ctx, tx, unet.KindLocation, l.ID, l.Path, unet.OpDelete, l, nil)
}

func locationID(l *unet.Location) string { return l.ID }
