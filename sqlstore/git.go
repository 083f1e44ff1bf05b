package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

const gitSourceCols = `name, url, branch, tag, commit_id, path, kind, auth, webhook_secret_ref, interval_s,
	environments, created_at, updated_at, policies_dir, templates_dir`

func scanGitSource(s rowScanner) (*unet.GitSource, error) {
	src := &unet.GitSource{}
	var auth, envs, created, updated string
	var intervalS int64
	if err := s.Scan(&src.Name, &src.URL, &src.Branch, &src.Tag, &src.Commit, &src.Path, &src.Kind, &auth,
		&src.WebhookSecretRef, &intervalS, &envs, &created, &updated, &src.PoliciesDir, &src.TemplatesDir); err != nil {
		return nil, err
	}
	if auth != "" {
		src.Auth = &unet.GitAuth{}
		if err := json.Unmarshal([]byte(auth), src.Auth); err != nil {
			return nil, fmt.Errorf("git source %s: auth: %w", src.Name, err)
		}
	}
	if envs != "" {
		if err := json.Unmarshal([]byte(envs), &src.Environments); err != nil {
			return nil, fmt.Errorf("git source %s: environments: %w", src.Name, err)
		}
	}
	if intervalS > 0 {
		src.Interval = (time.Duration(intervalS) * time.Second).String()
	}
	src.CreatedAt, src.UpdatedAt = parseTime(created), parseTime(updated)
	return src, nil
}

// GetGitSource returns a Git source by name.
func (r Reader) GetGitSource(ctx context.Context, name string) (*unet.GitSource, error) {
	src, err := scanGitSource(r.q.QueryRowContext(ctx, `SELECT `+gitSourceCols+` FROM git_sources WHERE name = $1`, name))
	return src, notFound(err, "Git source", name)
}

// ListGitSources returns every Git source ordered by name.
func (r Reader) ListGitSources(ctx context.Context) ([]unet.GitSource, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+gitSourceCols+` FROM git_sources ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list git sources: %w", err)
	}
	defer rows.Close()
	out := []unet.GitSource{}
	for rows.Next() {
		src, err := scanGitSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *src)
	}
	return out, rows.Err()
}

// InsertGitSource stores a new Git source (its Pinned field is state, not
// stored here).
func (tx *Tx) InsertGitSource(ctx context.Context, src *unet.GitSource) error {
	var auth, envs string
	var err error
	if src.Auth != nil && *src.Auth != (unet.GitAuth{}) {
		if auth, err = encodeJSON("Git source "+src.Name+": auth", src.Auth); err != nil {
			return err
		}
	}
	if len(src.Environments) > 0 {
		if envs, err = encodeJSON("Git source "+src.Name+": environments", src.Environments); err != nil {
			return err
		}
	}
	interval, err := parseOptionalDuration(src.Interval)
	if err != nil {
		return unet.Errorf(unet.EINVALID, "Git source %s: interval %q: %v", src.Name, src.Interval, err)
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO git_sources (`+gitSourceCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
		src.Name, src.URL, src.Branch, src.Tag, src.Commit, src.Path, src.Kind, auth, src.WebhookSecretRef,
		int64(interval/time.Second), envs, fmtTime(src.CreatedAt), fmtTime(src.UpdatedAt), src.PoliciesDir, src.TemplatesDir)
	return constraintError(err, "Git source", src.Name)
}

// DeleteGitSource removes a Git source with its state, history, sync lock
// and stored snapshots.
func (tx *Tx) DeleteGitSource(ctx context.Context, name string) error {
	for _, q := range []string{`DELETE FROM git_history WHERE source = $1`, `DELETE FROM git_state WHERE source = $1`,
		`DELETE FROM git_sync_locks WHERE source = $1`, `DELETE FROM git_sources WHERE name = $1`} {
		if _, err := tx.q.ExecContext(ctx, q, name); err != nil {
			return fmt.Errorf("delete git source %s: %w", name, err)
		}
	}
	return tx.DeleteGitSnapshots(ctx, name)
}

// GitState returns the stored state document of a source ("" when none).
func (r Reader) GitState(ctx context.Context, source string) (string, error) {
	var st string
	err := r.q.QueryRowContext(ctx, `SELECT state FROM git_state WHERE source = $1`, source).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("load git state of %s: %w", source, err)
	}
	return st, nil
}

// GitStates returns the state documents of every source, by source name.
func (r Reader) GitStates(ctx context.Context) (map[string]string, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT source, state FROM git_state`)
	if err != nil {
		return nil, fmt.Errorf("load git states: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, st string
		if err := rows.Scan(&name, &st); err != nil {
			return nil, err
		}
		out[name] = st
	}
	return out, rows.Err()
}

// PutGitState replaces the state document of a source.
func (tx *Tx) PutGitState(ctx context.Context, source, state string, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO git_state (source, state, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (source) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
		source, state, fmtTime(at))
	if err != nil {
		return fmt.Errorf("save git state of %s: %w", source, err)
	}
	return nil
}

// GitHistoryRow is one stored sync history entry; Entry is its JSON document.
type GitHistoryRow struct {
	ID          string
	Source      string
	Environment string
	Trigger     string
	Outcome     string
	Commit      string
	SyncedAt    time.Time
	Entry       string
}

// InsertGitHistory appends history entries (IDs must grow with time).
func (tx *Tx) InsertGitHistory(ctx context.Context, rows ...GitHistoryRow) error {
	for _, h := range rows {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO git_history (id, source, environment, trigger_by, outcome, commit_id, synced_at, entry)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, h.ID, h.Source, h.Environment, h.Trigger, h.Outcome, h.Commit,
			fmtTime(h.SyncedAt), h.Entry); err != nil {
			return fmt.Errorf("append git history of %s: %w", h.Source, err)
		}
	}
	return nil
}

// GitHistory returns up to limit history documents of a source, newest first
// (limit <= 0: all).
func (r Reader) GitHistory(ctx context.Context, source string, limit int) ([]string, error) {
	q := `SELECT entry FROM git_history WHERE source = $1 ORDER BY id DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := r.q.QueryContext(ctx, q, source)
	if err != nil {
		return nil, fmt.Errorf("git history of %s: %w", source, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SQLitePath returns the file of a SQLite database ("" for PostgreSQL), so
// that data kept beside the database (Git snapshots) can default to its
// directory.
func (db *DB) SQLitePath() string {
	if db.engine != SQLite {
		return ""
	}
	_, dsn, err := ParseURL(db.url)
	if err != nil {
		return ""
	}
	if i := strings.IndexByte(dsn, '?'); i >= 0 {
		dsn = dsn[:i]
	}
	return dsn
}
