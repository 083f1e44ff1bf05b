package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/unet-dev/unet"
)

// setNumber is the numeric id of a change set named "cs-N" (0 for "").
func setNumber(id string) int64 {
	n, err := strconv.ParseInt(strings.TrimPrefix(id, "cs-"), 10, 64)
	if err != nil || !strings.HasPrefix(id, "cs-") {
		return 0
	}
	return n
}

// InsertEmergencyEvent records an event of an emergency change (its write
// or its review) in the change-set event stream.
func (tx *Tx) InsertEmergencyEvent(ctx context.Context, e *unet.ChangeEvent) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO change_events (id, time, actor, set_id, transition, from_state, to_state, detail)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, e.ID, fmtTime(e.Time), e.Actor, setNumber(e.ChangeSet), e.Transition, e.From, e.To, e.Detail)
	if err != nil {
		return fmt.Errorf("record %s event: %w", e.Transition, err)
	}
	return nil
}

// EmergencyBatchPage is one page of emergency batches, newest first.
type EmergencyBatchPage struct {
	Batches []string
	Next    string
	Total   int
}

// ListEmergencyBatches returns the batches of change rows flagged
// emergency, newest first (by their last row); pending keeps the batches
// nobody reviewed.
func (r Reader) ListEmergencyBatches(ctx context.Context, pending bool, p unet.Page) (*EmergencyBatchPage, error) {
	var w where
	w.add("emergency = 1")
	if pending {
		w.add("batch NOT IN (SELECT batch FROM emergency_reviews)")
	}
	out := &EmergencyBatchPage{}
	if err := r.q.QueryRowContext(ctx, "SELECT COUNT(DISTINCT batch) FROM changes"+w.String(), w.args...).Scan(&out.Total); err != nil {
		return nil, fmt.Errorf("count emergency changes: %w", err)
	}
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	query := "SELECT batch, MAX(id) AS last_id FROM changes" + w.String() + " GROUP BY batch"
	args := w.args
	if p.Cursor != "" {
		_, last, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, err
		}
		args = append(args, last)
		query += fmt.Sprintf(" HAVING MAX(id) < $%d", len(args))
	}
	query += fmt.Sprintf(" ORDER BY last_id DESC LIMIT %d", limit+1)
	if p.Offset > 0 {
		query += fmt.Sprintf(" OFFSET %d", p.Offset)
	}
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list emergency changes: %w", err)
	}
	defer rows.Close()
	var lasts []string
	for rows.Next() {
		var batch, last string
		if err := rows.Scan(&batch, &last); err != nil {
			return nil, err
		}
		out.Batches = append(out.Batches, batch)
		lasts = append(lasts, last)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out.Batches) > limit {
		out.Batches = out.Batches[:limit]
		out.Next = encodeCursor("", lasts[limit-1])
	}
	return out, nil
}

// inList is "($k,$k+1,…)" for n arguments after the first `from`.
func inList(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(from+i+1)
	}
	return "(" + strings.Join(ph, ",") + ")"
}

func stringArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// EmergencyRows returns the emergency change rows of batches, oldest first.
func (r Reader) EmergencyRows(ctx context.Context, batches []string) ([]unet.Change, error) {
	if len(batches) == 0 {
		return []unet.Change{}, nil
	}
	return queryItems(ctx, r, `SELECT `+changeCols+` FROM changes WHERE emergency = 1 AND batch IN `+inList(0, len(batches))+
		` ORDER BY id`, stringArgs(batches), scanChange)
}

// EmergencyReviews returns the reviews of batches, by batch.
func (r Reader) EmergencyReviews(ctx context.Context, batches []string) (map[string]unet.EmergencyReview, error) {
	out := map[string]unet.EmergencyReview{}
	if len(batches) == 0 {
		return out, nil
	}
	rows, err := r.q.QueryContext(ctx, `SELECT batch, reviewer, comment, reviewed_at FROM emergency_reviews WHERE batch IN `+
		inList(0, len(batches)), stringArgs(batches)...)
	if err != nil {
		return nil, fmt.Errorf("read emergency reviews: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var batch, at string
		var rv unet.EmergencyReview
		if err := rows.Scan(&batch, &rv.Reviewer, &rv.Comment, &at); err != nil {
			return nil, err
		}
		rv.At = parseTime(at)
		out[batch] = rv
	}
	return out, rows.Err()
}

// EmergencyBatchOf resolves a reference to an emergency change — its
// batch, one of its change IDs or the change set ("cs-N") it applied — to
// its batch.
func (r Reader) EmergencyBatchOf(ctx context.Context, ref string) (string, error) {
	var batch string
	err := r.q.QueryRowContext(ctx, `SELECT batch FROM changes WHERE emergency = 1 AND (batch = $1 OR id = $1 OR change_set = $1)
		ORDER BY id DESC LIMIT 1`, ref).Scan(&batch)
	if errors.Is(err, sql.ErrNoRows) {
		return "", unet.Errorf(unet.ENOTFOUND, "no emergency change %q (see `unet changes reviews`)", ref)
	}
	if err != nil {
		return "", fmt.Errorf("find emergency change %s: %w", ref, err)
	}
	return batch, nil
}

// InsertEmergencyReview records the review of an emergency batch; a
// second review of the same batch is a conflict.
func (tx *Tx) InsertEmergencyReview(ctx context.Context, batch string, rv unet.EmergencyReview) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO emergency_reviews (batch, reviewer, comment, reviewed_at) VALUES ($1,$2,$3,$4)`,
		batch, rv.Reviewer, rv.Comment, fmtTime(rv.At))
	return constraintError(err, "review of emergency change", batch)
}
