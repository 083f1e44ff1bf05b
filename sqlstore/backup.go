package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/dbarchive"
)

// BackupOptions tunes Backup.
type BackupOptions struct {
	// Compress gzips the stream, as in an archive file; a copy between two
	// databases streams it plain.
	Compress bool
	// Producer names the program in the archive's header.
	Producer string
}

// Backup writes a consistent snapshot of every table of the database (see
// ExcludedFromArchive for the few left out) to w as one archive. It reads in
// one read transaction, a REPEATABLE READ snapshot on PostgreSQL and a WAL
// read transaction on SQLite, so writers go on while it runs and none of
// their commits is half in the archive.
// It returns the archive's header and manifest.
func (db *DB) Backup(ctx context.Context, w io.Writer, o BackupOptions) (dbarchive.Header, dbarchive.Summary, error) {
	var h dbarchive.Header
	var sum dbarchive.Summary
	err := db.snapshot(ctx, func(q queryer) error {
		version, err := snapshotVersion(ctx, q)
		if err != nil {
			return err
		}
		tables, err := archiveTables(ctx, q, db.engine)
		if err != nil {
			return err
		}
		h = dbarchive.Header{Format: dbarchive.FormatVersion, SchemaVersion: version, Engine: db.engine,
			CreatedAt: time.Now().UTC().Truncate(time.Microsecond), Producer: o.Producer}
		aw, err := dbarchive.NewWriter(w, h, o.Compress)
		if err != nil {
			return fmt.Errorf("write the archive: %w", err)
		}
		for _, t := range tables {
			if err := aw.BeginTable(t.name, t.cols); err != nil {
				return fmt.Errorf("write the archive: %w", err)
			}
			if err := readTable(ctx, q, db.engine, t, t.cols, aw.Row); err != nil {
				return fmt.Errorf("back up table %s: %w", t.name, err)
			}
			if _, err := aw.EndTable(); err != nil {
				return fmt.Errorf("write the archive: %w", err)
			}
		}
		sum, err = aw.Close()
		if err != nil {
			return fmt.Errorf("write the archive: %w", err)
		}
		return nil
	})
	return h, sum, err
}

// snapshotVersion reads the schema version inside the snapshot.
func snapshotVersion(ctx context.Context, q queryer) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, unet.Errorf(unet.EINVALID, "the database has no μNet schema to back up (%v); create one with `unet db migrate up`", err)
	}
	if !v.Valid || v.Int64 == 0 {
		return 0, unet.Errorf(unet.EINVALID, "the database has no μNet schema to back up; create one with `unet db migrate up`")
	}
	return int(v.Int64), nil
}

// snapshot runs fn on one consistent read snapshot of the database.
func (db *DB) snapshot(ctx context.Context, fn func(q queryer) error) (err error) {
	if db.engine == Postgres {
		tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return fmt.Errorf("begin the snapshot: %w", err)
		}
		defer func() {
			if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) && err == nil {
				err = fmt.Errorf("end the snapshot: %w", rerr)
			}
		}()
		return fn(tx)
	}
	// A deferred transaction on one connection: in WAL mode its first read
	// fixes the snapshot and takes no write lock (the pool's own BeginTx
	// would start an immediate, writing one).
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin the snapshot: %w", err)
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
			// Never hand back to the pool a connection that may still be
			// inside the snapshot: mark it bad so that it is closed. What
			// was read stays good: the snapshot only read.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // the error is the point
			_ = conn.Close()                                           // already discarded
			return
		}
		if cerr := conn.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("end the snapshot: %w", cerr)
		}
	}()
	if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		return fmt.Errorf("begin the snapshot: %w", err)
	}
	return fn(conn)
}

// readTable reads every row of t, in archive order, with cols in that
// order, and passes each to fn (the slice is reused between calls).
func readTable(ctx context.Context, q queryer, engine string, t *archiveTable, cols []string, fn func([]any) error) error {
	rows, err := q.QueryContext(ctx, t.selectAll(engine, cols))
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// tableSum computes the archive row count and checksum of t as the database
// holds it, with cols in that order.
func tableSum(ctx context.Context, q queryer, engine string, t *archiveTable, cols []string) (dbarchive.TableSum, error) {
	d := dbarchive.NewDigester()
	err := readTable(ctx, q, engine, t, cols, func(v []any) error {
		_, err := d.Row(v)
		return err
	})
	return d.Sum(t.name), err
}
