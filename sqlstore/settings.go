package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Setting returns the value of a database-wide setting; ok is false when it
// is not set.
func (r Reader) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = r.q.QueryRowContext(ctx, `SELECT value FROM unet_settings WHERE key = $1`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read setting %s: %w", key, err)
	}
	return value, true, nil
}

// PutSetting sets a database-wide setting.
func (tx *Tx) PutSetting(ctx context.Context, key, value string, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO unet_settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, fmtTime(at))
	if err != nil {
		return fmt.Errorf("write setting %s: %w", key, err)
	}
	return nil
}
