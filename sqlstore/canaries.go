package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/unet-dev/unet"
)

const canaryCols = `name, source, environment, candidate_kind, candidate_ref, commit_id, snapshot, message, selector, abort_on,
	ttl, expires_at, state, end_reason, end_detail, created_by, created_at, ended_by, ended_at, summary_json`

func scanCanary(s rowScanner) (*unet.Canary, error) {
	var c unet.Canary
	var expires, created, ended, summary string
	if err := s.Scan(&c.Name, &c.Source, &c.Environment, &c.CandidateKind, &c.CandidateRef, &c.Commit, &c.Snapshot, &c.Message,
		&c.Selector, &c.AbortOn, &c.TTL, &expires, &c.State, &c.EndReason, &c.EndDetail, &c.CreatedBy, &created, &c.EndedBy,
		&ended, &summary); err != nil {
		return nil, err
	}
	c.ExpiresAt, c.CreatedAt = parseTime(expires), parseTime(created)
	if ended != "" {
		t := parseTime(ended)
		c.EndedAt = &t
	}
	if summary != "" {
		var sum unet.CanarySummary
		if err := json.Unmarshal([]byte(summary), &sum); err != nil {
			return nil, fmt.Errorf("canary %s: summary: %w", c.Name, err)
		}
		c.Summary = &sum
	}
	return &c, nil
}

// GetCanary returns one canary.
func (r Reader) GetCanary(ctx context.Context, name string) (*unet.Canary, error) {
	c, err := scanCanary(r.q.QueryRowContext(ctx, `SELECT `+canaryCols+` FROM canaries WHERE name = $1`, name))
	return c, notFound(err, "canary", name)
}

// ListCanaries returns the active canaries (every canary with all), newest
// first.
func (r Reader) ListCanaries(ctx context.Context, all bool) ([]unet.Canary, error) {
	q := `SELECT ` + canaryCols + ` FROM canaries`
	var args []any
	if !all {
		q += ` WHERE state = $1`
		args = append(args, unet.CanaryActive)
	}
	out, err := queryItems(ctx, r, q+` ORDER BY created_at DESC, name`, args, scanCanary)
	if err != nil {
		return nil, fmt.Errorf("list canaries: %w", err)
	}
	return out, nil
}

// CanarySnapshotsInUse returns the stored snapshots of source that active
// canaries serve.
func (r Reader) CanarySnapshotsInUse(ctx context.Context, source string) ([]string, error) {
	out, err := queryStrings(ctx, r, `SELECT DISTINCT snapshot FROM canaries WHERE source = $1 AND state = $2`, source, unet.CanaryActive)
	if err != nil {
		return nil, fmt.Errorf("canary snapshots of %s: %w", source, err)
	}
	return out, nil
}

// InsertCanary stores a new canary. A second active canary of the same
// source and environment, or a name already used, is a conflict.
func (tx *Tx) InsertCanary(ctx context.Context, c *unet.Canary) error {
	summary, err := canarySummaryJSON(c.Summary)
	if err != nil {
		return err
	}
	ended := ""
	if c.EndedAt != nil {
		ended = fmtTime(*c.EndedAt)
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO canaries (`+canaryCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)`,
		c.Name, c.Source, c.Environment, c.CandidateKind, c.CandidateRef, c.Commit, c.Snapshot, c.Message, c.Selector, c.AbortOn,
		c.TTL, fmtTime(c.ExpiresAt), c.State, c.EndReason, c.EndDetail, c.CreatedBy, fmtTime(c.CreatedAt), c.EndedBy, ended, summary)
	return constraintError(err, "canary", c.Name)
}

// EndCanary moves an active canary to state, recording why, who and when.
// It fails with a conflict when the canary is no longer active.
func (tx *Tx) EndCanary(ctx context.Context, name, state, reason, detail, by string, at time.Time) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE canaries SET state = $1, end_reason = $2, end_detail = $3, ended_by = $4, ended_at = $5
		WHERE name = $6 AND state = $7`, state, reason, detail, by, fmtTime(at), name, unet.CanaryActive)
	if err != nil {
		return fmt.Errorf("end canary %s: %w", name, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("end canary %s: %w", name, err)
	} else if n == 0 {
		return unet.Errorf(unet.ECONFLICT, "canary %s is not active", name)
	}
	return nil
}

// SetCanarySummary records the last status summary of a canary.
func (tx *Tx) SetCanarySummary(ctx context.Context, name string, sum *unet.CanarySummary) error {
	doc, err := canarySummaryJSON(sum)
	if err != nil {
		return err
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE canaries SET summary_json = $1 WHERE name = $2`, doc, name); err != nil {
		return fmt.Errorf("canary %s: record summary: %w", name, err)
	}
	return nil
}

func canarySummaryJSON(sum *unet.CanarySummary) (string, error) {
	if sum == nil {
		return "", nil
	}
	b, err := json.Marshal(sum)
	if err != nil {
		return "", fmt.Errorf("canary summary: %w", err)
	}
	return string(b), nil
}
