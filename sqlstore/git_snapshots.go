package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// GitSnapshotFile is one file of a stored snapshot: its path (slash
// separated, relative to the snapshot root), Git-style mode (0o100644,
// 0o100755 or 0o120000 for a symbolic link, whose Content is the target)
// and content.
type GitSnapshotFile struct {
	Path    string
	Mode    uint32
	Content []byte
}

// BlobHash is the key of a content in git_blobs: the hex SHA-256.
func BlobHash(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// HasGitSnapshot reports whether the manifest of snapshot name of source is
// stored.
func (r Reader) HasGitSnapshot(ctx context.Context, source, name string) (bool, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM git_snapshots WHERE source = $1 AND name = $2`, source, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up snapshot %s of %s: %w", name, source, err)
	}
	return n > 0, nil
}

// PutGitSnapshot stores the manifest of snapshot name of source and the
// blobs it needs. A blob already stored (same content) is touched, not
// written again: the update locks its row, so a prune running at the same
// time cannot remove a blob this snapshot references. A manifest already stored is left as it is (a snapshot name
// names one commit, so its content never changes).
func (tx *Tx) PutGitSnapshot(ctx context.Context, source, name, commit string, files []GitSnapshotFile, at time.Time) error {
	res, err := tx.q.ExecContext(ctx, `INSERT INTO git_snapshots (source, name, commit_id, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (source, name) DO NOTHING`, source, name, commit, fmtTime(at))
	if err != nil {
		return fmt.Errorf("store snapshot %s of %s: %w", name, source, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return nil
	}
	for _, f := range files {
		h := BlobHash(f.Content)
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO git_blobs (hash, size, content) VALUES ($1, $2, $3) ON CONFLICT (hash) DO UPDATE SET size = excluded.size`,
			h, len(f.Content), base64.StdEncoding.EncodeToString(f.Content)); err != nil {
			return fmt.Errorf("store snapshot %s of %s: blob of %s: %w", name, source, f.Path, err)
		}
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO git_snapshot_files (source, snapshot, path, mode, blob) VALUES ($1, $2, $3, $4, $5)`,
			source, name, f.Path, int64(f.Mode), h); err != nil {
			return fmt.Errorf("store snapshot %s of %s: file %s: %w", name, source, f.Path, err)
		}
	}
	return nil
}

// ErrNoSnapshot is in the chain of GitSnapshot's error when the snapshot is
// not stored.
var ErrNoSnapshot = errors.New("snapshot not stored")

// GitSnapshot returns the commit and files of a stored snapshot, in path
// order, each content checked against its hash.
func (r Reader) GitSnapshot(ctx context.Context, source, name string) (string, []GitSnapshotFile, error) {
	var commit string
	err := r.q.QueryRowContext(ctx, `SELECT commit_id FROM git_snapshots WHERE source = $1 AND name = $2`, source, name).Scan(&commit)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil, fmt.Errorf("snapshot %s of %s: %w", name, source, ErrNoSnapshot)
		}
		return "", nil, fmt.Errorf("read snapshot %s of %s: %w", name, source, err)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT f.path, f.mode, f.blob, COALESCE(b.content, '') FROM git_snapshot_files f
		LEFT JOIN git_blobs b ON b.hash = f.blob WHERE f.source = $1 AND f.snapshot = $2 ORDER BY f.path`, source, name)
	if err != nil {
		return "", nil, fmt.Errorf("read snapshot %s of %s: %w", name, source, err)
	}
	defer rows.Close()
	var files []GitSnapshotFile
	for rows.Next() {
		var f GitSnapshotFile
		var mode int64
		var hash, content string
		if err := rows.Scan(&f.Path, &mode, &hash, &content); err != nil {
			return "", nil, fmt.Errorf("read snapshot %s of %s: %w", name, source, err)
		}
		data, err := base64.StdEncoding.DecodeString(content)
		if err != nil || BlobHash(data) != hash {
			return "", nil, fmt.Errorf("snapshot %s of %s: file %s: stored content does not match its hash %s", name, source, f.Path, hash)
		}
		f.Mode, f.Content = uint32(mode), data
		files = append(files, f)
	}
	return commit, files, rows.Err()
}

// PruneGitSnapshots removes the stored snapshots of source whose names are
// not in keep, then every blob no stored snapshot references. It returns
// how many snapshots and blobs it removed.
func (tx *Tx) PruneGitSnapshots(ctx context.Context, source string, keep []string) (snapshots, blobs int64, err error) {
	args := []any{source}
	cond := ""
	if len(keep) > 0 {
		ph := make([]string, len(keep))
		for i, k := range keep {
			args = append(args, k)
			ph[i] = fmt.Sprintf("$%d", i+2)
		}
		cond = " AND name NOT IN (" + strings.Join(ph, ", ") + ")"
	}
	fileCond := strings.ReplaceAll(cond, "name NOT IN", "snapshot NOT IN")
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM git_snapshot_files WHERE source = $1`+fileCond, args...); err != nil {
		return 0, 0, fmt.Errorf("prune snapshots of %s: %w", source, err)
	}
	res, err := tx.q.ExecContext(ctx, `DELETE FROM git_snapshots WHERE source = $1`+cond, args...)
	if err != nil {
		return 0, 0, fmt.Errorf("prune snapshots of %s: %w", source, err)
	}
	snapshots, _ = res.RowsAffected()
	blobs, err = tx.pruneGitBlobs(ctx)
	return snapshots, blobs, err
}

// DeleteGitSnapshots removes every stored snapshot of source and the blobs
// left unreferenced (the source was removed).
func (tx *Tx) DeleteGitSnapshots(ctx context.Context, source string) error {
	_, _, err := tx.PruneGitSnapshots(ctx, source, nil)
	return err
}

func (tx *Tx) pruneGitBlobs(ctx context.Context) (int64, error) {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM git_blobs WHERE NOT EXISTS
		(SELECT 1 FROM git_snapshot_files f WHERE f.blob = git_blobs.hash)`)
	if err != nil {
		return 0, fmt.Errorf("prune snapshot blobs: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// GitBlobCount returns how many blobs are stored (for tests and status).
func (r Reader) GitBlobCount(ctx context.Context) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM git_blobs`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count snapshot blobs: %w", err)
	}
	return n, nil
}
