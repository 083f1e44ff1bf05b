package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/unet-dev/unet"
)

// writeState remembers whether writes are blocked: set when a write gave up
// waiting for a lock, cleared by the next write that commits (or, for SQLite,
// by a probe that gets the write lock).
type writeState struct {
	mu    sync.Mutex
	since time.Time // first lock failure of the current blocked spell
	last  time.Time // latest lock failure
	err   error
}

func (w *writeState) blocked(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if w.since.IsZero() {
		w.since = now
	}
	w.last, w.err = now, err
}

func (w *writeState) succeeded() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.since, w.last, w.err = time.Time{}, time.Time{}, nil
}

func (w *writeState) get() (since, last time.Time, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.since, w.last, w.err
}

// blockedFor is how long a PostgreSQL lock failure keeps writes reported as
// blocked when no write has committed since: PostgreSQL locks rows and tables,
// so there is no one lock to probe.
const blockedFor = 30 * time.Second

// probeWait bounds how long the SQLite readiness probe waits for the write lock.
const probeWait = 200 * time.Millisecond

// CheckWrites reports whether writes can be made: the SQLite file is still
// the one opened, and writes are not blocked by a lock someone else holds
// (after a write failed on a lock: for SQLite, a probe must now get the write
// lock; for PostgreSQL, the failure must be older than 30 s or followed by a
// committed write). The error is "unavailable" and says why.
func (db *DB) CheckWrites(ctx context.Context) error {
	if err := db.checkFile(); err != nil {
		return err
	}
	since, last, cause := db.writes.get()
	if since.IsZero() {
		return nil
	}
	if db.engine == SQLite {
		err := db.probeWriteLock(ctx)
		if err == nil {
			db.writes.succeeded()
			return nil
		}
		if classify(err) != errLockWait {
			return fmt.Errorf("probe the write lock: %w", err)
		}
	} else if time.Since(last) > blockedFor {
		return nil
	}
	return &unet.Error{Code: unet.EUNAVAILABLE, Err: cause,
		Message: fmt.Sprintf("writes are blocked: a lock held by another process or transaction has made writes fail since %s", since.UTC().Format(time.RFC3339))}
}

// probeWriteLock takes SQLite's write lock and releases it at once, waiting
// at most probeWait, on a connection of the pool (whose busy timeout is
// restored afterwards).
func (db *DB) probeWriteLock(ctx context.Context) (err error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA busy_timeout = %d", db.lockTimeout.Milliseconds())); rerr != nil {
			err = errors.Join(err, rerr)
		}
		err = errors.Join(err, conn.Close())
	}()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", probeWait.Milliseconds())); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "ROLLBACK")
	return err
}
