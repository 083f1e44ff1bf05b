package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// ChangeSetPrefix starts every change set ID ("cs-17").
const ChangeSetPrefix = "cs-"

// ChangeSetID is the readable ID of change set number n.
func ChangeSetID(n int64) string { return ChangeSetPrefix + strconv.FormatInt(n, 10) }

// ParseChangeSetID reads a change set reference: "cs-17" or "17".
func ParseChangeSetID(ref string) (int64, error) {
	s := strings.TrimSpace(ref)
	if len(s) >= len(ChangeSetPrefix) && strings.EqualFold(s[:len(ChangeSetPrefix)], ChangeSetPrefix) {
		s = s[len(ChangeSetPrefix):]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || strings.HasPrefix(s, "+") {
		return 0, unet.Errorf(unet.EINVALID, "%q is not a change set ID: use cs-N (for example cs-17)", ref)
	}
	return n, nil
}

// IsChangeSetRef reports whether ref has the form of a change set ID with
// its prefix ("cs-17"), as opposed to a change ID.
func IsChangeSetRef(ref string) bool {
	s := strings.TrimSpace(ref)
	if len(s) <= len(ChangeSetPrefix) || !strings.EqualFold(s[:len(ChangeSetPrefix)], ChangeSetPrefix) {
		return false
	}
	_, err := ParseChangeSetID(s)
	return err == nil
}

// NextChangeSetID allocates the number of a new change set.
func (tx *Tx) NextChangeSetID(ctx context.Context) (int64, error) {
	var n int64
	err := tx.q.QueryRowContext(ctx, `UPDATE counters SET value = value + 1 WHERE name = 'change_set' RETURNING value`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("allocate change set id: %w", err)
	}
	return n, nil
}

const changeSetCols = `id, state, title, description, author, auto_apply, emergency, reason, reverts, reverted_by, batch,
	applied_by, applied_at, version, created_at, updated_at`

func scanChangeSet(s rowScanner) (*unet.ChangeSet, error) {
	cs := &unet.ChangeSet{}
	var id int64
	var autoApply, emergency int
	var appliedAt sql.NullString
	var created, updated string
	if err := s.Scan(&id, &cs.State, &cs.Title, &cs.Description, &cs.Author, &autoApply, &emergency, &cs.Reason,
		&cs.Reverts, &cs.RevertedBy, &cs.Batch, &cs.AppliedBy, &appliedAt, &cs.Version, &created, &updated); err != nil {
		return nil, err
	}
	cs.ID = ChangeSetID(id)
	cs.AutoApply = autoApply != 0
	cs.Emergency = emergency != 0
	if appliedAt.Valid && appliedAt.String != "" {
		t := parseTime(appliedAt.String)
		cs.AppliedAt = &t
	}
	cs.CreatedAt = parseTime(created)
	cs.UpdatedAt = parseTime(updated)
	cs.Ops = []unet.ChangeOp{}
	cs.Approvals = []unet.Approval{}
	cs.Conflicts = []unet.Conflict{}
	cs.Requirement.Rules = []unet.RuleMatch{}
	return cs, nil
}

// timeArg is the stored form of an optional time (NULL when nil).
func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return fmtTime(*t)
}

// InsertChangeSet stores a new change set (its ID allocated by
// NextChangeSetID) at version 1; its operations are stored separately.
func (tx *Tx) InsertChangeSet(ctx context.Context, cs *unet.ChangeSet) error {
	id, err := ParseChangeSetID(cs.ID)
	if err != nil {
		return err
	}
	cs.Version = 1
	_, err = tx.q.ExecContext(ctx, `INSERT INTO change_sets (`+changeSetCols+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		id, cs.State, cs.Title, cs.Description, cs.Author, boolInt(cs.AutoApply), boolInt(cs.Emergency), cs.Reason,
		cs.Reverts, cs.RevertedBy, cs.Batch, cs.AppliedBy, timeArg(cs.AppliedAt), cs.Version,
		fmtTime(cs.CreatedAt), fmtTime(cs.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert change set %s: %w", cs.ID, err)
	}
	return nil
}

// UpdateChangeSet writes the mutable fields of cs (state, emergency, reason,
// reverts, reverted_by, batch, applied_*, updated_at) if its stored version
// is still cs.Version, and bumps the version; a concurrent transition of the
// same set makes it a conflict.
func (tx *Tx) UpdateChangeSet(ctx context.Context, cs *unet.ChangeSet) error {
	id, err := ParseChangeSetID(cs.ID)
	if err != nil {
		return err
	}
	res, err := tx.q.ExecContext(ctx, `UPDATE change_sets SET state=$2, emergency=$3, reason=$4, reverts=$5, reverted_by=$6,
		batch=$7, applied_by=$8, applied_at=$9, updated_at=$10, version=version+1 WHERE id=$1 AND version=$11`,
		id, cs.State, boolInt(cs.Emergency), cs.Reason, cs.Reverts, cs.RevertedBy, cs.Batch, cs.AppliedBy,
		timeArg(cs.AppliedAt), fmtTime(cs.UpdatedAt), cs.Version)
	if err != nil {
		return fmt.Errorf("update change set %s: %w", cs.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return unet.Errorf(unet.ECONFLICT, "change set %s was changed by someone else meanwhile: reload and retry", cs.ID)
	}
	cs.Version++
	return nil
}

// GetChangeSet returns a stored change set (without operations and
// approvals) by its reference ("cs-17" or "17").
func (r Reader) GetChangeSet(ctx context.Context, ref string) (*unet.ChangeSet, error) {
	id, err := ParseChangeSetID(ref)
	if err != nil {
		return nil, err
	}
	cs, err := scanChangeSet(r.q.QueryRowContext(ctx, `SELECT `+changeSetCols+` FROM change_sets WHERE id = $1`, id))
	return cs, notFound(err, "change set", ChangeSetID(id))
}

// ListChangeSets returns change sets newest first, with cursor or offset
// pagination.
func (r Reader) ListChangeSets(ctx context.Context, f unet.ChangeSetFilter) (*unet.List[unet.ChangeSet], error) {
	var w where
	if f.State != "" {
		w.add("state = ?", f.State)
	}
	if f.Author != "" {
		w.add("author = ?", f.Author)
	}
	var total int
	if err := r.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM change_sets"+w.String(), w.args...).Scan(&total); err != nil {
		return nil, fmt.Errorf("count change sets: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	if f.Offset < 0 {
		return nil, unet.Errorf(unet.EINVALID, "offset must not be negative")
	}
	if f.Cursor != "" {
		if f.Offset != 0 {
			return nil, unet.Errorf(unet.EINVALID, "use either cursor or offset, not both")
		}
		_, last, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		n, err := ParseChangeSetID(last)
		if err != nil {
			return nil, unet.Errorf(unet.EINVALID, "bad cursor %q", f.Cursor)
		}
		w.add("id < ?", n)
	}
	tail := fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit+1)
	if f.Offset > 0 {
		tail += fmt.Sprintf(" OFFSET %d", f.Offset)
	}
	items, err := queryItems(ctx, r, "SELECT "+changeSetCols+" FROM change_sets"+w.String()+tail, w.args, scanChangeSet)
	if err != nil {
		return nil, err
	}
	out := &unet.List[unet.ChangeSet]{Items: items, Total: total}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.Next = encodeCursor("", out.Items[limit-1].ID)
	}
	return out, nil
}

// ChangesOfBatch returns the change rows of one batch in the order they
// were written.
func (r Reader) ChangesOfBatch(ctx context.Context, batch string) ([]unet.Change, error) {
	return queryItems(ctx, r, `SELECT `+changeCols+` FROM changes WHERE batch = $1 ORDER BY id`, []any{batch}, scanChange)
}

// LatestChangeOf returns the ID of the newest change row of an object, ""
// when there is none.
func (r Reader) LatestChangeOf(ctx context.Context, kind, id string) (string, error) {
	ids, err := queryStrings(ctx, r, `SELECT id FROM changes WHERE object_kind = $1 AND object_id = $2 ORDER BY id DESC LIMIT 1`, kind, id)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[0], nil
}

// LockChangeSet locks a set's row until the transaction ends, so that
// concurrent transitions of one set run one after the other (each then
// reads the state the other left). SQLite transactions hold the database's
// write lock from their start and need none.
func (tx *Tx) LockChangeSet(ctx context.Context, ref string) error {
	id, err := ParseChangeSetID(ref)
	if err != nil || tx.engine != Postgres {
		return err
	}
	rows, err := tx.q.QueryContext(ctx, `SELECT id FROM change_sets WHERE id = $1 FOR UPDATE`, id)
	if err != nil {
		return fmt.Errorf("lock change set %s: %w", ChangeSetID(id), err)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		_ = rows.Close()
		return fmt.Errorf("lock change set %s: %w", ChangeSetID(id), err)
	}
	return rows.Close()
}
