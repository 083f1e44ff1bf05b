package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one embedded schema step.
type Migration struct {
	Version int
	Name    string
	Up      string
	Down    string
}

// MigrationStatus is a migration and whether (and when) it is applied.
type MigrationStatus struct {
	Version   int        `json:"version"`
	Name      string     `json:"name"`
	Applied   bool       `json:"applied"`
	AppliedAt *time.Time `json:"applied_at,omitempty"`
}

// Migrations returns the embedded migrations in version order. The files are
// named NNNN_name.up.sql / NNNN_name.down.sql.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*Migration{}
	for _, e := range entries {
		name := e.Name()
		base, dir, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), ".")
		if !ok {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.up.sql or .down.sql", name)
		}
		numText, label, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(numText)
		if err != nil {
			return nil, fmt.Errorf("migration file %s: bad version: %w", name, err)
		}
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		m := byVersion[v]
		if m == nil {
			m = &Migration{Version: v, Name: label}
			byVersion[v] = m
		}
		switch dir {
		case "up":
			m.Up = string(body)
		case "down":
			m.Down = string(body)
		default:
			return nil, fmt.Errorf("migration file %s: want .up.sql or .down.sql", name)
		}
	}
	out := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// LatestVersion is the schema version this binary knows.
func LatestVersion() int {
	ms, err := Migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`

// HasSchema reports whether the database holds a μNet schema (its
// schema_migrations table), without creating anything.
func (db *DB) HasSchema(ctx context.Context) (bool, error) {
	return hasMigrationsTable(ctx, db.sql, db.engine)
}

func hasMigrationsTable(ctx context.Context, q *sql.DB, engine string) (bool, error) {
	query := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if engine == Postgres {
		query = `SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'schema_migrations' AND schemaname = ANY (current_schemas(false))`
	}
	var n int
	if err := q.QueryRowContext(ctx, query).Scan(&n); err != nil {
		return false, fmt.Errorf("look for the schema: %w", err)
	}
	return n > 0, nil
}

// SQLiteHasSchema reports whether the existing SQLite file at path holds a μNet
// schema. It opens the file read-only, so that looking writes nothing: not
// even the WAL mode Open sets. An empty file has no schema; a file SQLite
// cannot read fails with the driver's error.
func SQLiteHasSchema(ctx context.Context, path string) (bool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	if fi.Size() == 0 {
		return false, nil
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return false, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	ok, err := hasMigrationsTable(ctx, db, SQLite)
	return ok, errors.Join(err, db.Close())
}

// applied reads the applied migrations; a database without the table has none.
func (db *DB) applied(ctx context.Context) (map[int]time.Time, error) {
	ok, err := db.HasSchema(ctx)
	if err != nil || !ok {
		return map[int]time.Time{}, err
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT version, applied_at FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	out := map[int]time.Time{}
	for rows.Next() {
		var v int
		var at string
		if err := rows.Scan(&v, &at); err != nil {
			return nil, err
		}
		out[v] = parseTime(at)
	}
	return out, rows.Err()
}

// SchemaVersion returns the highest applied migration (0 for an empty database).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	applied, err := db.applied(ctx)
	if err != nil {
		return 0, err
	}
	max := 0
	for v := range applied {
		if v > max {
			max = v
		}
	}
	return max, nil
}

// CheckSchema refuses a database whose schema is newer than this binary, and
// reports one that is not fully migrated.
func (db *DB) CheckSchema(ctx context.Context) error {
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	latest := LatestVersion()
	switch {
	case v > latest:
		return unet.Errorf(unet.ECONFLICT, "database schema version %d is newer than this unet supports (%d): upgrade unet", v, latest)
	case v < latest:
		return unet.Errorf(unet.EUNAVAILABLE, "database schema version %d is behind this unet (%d): run `unet db migrate up`", v, latest)
	}
	return nil
}

// Migrate applies every pending migration, each in its own transaction. It
// refuses a database newer than this binary.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	ms, err := Migrations()
	if err != nil {
		return 0, err
	}
	unlock, err := db.lockMigrations(ctx)
	if err != nil {
		return 0, err
	}
	defer unlock()
	if _, err := db.sql.ExecContext(ctx, createMigrationsTable); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	applied, err := db.applied(ctx)
	if err != nil {
		return 0, err
	}
	for v := range applied {
		if v > LatestVersion() {
			return 0, unet.Errorf(unet.ECONFLICT, "database schema version %d is newer than this unet supports (%d): upgrade unet", v, LatestVersion())
		}
	}
	n := 0
	for _, m := range ms {
		if _, ok := applied[m.Version]; ok {
			continue
		}
		ran, err := db.applyMigration(ctx, m)
		if err != nil {
			return n, err
		}
		if ran {
			n++
		}
	}
	return n, nil
}

// applyMigration runs m's up step and records it, in one transaction, and
// reports whether it ran: another process may have applied it since the
// caller read the applied versions (on PostgreSQL the migration lock
// prevents that; on SQLite the write lock orders the two transactions).
func (db *DB) applyMigration(ctx context.Context, m Migration) (ran bool, err error) {
	err = db.WithTx(ctx, func(tx *Tx) error {
		done, err := migrationApplied(ctx, tx, m.Version)
		if err != nil || done {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, m.Up); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if step := upSteps[m.Version]; step != nil {
			if err := step(ctx, tx); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
		}
		_, err = tx.tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.Version, m.Name, fmtTime(time.Now()))
		ran = err == nil
		return err
	})
	return ran && err == nil, err
}

// MigrateDown reverts the newest applied migration. It returns the reverted
// version, or 0 when nothing was applied.
func (db *DB) MigrateDown(ctx context.Context) (int, error) {
	ms, err := Migrations()
	if err != nil {
		return 0, err
	}
	unlock, err := db.lockMigrations(ctx)
	if err != nil {
		return 0, err
	}
	defer unlock()
	v, err := db.SchemaVersion(ctx)
	if err != nil || v == 0 {
		return 0, err
	}
	for _, m := range ms {
		if m.Version != v {
			continue
		}
		err := db.WithTx(ctx, func(tx *Tx) error {
			if _, err := tx.tx.ExecContext(ctx, m.Down); err != nil {
				return fmt.Errorf("revert migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if step := downSteps[m.Version]; step != nil {
				if err := step(ctx, tx); err != nil {
					return fmt.Errorf("revert migration %04d_%s: %w", m.Version, m.Name, err)
				}
			}
			_, err := tx.tx.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = $1`, v)
			return err
		})
		return v, err
	}
	return 0, unet.Errorf(unet.EUNAVAILABLE, "database schema version %d is unknown to this unet: upgrade unet", v)
}

// MigrationStatuses lists every known migration and whether it is applied.
func (db *DB) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	applied, err := db.applied(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(ms))
	for _, m := range ms {
		st := MigrationStatus{Version: m.Version, Name: m.Name}
		if at, ok := applied[m.Version]; ok {
			st.Applied = true
			at := at
			st.AppliedAt = &at
		}
		out = append(out, st)
	}
	return out, nil
}
