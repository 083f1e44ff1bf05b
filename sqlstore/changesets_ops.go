package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// InsertChangeOps stores operations of a change set.
func (tx *Tx) InsertChangeOps(ctx context.Context, set string, ops []unet.ChangeOp) error {
	id, err := ParseChangeSetID(set)
	if err != nil {
		return err
	}
	for _, op := range ops {
		bases := op.Bases
		if bases == nil {
			bases = []unet.OpBase{}
		}
		b, err := encodeJSON("operation bases", bases)
		if err != nil {
			return err
		}
		_, err = tx.q.ExecContext(ctx, `INSERT INTO change_set_ops (set_id, seq, op, kind, ref, data_json, cascade_delete,
			bases_json, added_by, added_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
			id, op.Seq, op.Op, op.Kind, op.Ref, rawArg(op.Data), boolInt(op.Cascade), b, op.AddedBy, fmtTime(op.AddedAt))
		if err != nil {
			return fmt.Errorf("insert operation %d of %s: %w", op.Seq, set, err)
		}
	}
	return nil
}

// ReplaceChangeOpBases rewrites the bases of stored operations (a rebase).
func (tx *Tx) ReplaceChangeOpBases(ctx context.Context, set string, ops []unet.ChangeOp) error {
	id, err := ParseChangeSetID(set)
	if err != nil {
		return err
	}
	for _, op := range ops {
		b, err := encodeJSON("operation bases", op.Bases)
		if err != nil {
			return err
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE change_set_ops SET bases_json = $3 WHERE set_id = $1 AND seq = $2`,
			id, op.Seq, b); err != nil {
			return fmt.Errorf("rebase operation %d of %s: %w", op.Seq, set, err)
		}
	}
	return nil
}

// ListChangeOps returns the operations of a change set in order.
func (r Reader) ListChangeOps(ctx context.Context, set string) ([]unet.ChangeOp, error) {
	id, err := ParseChangeSetID(set)
	if err != nil {
		return nil, err
	}
	return queryItems(ctx, r, `SELECT seq, op, kind, ref, data_json, cascade_delete, bases_json, added_by, added_at
		FROM change_set_ops WHERE set_id = $1 ORDER BY seq`, []any{id}, func(s rowScanner) (*unet.ChangeOp, error) {
		op := &unet.ChangeOp{}
		var data sql.NullString
		var cascade int
		var bases, added string
		if err := s.Scan(&op.Seq, &op.Op, &op.Kind, &op.Ref, &data, &cascade, &bases, &op.AddedBy, &added); err != nil {
			return nil, err
		}
		if data.Valid && data.String != "" {
			op.Data = json.RawMessage(data.String)
		}
		op.Cascade = cascade != 0
		op.AddedAt = parseTime(added)
		if err := json.Unmarshal([]byte(bases), &op.Bases); err != nil {
			return nil, fmt.Errorf("decode bases of %s operation %d: %w", set, op.Seq, err)
		}
		if op.Bases == nil {
			op.Bases = []unet.OpBase{}
		}
		return op, nil
	})
}

// InsertApproval records a review decision on a change set.
func (tx *Tx) InsertApproval(ctx context.Context, set, id string, a unet.Approval) error {
	n, err := ParseChangeSetID(set)
	if err != nil {
		return err
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO change_set_approvals (id, set_id, actor, decision, comment, roles, decided_at,
		dismissed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		id, n, a.Actor, a.Decision, a.Comment, strings.Join(a.Roles, ","), fmtTime(a.At), timeArg(a.DismissedAt))
	if err != nil {
		return fmt.Errorf("insert approval of %s: %w", set, err)
	}
	return nil
}

// DeleteLiveDecision removes the live (not dismissed) decision of actor on a
// set: a new decision replaces it.
func (tx *Tx) DeleteLiveDecision(ctx context.Context, set, actor string) error {
	n, err := ParseChangeSetID(set)
	if err != nil {
		return err
	}
	_, err = tx.q.ExecContext(ctx, `DELETE FROM change_set_approvals WHERE set_id = $1 AND actor = $2 AND dismissed_at IS NULL`, n, actor)
	return err
}

// DismissApprovals marks every live decision on a set dismissed at t and
// returns how many there were.
func (tx *Tx) DismissApprovals(ctx context.Context, set string, t time.Time) (int, error) {
	n, err := ParseChangeSetID(set)
	if err != nil {
		return 0, err
	}
	res, err := tx.q.ExecContext(ctx, `UPDATE change_set_approvals SET dismissed_at = $2 WHERE set_id = $1 AND dismissed_at IS NULL`,
		n, fmtTime(t))
	if err != nil {
		return 0, fmt.Errorf("dismiss approvals of %s: %w", set, err)
	}
	k, err := res.RowsAffected()
	return int(k), err
}

// ListApprovals returns the decisions on a set in the order they were made.
func (r Reader) ListApprovals(ctx context.Context, set string) ([]unet.Approval, error) {
	n, err := ParseChangeSetID(set)
	if err != nil {
		return nil, err
	}
	return queryItems(ctx, r, `SELECT actor, decision, comment, roles, decided_at, dismissed_at FROM change_set_approvals
		WHERE set_id = $1 ORDER BY decided_at, id`, []any{n}, func(s rowScanner) (*unet.Approval, error) {
		a := &unet.Approval{}
		var roles, at string
		var dismissed sql.NullString
		if err := s.Scan(&a.Actor, &a.Decision, &a.Comment, &roles, &at, &dismissed); err != nil {
			return nil, err
		}
		a.Roles = []string{}
		if roles != "" {
			a.Roles = strings.Split(roles, ",")
		}
		a.At = parseTime(at)
		if dismissed.Valid && dismissed.String != "" {
			t := parseTime(dismissed.String)
			a.DismissedAt = &t
		}
		return a, nil
	})
}

// InsertChangeEvent appends an event (its ID time-ordered, assigned by the
// caller).
func (tx *Tx) InsertChangeEvent(ctx context.Context, e *unet.ChangeEvent) error {
	var set int64
	if e.ChangeSet != "" {
		n, err := ParseChangeSetID(e.ChangeSet)
		if err != nil {
			return err
		}
		set = n
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO change_events (id, time, actor, set_id, transition, from_state, to_state, detail)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, e.ID, fmtTime(e.Time), e.Actor, set, e.Transition, e.From, e.To, e.Detail)
	if err != nil {
		return fmt.Errorf("insert change event: %w", err)
	}
	return nil
}

// ListChangeEvents returns events oldest first: after an event ID, of one
// set, since a time; Next is the ID to pass as After for the following page.
func (r Reader) ListChangeEvents(ctx context.Context, f unet.ChangeEventFilter) (*unet.List[unet.ChangeEvent], error) {
	var w where
	if f.After != "" {
		w.add("id > ?", f.After)
	}
	if f.ChangeSet != "" {
		n, err := ParseChangeSetID(f.ChangeSet)
		if err != nil {
			return nil, err
		}
		w.add("set_id = ?", n)
	}
	if !f.Since.IsZero() {
		w.add("time >= ?", fmtTime(f.Since))
	}
	var total int
	if err := r.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM change_events"+w.String(), w.args...).Scan(&total); err != nil {
		return nil, fmt.Errorf("count change events: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	items, err := queryItems(ctx, r, `SELECT id, time, actor, set_id, transition, from_state, to_state, detail FROM change_events`+
		w.String()+fmt.Sprintf(" ORDER BY id LIMIT %d", limit+1), w.args, func(s rowScanner) (*unet.ChangeEvent, error) {
		e := &unet.ChangeEvent{}
		var at string
		var set int64
		if err := s.Scan(&e.ID, &at, &e.Actor, &set, &e.Transition, &e.From, &e.To, &e.Detail); err != nil {
			return nil, err
		}
		e.Time = parseTime(at)
		if set != 0 {
			e.ChangeSet = ChangeSetID(set)
		}
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	out := &unet.List[unet.ChangeEvent]{Items: items, Total: total}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.Next = out.Items[limit-1].ID
	}
	return out, nil
}
