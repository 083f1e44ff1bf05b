package sqlstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/dbarchive"
)

// migrateTo applies the pending migrations up to version (not beyond), each
// in its own transaction, under the migration lock, as Migrate does for all
// of them.
func (db *DB) migrateTo(ctx context.Context, version int) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	unlock, err := db.lockMigrations(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := db.sql.ExecContext(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	applied, err := db.applied(ctx)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if _, ok := applied[m.Version]; ok || m.Version > version {
			continue
		}
		if _, err := db.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// newDatabaseSums returns the archive sums of every table of a new database
// migrated to version: what "empty" means for a restore, since migrations
// seed a few rows (the built-in vendors, the counters). It migrates a
// throw-away SQLite file to find out, so that a migration adding seed rows
// later needs no change here.
func newDatabaseSums(ctx context.Context, version int) (map[string]dbarchive.TableSum, error) {
	dir, err := os.MkdirTemp("", "unet-restore-")
	if err != nil {
		return nil, fmt.Errorf("create a scratch database: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }() // a scratch directory: nothing to report if it lingers
	ref, err := Open(ctx, filepath.Join(dir, "new.db"))
	if err != nil {
		return nil, fmt.Errorf("create a scratch database: %w", err)
	}
	defer func() { _ = ref.Close() }() // only read from here on
	if err := ref.migrateTo(ctx, version); err != nil {
		return nil, fmt.Errorf("migrate a scratch database: %w", err)
	}
	out := map[string]dbarchive.TableSum{}
	err = ref.snapshot(ctx, func(q queryer) error {
		tables, err := archiveTables(ctx, q, ref.engine)
		if err != nil {
			return err
		}
		for _, t := range tables {
			s, err := tableSum(ctx, q, ref.engine, t, t.cols)
			if err != nil {
				return fmt.Errorf("read table %s: %w", t.name, err)
			}
			out[t.name] = s
		}
		return nil
	})
	return out, err
}

// CheckArchiveVersion refuses an archive of a schema this unet does not know.
func CheckArchiveVersion(h dbarchive.Header) error {
	if latest := LatestVersion(); h.SchemaVersion > latest {
		return unet.Errorf(unet.ECONFLICT, "the archive's schema version %d is newer than this unet knows (%d): restore it with a newer unet", h.SchemaVersion, latest)
	}
	return nil
}
