package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// HistoryPoint is a point of the change log: every change at or before Time,
// and when ChangeID is set, only those ordered (time, id) up to that change.
type HistoryPoint struct {
	Time     time.Time
	ChangeID string
}

// bound is the SQL condition (and its arguments, from placeholder n) selecting
// the change rows at or before p.
func (p HistoryPoint) bound(n int) (string, []any) {
	t := fmtTime(p.Time)
	if p.ChangeID == "" {
		return fmt.Sprintf("time <= $%d", n), []any{t}
	}
	return fmt.Sprintf("(time < $%d OR (time = $%d AND id <= $%d))", n, n, n+1), []any{t, p.ChangeID}
}

// ChangeAt returns the newest change row of one object at or before p, nil
// when the object has none by then.
func (r Reader) ChangeAt(ctx context.Context, kind, objectID string, p HistoryPoint) (*unet.Change, error) {
	cond, args := p.bound(3)
	c, err := scanChange(r.q.QueryRowContext(ctx, `SELECT `+changeCols+` FROM changes WHERE object_kind = $1 AND object_id = $2 AND `+
		cond+` ORDER BY time DESC, id DESC LIMIT 1`, append([]any{kind, objectID}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return c, err
}

// FirstChange returns the oldest change row of one object, nil when it has
// none.
func (r Reader) FirstChange(ctx context.Context, kind, objectID string) (*unet.Change, error) {
	c, err := scanChange(r.q.QueryRowContext(ctx, `SELECT `+changeCols+` FROM changes WHERE object_kind = $1 AND object_id = $2
		ORDER BY time, id LIMIT 1`, kind, objectID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return c, err
}

// HistoryObjectIDs returns the IDs of the objects of a kind whose change rows
// carry ref as ID or as recorded name; with prefix set, also those whose
// recorded name starts with ref+prefix (a node's short name before its
// domain). At most limit IDs, oldest first.
func (r Reader) HistoryObjectIDs(ctx context.Context, kind, ref, prefix string, limit int) ([]string, error) {
	q := `SELECT object_id, MIN(time) AS first FROM changes WHERE object_kind = $1 AND (object_id = $2 OR object_name = $2`
	args := []any{kind, ref}
	if prefix != "" {
		q += ` OR substr(object_name, 1, $3) = $4`
		args = append(args, len(ref)+len(prefix), ref+prefix)
	}
	q += fmt.Sprintf(`) GROUP BY object_id ORDER BY first, object_id LIMIT %d`, limit)
	return queryItems(ctx, r, q, args, func(s rowScanner) (*string, error) {
		var id, first string
		return &id, s.Scan(&id, &first)
	})
}

// ObjectState is an object as the change log leaves it at a point: the after
// image of its newest change row.
type ObjectState struct {
	Kind     string
	ObjectID string
	ChangeID string
	After    []byte
}

// StateAt returns, for every object of the given kinds that exists at p, the
// after image of its newest change row at or before p: one pass over the
// change log up to p, ordered by kind and object ID. Objects deleted by then
// are left out.
func (r Reader) StateAt(ctx context.Context, kinds []string, p HistoryPoint) ([]ObjectState, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	ph := make([]string, len(kinds))
	args := make([]any, 0, len(kinds)+2)
	for i, k := range kinds {
		ph[i] = fmt.Sprintf("$%d", i+1)
		args = append(args, k)
	}
	cond, bargs := p.bound(len(kinds) + 1)
	args = append(args, bargs...)
	q := `SELECT object_kind, object_id, id, after_json FROM (
		SELECT object_kind, object_id, id, after_json,
			ROW_NUMBER() OVER (PARTITION BY object_kind, object_id ORDER BY time DESC, id DESC) AS newest
		FROM changes WHERE object_kind IN (` + strings.Join(ph, ", ") + `) AND ` + cond + `
	) latest WHERE newest = 1 AND after_json IS NOT NULL ORDER BY object_kind, object_id`
	return queryItems(ctx, r, q, args, func(s rowScanner) (*ObjectState, error) {
		var o ObjectState
		var after sql.NullString
		if err := s.Scan(&o.Kind, &o.ObjectID, &o.ChangeID, &after); err != nil {
			return nil, err
		}
		o.After = []byte(after.String)
		return &o, nil
	})
}

// VendorsCreatedBy returns the vendors registered at or before t (the
// built-in ones date from the epoch), ordered by name.
func (r Reader) VendorsCreatedBy(ctx context.Context, t time.Time) ([]unet.Vendor, error) {
	return queryItems(ctx, r, `SELECT name, display_name FROM vendors WHERE created_at <= $1 ORDER BY name`,
		[]any{fmtTime(t)}, func(s rowScanner) (*unet.Vendor, error) {
			v := &unet.Vendor{}
			return v, s.Scan(&v.Name, &v.DisplayName)
		})
}
