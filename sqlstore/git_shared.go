package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SeenWebhookDelivery records the delivery key of source as seen until
// expires and reports whether it had already been recorded and had not
// expired at now (a duplicate). Replicas sharing the database see each
// other's deliveries. Expired keys are removed on the way.
func (tx *Tx) SeenWebhookDelivery(ctx context.Context, key, source string, now, expires time.Time) (bool, error) {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM git_webhook_deliveries WHERE expires_at <= $1`, fmtTime(now)); err != nil {
		return false, fmt.Errorf("expire webhook deliveries: %w", err)
	}
	res, err := tx.q.ExecContext(ctx, `INSERT INTO git_webhook_deliveries (key, source, received_at, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO NOTHING`, key, source, fmtTime(now), fmtTime(expires))
	if err != nil {
		return false, fmt.Errorf("record webhook delivery: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record webhook delivery: %w", err)
	}
	return n == 0, nil
}

// AcquireGitSyncLock takes the sync lock of source for holder until
// expires, or extends it when holder already has it. It reports false when
// another holder has it and it has not expired at now.
func (tx *Tx) AcquireGitSyncLock(ctx context.Context, source, holder string, now, expires time.Time) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `INSERT INTO git_sync_locks (source, holder, acquired_at, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (source) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
		WHERE git_sync_locks.holder = excluded.holder OR git_sync_locks.expires_at <= $3`,
		source, holder, fmtTime(now), fmtTime(expires))
	if err != nil {
		return false, fmt.Errorf("take the sync lock of %s: %w", source, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("take the sync lock of %s: %w", source, err)
	}
	return n > 0, nil
}

// ReleaseGitSyncLock drops the sync lock of source if holder has it.
func (tx *Tx) ReleaseGitSyncLock(ctx context.Context, source, holder string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM git_sync_locks WHERE source = $1 AND holder = $2`, source, holder); err != nil {
		return fmt.Errorf("release the sync lock of %s: %w", source, err)
	}
	return nil
}

// GitSyncLockHolder returns the holder of the sync lock of source and when
// it expires ("" when nobody holds it).
func (r Reader) GitSyncLockHolder(ctx context.Context, source string) (string, time.Time, error) {
	var holder, exp string
	err := r.q.QueryRowContext(ctx, `SELECT holder, expires_at FROM git_sync_locks WHERE source = $1`, source).Scan(&holder, &exp)
	if err != nil {
		if isNoRowsErr(err) {
			return "", time.Time{}, nil
		}
		return "", time.Time{}, fmt.Errorf("read the sync lock of %s: %w", source, err)
	}
	return holder, parseTime(exp), nil
}

// GitNotifyChannel is the PostgreSQL channel activations are announced on.
const GitNotifyChannel = "unet_git"

// NotifyGit announces payload on GitNotifyChannel when the transaction
// commits (PostgreSQL delivers a NOTIFY at commit, never after a rollback);
// on SQLite it does nothing.
func (tx *Tx) NotifyGit(ctx context.Context, payload string) error {
	if tx.engine != Postgres {
		return nil
	}
	if _, err := tx.q.ExecContext(ctx, `SELECT pg_notify($1, $2)`, GitNotifyChannel, payload); err != nil {
		return fmt.Errorf("announce the Git change: %w", err)
	}
	return nil
}

func isNoRowsErr(err error) bool { return errors.Is(err, sql.ErrNoRows) }
