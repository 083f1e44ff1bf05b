package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// RebaseChangeSet moves the bases of operations whose objects changed
// since staging, in fields the set does not change itself, to the current
// objects, and dismisses the decisions on the set. Conflicts that overlap
// what the set changes refuse the whole rebase (ECONFLICT, nothing
// changed): the set must be staged again.
func (s *Service) RebaseChangeSet(ctx context.Context, ref string) (*unet.ChangeSet, error) {
	r := s.db.Reader()
	cs, err := loadSet(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	if err := editable(cs, "rebase"); err != nil {
		return nil, err
	}
	found, _, err := s.conflictsNow(ctx, r, cs, s.stagingMutation(ctx, cs.ID, cs.Title, false))
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return s.GetChangeSet(ctx, cs.ID, unet.ChangeSetView{})
	}
	var parts []string
	var fe []unet.FieldError
	for _, c := range found {
		if !c.Overlaps {
			continue
		}
		label := c.Kind + "/" + c.Name
		var names []string
		for _, f := range c.Fields {
			names = append(names, f.Field)
		}
		what := strings.Join(names, ", ")
		if c.CurrentVersion == 0 {
			what = "deleted since staging"
		} else if c.StagedVersion == 0 {
			what = "created since staging"
		}
		parts = append(parts, fmt.Sprintf("%s (%s, operation %d)", label, what, c.Seq))
		fe = append(fe, unet.FieldError{Field: label, Message: fmt.Sprintf("operation %d changes what changed since staging: %s", c.Seq, what)})
	}
	if len(parts) > 0 {
		return nil, &unet.Error{Code: unet.ECONFLICT, Fields: fe, Message: fmt.Sprintf(
			"cannot rebase %s: what changed since staging overlaps what it changes: %s; stage those operations again",
			cs.ID, strings.Join(parts, "; "))}
	}
	moved := map[int]bool{}
	for _, c := range found {
		op := &cs.Ops[indexOfSeq(cs.Ops, c.Seq)]
		for i := range op.Bases {
			b := &op.Bases[i]
			if b.Kind == c.Kind && b.ID == c.ID {
				b.Version, b.Image = c.CurrentVersion, c.current
				moved[op.Seq] = true
			}
		}
	}
	var ops []unet.ChangeOp
	var seqs []string
	for _, op := range cs.Ops {
		if moved[op.Seq] {
			ops = append(ops, op)
			seqs = append(seqs, fmt.Sprint(op.Seq))
		}
	}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.LockChangeSet(ctx, cs.ID); err != nil {
			return err
		}
		cur := *cs
		if err := tx.ReplaceChangeOpBases(ctx, cur.ID, ops); err != nil {
			return err
		}
		if err := s.writeEvent(ctx, tx, cur.ID, unet.EventRebased, cur.State, cur.State,
			"operation(s) "+strings.Join(seqs, ", ")+" rebased"); err != nil {
			return err
		}
		return s.dismissApprovals(ctx, tx, &cur, s.now())
	})
	if err != nil {
		return nil, err
	}
	return s.GetChangeSet(ctx, cs.ID, unet.ChangeSetView{})
}

// indexOfSeq finds the operation numbered seq (bases name their own
// operation, so it exists).
func indexOfSeq(ops []unet.ChangeOp, seq int) int {
	for i, op := range ops {
		if op.Seq == seq {
			return i
		}
	}
	return 0
}
