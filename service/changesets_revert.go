package service

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// objectID is the ID of an object being created: a new one, or with
// restoreIDs the one it carries (a revert re-creates a deleted object
// under its old ID, so that what referred to it by ID still does).
func (m mutation) objectID(carried string) string {
	if m.restoreIDs && carried != "" {
		return carried
	}
	return newID()
}

// RevertChange applies the inverse of one change (a change ID) or of a
// whole applied set ("cs-N") at once, as a new applied set that records
// what it reverts; a reverted set is marked so. A revert needs no
// approvals and trips no guards: it goes back to a state that was in force.
// Each object must still be as the change left it (same version), else the
// revert is refused unless Force, which overwrites it with the older image.
//
// A deleted object comes back with its old ID; vendors that a set created
// stay (the registry has no delete).
func (s *Service) RevertChange(ctx context.Context, ref string, o unet.RevertOptions) (*unet.ChangeSet, error) {
	o.Reason = strings.TrimSpace(o.Reason)
	if err := checkComment("reason", o.Reason, false); err != nil {
		return nil, err
	}
	if p := unet.PrincipalFrom(ctx); o.Force && p != nil && !p.Can(unet.PermChangesForce) {
		return nil, unet.Errorf(unet.EFORBIDDEN, "a forced revert needs permission %s", unet.PermChangesForce)
	}
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, unet.Invalid("nothing to revert", unet.FieldError{Field: "ref", Message: "give a change ID or a change set (cs-N)"})
	}
	r := s.db.Reader()
	var orig *unet.ChangeSet
	var objs []touched
	var title, reverts string
	if sqlstore.IsChangeSetRef(ref) {
		cs, err := r.GetChangeSet(ctx, ref)
		if err != nil {
			return nil, err
		}
		if err := revertible(cs); err != nil {
			return nil, err
		}
		rows, err := r.ChangesOfBatch(ctx, cs.Batch)
		if err != nil {
			return nil, err
		}
		orig, objs, reverts = cs, touchedObjects([][]unet.Change{rows}), cs.ID
		title = clip("Revert "+cs.ID+": "+cs.Title, maxChangeSetTitle)
	} else {
		c, err := r.GetChange(ctx, ref)
		if err != nil {
			return nil, err
		}
		if c.ObjectKind == unet.KindVendor {
			return nil, unet.Errorf(unet.EINVALID, "change %s created vendor %s: vendors cannot be deleted, so it cannot be reverted", c.ID, c.ObjectName)
		}
		if _, ok := lockTables[c.ObjectKind]; !ok {
			return nil, unet.Errorf(unet.EINVALID, "change %s is of a %s: only changes of nodes, links and locations can be reverted", c.ID, c.ObjectKind)
		}
		objs, reverts = touchedObjects([][]unet.Change{{*c}}), c.ID
		title = "Revert change " + c.ID
	}
	reason := title
	if o.Reason != "" {
		reason = o.Reason
	}
	var id string
	err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if orig != nil {
			if err := tx.LockChangeSet(ctx, orig.ID); err != nil {
				return err
			}
			cur, err := tx.Reader().GetChangeSet(ctx, orig.ID)
			if err != nil {
				return err
			}
			if err := revertible(cur); err != nil {
				return err
			}
			orig = cur
		}
		ops, err := s.inverseOps(ctx, tx, objs, o.Force)
		if err != nil {
			return err
		}
		if len(ops) == 0 {
			return unet.Errorf(unet.EINVALID, "nothing to revert: every object %s touched is as it was before", reverts)
		}
		n, err := tx.NextChangeSetID(ctx)
		if err != nil {
			return err
		}
		id = sqlstore.ChangeSetID(n)
		m := s.stagingMutation(ctx, id, reason, true)
		m.restoreIDs = true
		actor, now := m.actor, m.now
		for i := range ops {
			ops[i].Seq, ops[i].AddedBy, ops[i].AddedAt = i+1, actor, now
		}
		rows, err := s.execOps(ctx, tx, ops, m)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for i := range ops {
			ops[i].Bases = basesOf(rows[i], seen)
		}
		cs := &unet.ChangeSet{ID: id, State: unet.ChangeSetApplied, Title: title, Author: actor, CreatedAt: now, UpdatedAt: now,
			AppliedAt: &now, AppliedBy: actor, Batch: m.batch, Reason: o.Reason, Reverts: reverts}
		if err := tx.InsertChangeSet(ctx, cs); err != nil {
			return err
		}
		if err := tx.InsertChangeOps(ctx, id, ops); err != nil {
			return err
		}
		if err := s.writeEvent(ctx, tx, id, unet.EventCreated, "", unet.ChangeSetApplied, "revert of "+reverts); err != nil {
			return err
		}
		if err := s.writeEvent(ctx, tx, id, unet.EventApplied, "", unet.ChangeSetApplied,
			fmt.Sprintf("%d operation(s), batch %s", len(ops), m.batch)); err != nil {
			return err
		}
		if orig == nil {
			return nil
		}
		orig.State, orig.RevertedBy, orig.UpdatedAt = unet.ChangeSetReverted, id, now
		if err := tx.UpdateChangeSet(ctx, orig); err != nil {
			return err
		}
		return s.writeEvent(ctx, tx, orig.ID, unet.EventReverted, unet.ChangeSetApplied, unet.ChangeSetReverted, "by "+id)
	})
	if err != nil {
		return nil, err
	}
	return s.GetChangeSet(ctx, id, unet.ChangeSetView{})
}

// revertible refuses to revert a set that is not applied.
func revertible(cs *unet.ChangeSet) error {
	switch {
	case cs.State == unet.ChangeSetReverted:
		return unet.Errorf(unet.ECONFLICT, "%s was reverted already (by %s)", cs.ID, cs.RevertedBy)
	case cs.State != unet.ChangeSetApplied || cs.Batch == "":
		return unet.Errorf(unet.ECONFLICT, "%s is %s: only an applied set can be reverted", cs.ID, cs.State)
	}
	return nil
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// inverseOps builds, under row locks in tx, the operations that take every
// object of objs back to its before image, last touched first. An object
// no longer as objs left it refuses the revert unless force.
func (s *Service) inverseOps(ctx context.Context, tx *sqlstore.Tx, objs []touched, force bool) ([]unet.ChangeOp, error) {
	r := tx.Reader()
	var ops []unet.ChangeOp
	for i := len(objs) - 1; i >= 0; i-- {
		t := objs[i]
		table, ok := lockTables[t.Kind]
		if !ok {
			continue // vendors stay
		}
		before, after := !createBase(unet.OpBase{Image: t.Before}), !createBase(unet.OpBase{Image: t.After})
		if !before && !after {
			continue // created and deleted by the same set
		}
		if err := tx.LockRow(ctx, table, t.ID); err != nil {
			return nil, err
		}
		cur, version, found, err := currentObject(ctx, r, t.Kind, t.ID)
		if err != nil {
			return nil, err
		}
		want := imageVersion(t.After)
		if (found != after || version != want) && !force {
			return nil, s.changedSince(ctx, r, t, version, found)
		}
		switch {
		case !before: // created: delete it
			if found {
				ops = append(ops, unet.ChangeOp{Op: unet.OpDelete, Kind: t.Kind, Ref: t.ID})
			}
		case !found: // deleted (or gone since, with force): re-create it
			data, err := createData(t.Before)
			if err != nil {
				return nil, err
			}
			ops = append(ops, unet.ChangeOp{Op: unet.OpCreate, Kind: t.Kind, Data: data})
		default: // updated (or re-created since, with force): patch it back
			patch := revertPatch(cur, t.Before)
			if len(patch) == 0 {
				continue
			}
			data, err := json.Marshal(patch)
			if err != nil {
				return nil, unet.Internal(err)
			}
			ops = append(ops, unet.ChangeOp{Op: unet.OpUpdate, Kind: t.Kind, Ref: t.ID, Data: data})
		}
	}
	return ops, nil
}

// changedSince is the refusal of reverting an object that changed after
// the change being reverted.
func (s *Service) changedSince(ctx context.Context, r sqlstore.Reader, t touched, version int, found bool) error {
	last, err := r.LatestChangeOf(ctx, t.Kind, t.ID)
	if err != nil {
		return err
	}
	state := fmt.Sprintf("version %d", version)
	if !found {
		state = "deleted"
	}
	return unet.Errorf(unet.ECONFLICT, "%s %s changed since (%s, change %s): revert that first, or use --force to overwrite it",
		t.Kind, t.Name, state, last)
}

// createData is the create operation's data of a deleted object: its before
// image (its ID kept, the rest assigned again by the create).
func createData(img json.RawMessage) (json.RawMessage, error) {
	m := imageMap(img)
	if m == nil {
		return nil, unet.Internal(fmt.Errorf("revert: before image is not an object"))
	}
	for k := range metaFields {
		if k != "id" {
			delete(m, k)
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, unet.Internal(err)
	}
	return b, nil
}

// revertPatch is the merge patch that turns image cur into image want:
// every writable field that differs; custom_data as a whole (keys that
// are new since are removed).
func revertPatch(cur, want json.RawMessage) map[string]any {
	mc, mw := imageMap(cur), imageMap(want)
	patch := map[string]any{}
	for k, w := range mw {
		if metaFields[k] || readOnlyFields[k] {
			continue
		}
		if c, ok := mc[k]; !ok || !reflect.DeepEqual(c, w) {
			patch[k] = mergeDiff(mc[k], w)
		}
	}
	return patch
}

// mergeDiff is the merge patch value turning c into w: objects key by key
// (keys only in c become null), anything else replaced.
func mergeDiff(c, w any) any {
	cm, cok := c.(map[string]any)
	wm, wok := w.(map[string]any)
	if !cok || !wok {
		return w
	}
	out := map[string]any{}
	keys := make([]string, 0, len(cm))
	for k := range cm {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, ok := wm[k]; !ok {
			out[k] = nil
		}
	}
	for k, v := range wm {
		if !reflect.DeepEqual(cm[k], v) {
			out[k] = mergeDiff(cm[k], v)
		}
	}
	return out
}
