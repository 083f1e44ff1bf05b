package sqlstore

import (
	"context"
	"database/sql/driver"
	"fmt"
	"log/slog"
)

// migrationLockKey is the PostgreSQL advisory lock migrations run under
// ("unet" in ASCII, then "mig").
const migrationLockKey int64 = 0x756e6574_6d6967

// lockMigrations serialises migrations between processes. On PostgreSQL it
// takes a session advisory lock on a connection of its own, held until
// unlock: replicas upgraded at once wait for each other, and the later ones
// find the migrations applied. On SQLite each migration's transaction holds
// the write lock and checks again that it is pending, which is enough.
func (db *DB) lockMigrations(ctx context.Context) (unlock func(), err error) {
	if db.engine != Postgres {
		return func() {}, nil
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("wait for the migration lock: %w", err)
	}
	return func() {
		// A context of its own: the caller's may be done, and a lock left
		// on a pooled connection would block every later migration.
		if _, err := conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLockKey); err != nil {
			slog.Default().Warn("release the migration lock", slog.Any("error", err))
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}, nil
}

// migrationApplied reports whether version is recorded as applied, seen
// from inside tx.
func migrationApplied(ctx context.Context, tx *Tx, version int) (bool, error) {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return false, fmt.Errorf("read schema_migrations: %w", err)
	}
	return n > 0, nil
}
