package service

import (
	"context"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// GetChange returns one change record.
// An entry about an object outside the reader's scope is not found.
func (s *Service) GetChange(ctx context.Context, id string) (*unet.Change, error) {
	c, err := s.db.Reader().GetChange(ctx, id)
	if err != nil {
		return nil, err
	}
	e, err := s.readEval(ctx, unet.PermChangesRead)
	if err != nil {
		return nil, err
	}
	if e != nil && !e.changeOK(c) {
		return nil, unet.Errorf(unet.ENOTFOUND, "change %q not found", id)
	}
	return c, nil
}

// ListChanges lists the change log, newest first. Object is KIND/NAME,
// KIND/ID or a bare object ID; deleted objects are found by their recorded name.
func (s *Service) ListChanges(ctx context.Context, f unet.ChangeFilter) (*unet.List[unet.Change], error) {
	r := s.db.Reader()
	q := sqlstore.ChangeQuery{ChangeFilter: f}
	if f.Object != "" {
		kind, ref, ok := strings.Cut(f.Object, "/")
		if !ok {
			q.ObjectID = f.Object
		} else {
			q.Kind = strings.ToLower(kind)
			switch q.Kind {
			case unet.KindNode:
				q.ObjectName = ref
				if n, err := r.FindNode(ctx, ref); err == nil {
					q.ObjectID, q.ObjectName = n.ID, ""
				}
			case unet.KindLocation:
				q.ObjectName = ref
				if l, err := r.FindLocation(ctx, ref); err == nil {
					q.ObjectID, q.ObjectName = l.ID, ""
				}
			case unet.KindLink:
				q.ObjectName = ref
				if l, err := r.FindLink(ctx, ref); err == nil {
					q.ObjectID, q.ObjectName = l.ID, ""
				}
			case unet.KindVendor:
				q.ObjectID = strings.ToLower(ref)
			case unet.KindGitSource, "snmp_profile", unet.KindSecret, unet.KindApprovalRule, unet.KindNotification:
				q.ObjectID = ref
			default:
				return nil, unet.Errorf(unet.EINVALID, "unknown object kind %q in %q (use node/, link/, location/, vendor/, snmp_profile/, git_source/, secret/, approval_rule/ or notification/)", kind, f.Object)
			}
			if q.ObjectID == "" && q.ObjectName == ref {
				id, err := loggedObjectID(ctx, r, q.Kind, ref)
				if err != nil {
					return nil, err
				}
				q.ObjectID = id
			}
			// An object's change rows may predate a rename: match the ID or the
			// ref as a recorded name.
			if q.ObjectID != "" && (q.Kind == unet.KindNode || q.Kind == unet.KindLocation || q.Kind == unet.KindLink) {
				q.ObjectName = ref
			}
		}
	}
	e, err := s.readEval(ctx, unet.PermChangesRead)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return r.ListChanges(ctx, q)
	}
	if err := e.preloadNodes(); err != nil {
		return nil, err
	}
	return scopedPage(f.Page, func(p unet.Page) (*unet.List[unet.Change], error) {
		q.Page = p
		return r.ListChanges(ctx, q)
	}, e.changeOK, func(c *unet.Change) string { return sqlstore.Cursor("", c.ID) })
}
