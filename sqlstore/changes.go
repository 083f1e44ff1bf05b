package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/unet-dev/unet"
)

const changeCols = `id, time, actor, object_kind, object_id, object_name, op, before_json, after_json, reason, batch, change_set, emergency`

func scanChange(s rowScanner) (*unet.Change, error) {
	c := &unet.Change{}
	var at string
	var before, after sql.NullString
	var emergency int
	if err := s.Scan(&c.ID, &at, &c.Actor, &c.ObjectKind, &c.ObjectID, &c.ObjectName, &c.Op, &before, &after, &c.Reason, &c.Batch,
		&c.ChangeSet, &emergency); err != nil {
		return nil, err
	}
	c.Emergency = emergency != 0
	c.Time = parseTime(at)
	c.Before = rawOrNull(before)
	c.After = rawOrNull(after)
	return c, nil
}

func rawOrNull(s sql.NullString) json.RawMessage {
	if !s.Valid || s.String == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s.String)
}

func rawArg(m json.RawMessage) any {
	if len(m) == 0 || string(m) == "null" {
		return nil
	}
	return string(m)
}

// InsertChange appends a record to the change log (inside the mutation's
// transaction, so both commit or neither does).
func (tx *Tx) InsertChange(ctx context.Context, c *unet.Change) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO changes (`+changeCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		c.ID, fmtTime(c.Time), c.Actor, c.ObjectKind, c.ObjectID, c.ObjectName, c.Op, rawArg(c.Before), rawArg(c.After), c.Reason, c.Batch,
		c.ChangeSet, boolInt(c.Emergency))
	if err != nil {
		return fmt.Errorf("append change: %w", err)
	}
	return nil
}

// GetChange returns one change record.
func (r Reader) GetChange(ctx context.Context, id string) (*unet.Change, error) {
	c, err := scanChange(r.q.QueryRowContext(ctx, `SELECT `+changeCols+` FROM changes WHERE id = $1`, id))
	return c, notFound(err, "change", id)
}

// ChangeQuery is a resolved change filter.
type ChangeQuery struct {
	unet.ChangeFilter
	Kind     string
	ObjectID string
	// ObjectName matches the recorded name when the object is gone.
	ObjectName string
}

// ListChanges returns change records, newest first.
func (r Reader) ListChanges(ctx context.Context, f ChangeQuery) (*unet.List[unet.Change], error) {
	var w where
	if f.Kind != "" {
		w.add("object_kind = ?", f.Kind)
	}
	switch {
	case f.ObjectID != "" && f.ObjectName != "":
		w.add("(object_id = ? OR object_name = ?)", f.ObjectID, f.ObjectName)
	case f.ObjectID != "":
		w.add("object_id = ?", f.ObjectID)
	case f.ObjectName != "":
		w.add("object_name = ?", f.ObjectName)
	}
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if !f.Since.IsZero() {
		w.add("time >= ?", fmtTime(f.Since))
	}
	return listNewest(ctx, r, "changes", changeCols, w, f.Page, scanChange, func(c *unet.Change) string { return c.ID })
}
