package service

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// lockTables maps object kinds to their lockable tables.
var lockTables = map[string]string{
	unet.KindNode:     sqlstore.TableNodes,
	unet.KindLink:     sqlstore.TableLinks,
	unet.KindLocation: sqlstore.TableLocations,
}

// ApplyChangeSet writes an approved set in one transaction. With
// Emergency (and a reason) a set that is not final is applied without
// approvals and flagged. Conflicts since staging refuse it (ECONFLICT, by
// object and field), and so do tripped guards (EFORBIDDEN) unless Force
// (with a reason).
func (s *Service) ApplyChangeSet(ctx context.Context, ref string, o unet.ApplyOptions) (*unet.ChangeSet, error) {
	o.Reason = strings.TrimSpace(o.Reason)
	if err := checkComment("reason", o.Reason, o.Emergency || o.Force); err != nil {
		return nil, err
	}
	p := unet.PrincipalFrom(ctx)
	if o.Emergency && p != nil && !p.Can(unet.PermChangesEmergency) {
		return nil, unet.Errorf(unet.EFORBIDDEN, "an emergency apply needs permission %s", unet.PermChangesEmergency)
	}
	if o.Force && p != nil && !p.Can(unet.PermChangesForce) {
		return nil, unet.Errorf(unet.EFORBIDDEN, "a forced apply needs permission %s", unet.PermChangesForce)
	}
	r := s.db.Reader()
	cs, err := loadSet(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	if err := applicable(cs, o); err != nil {
		return nil, err
	}
	if op := promotionOf(cs); op != nil {
		return s.applyPromotion(ctx, cs, op, o)
	}
	reason := cs.Title
	if o.Reason != "" {
		reason = o.Reason
	}
	m := s.stagingMutation(ctx, cs.ID, reason, true)
	m.emergency = o.Emergency

	// Before the transaction, for a clear answer: conflicts, then guards
	// (one dry run for both).
	run := s.runImpact(ctx, cs.Ops, m)
	if run.runErr != nil && unet.ErrorCode(run.runErr) == unet.EINTERNAL {
		return nil, run.runErr
	}
	found, err := s.findConflicts(ctx, r, cs, run.rows)
	if err != nil {
		return nil, err
	}
	if len(found) > 0 {
		return nil, conflictError(cs, found)
	}
	if run.runErr != nil {
		return nil, run.runErr
	}
	if run.err != nil {
		return nil, run.err
	}
	imp := run.impact
	var tripped []string
	for _, g := range imp.Guards {
		if g.Tripped {
			tripped = append(tripped, fmt.Sprintf("%s (%s)", g.Name, g.Detail))
		}
	}
	if len(tripped) > 0 && !o.Force {
		return nil, unet.Errorf(unet.EFORBIDDEN, "%s trips guard(s): %s; apply with --force --reason R if you are allowed to override them",
			cs.ID, strings.Join(tripped, "; "))
	}

	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.LockChangeSet(ctx, cs.ID); err != nil {
			return err
		}
		cur, err := loadSet(ctx, tx.Reader(), cs.ID)
		if err != nil {
			return err
		}
		if cur.Version != cs.Version {
			return unet.Errorf(unet.ECONFLICT, "%s changed while it was being applied (now %s): look at it again", cs.ID, cur.State)
		}
		// The authoritative conflict check: under row locks, so that of two
		// sets applied at once that touch the same object only one wins.
		if err := lockBases(ctx, tx, cur); err != nil {
			return err
		}
		found, err := s.findConflicts(ctx, tx.Reader(), cur, nil)
		if err != nil {
			return err
		}
		if len(found) > 0 {
			return conflictError(cur, found)
		}
		rows, err := s.execOps(ctx, tx, cur.Ops, m)
		if err != nil {
			return err
		}
		if !o.Emergency {
			req, err := s.approvalRequirement(ctx, tx.Reader(), touchedObjects(rows), cur.Approvals)
			if err != nil {
				return err
			}
			if !req.Satisfied {
				return unet.Errorf(unet.EFORBIDDEN, "%s needs %d approval(s) and has %d: it cannot be applied yet",
					cur.ID, req.Required, req.Approvals)
			}
		}
		var changed []unet.Change
		for _, r := range rows {
			changed = append(changed, r...)
		}
		from, err := s.markApplied(ctx, tx, cur, m, o, emergencyObjects(changed))
		if err != nil {
			return err
		}
		if len(tripped) > 0 {
			if err := s.writeEvent(ctx, tx, cur.ID, unet.EventForced, from, from,
				fmt.Sprintf("guards overridden: %s; reason: %s", strings.Join(tripped, "; "), o.Reason)); err != nil {
				return err
			}
		}
		n := 0
		for _, r := range rows {
			n += len(r)
		}
		return s.writeEvent(ctx, tx, cur.ID, unet.EventApplied, from, cur.State, fmt.Sprintf("%d change(s), batch %s", n, m.batch))
	})
	if err != nil {
		return nil, err
	}
	return s.GetChangeSet(ctx, cs.ID, unet.ChangeSetView{})
}

// applicable refuses to apply a set in the wrong state.
func applicable(cs *unet.ChangeSet, o unet.ApplyOptions) error {
	if finalState(cs.State) {
		return unet.Errorf(unet.ECONFLICT, "%s is %s: it cannot be applied", cs.ID, cs.State)
	}
	if len(cs.Ops) == 0 {
		return unet.Errorf(unet.EINVALID, "%s has no operations: there is nothing to apply", cs.ID)
	}
	if o.Emergency || cs.State == unet.ChangeSetApproved {
		return nil
	}
	if cs.State == unet.ChangeSetOpen {
		return unet.Errorf(unet.EFORBIDDEN, "%s is open (a draft): submit it and have it approved before applying it", cs.ID)
	}
	return unet.Errorf(unet.EFORBIDDEN, "%s is %s: it must be approved before it can be applied (or applied with --emergency --reason R)",
		cs.ID, cs.State)
}

// lockBases takes the row lock of every object the set's bases name, in a
// fixed order (two applies locking the same rows cannot deadlock).
func lockBases(ctx context.Context, tx *sqlstore.Tx, cs *unet.ChangeSet) error {
	var keys [][2]string
	seen := map[[2]string]bool{}
	for _, op := range cs.Ops {
		for _, b := range op.Bases {
			table, ok := lockTables[b.Kind]
			k := [2]string{table, b.ID}
			if !ok || createBase(b) || seen[k] {
				continue
			}
			seen[k] = true
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		if err := tx.LockRow(ctx, k[0], k[1]); err != nil {
			return err
		}
	}
	return nil
}

// markApplied moves cur to applied in tx (applied now by the actor, with m's
// batch) and, for an emergency application, records the emergency
// transition and emits emergency.applied over objs (KIND/NAME). It returns
// the state cur left; the caller writes the applied transition.
func (s *Service) markApplied(ctx context.Context, tx *sqlstore.Tx, cur *unet.ChangeSet, m mutation, o unet.ApplyOptions, objs []string) (string, error) {
	from, now := cur.State, s.now()
	cur.State = unet.ChangeSetApplied
	cur.AppliedAt, cur.AppliedBy, cur.Batch = &now, unet.ActorFrom(ctx), m.batch
	cur.Emergency = o.Emergency
	if o.Reason != "" {
		cur.Reason = o.Reason
	}
	cur.UpdatedAt = now
	if err := tx.UpdateChangeSet(ctx, cur); err != nil {
		return "", err
	}
	if o.Emergency {
		if err := s.writeEvent(ctx, tx, cur.ID, unet.EventEmergency, from, from, o.Reason); err != nil {
			return "", err
		}
		emitEmergencyApplied(tx, now, cur.AppliedBy, m.batch, cur.ID, o.Reason, objs)
	}
	return from, nil
}
