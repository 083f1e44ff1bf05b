// Package sqlstore stores μNet's data in SQLite (embedded, pure Go) or
// PostgreSQL, with the same hand-written SQL for both engines, embedded versioned
// migrations, and transactions that retry when SQLite is busy.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/unet-dev/unet"
)

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is an open database of either engine.
type DB struct {
	sql   *sql.DB
	reads *poolCache
	// tracedReads is reads in spans, made the first time tracing is on.
	tracedReads *tracedQueryer
	tracedOnce  sync.Once
	engine      string
	url         string
	lockTimeout time.Duration
	// stmtTimeout is PostgreSQL's statement_timeout as set by Options (0:
	// none set by μNet).
	stmtTimeout time.Duration
	file        *dbFile // the SQLite file as opened; nil for PostgreSQL
	writes      writeState
	eventWake   eventWake
}

// ParseURL splits a database URL into the engine and the driver's data source.
// Accepted: sqlite:///abs/path.db, sqlite://./rel.db, sqlite:rel.db, a bare file
// path, postgres://… and postgresql://….
func ParseURL(raw string) (engine, dsn string, err error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite://"):
		return SQLite, strings.TrimPrefix(raw, "sqlite://"), nil
	case strings.HasPrefix(raw, "sqlite:"):
		return SQLite, strings.TrimPrefix(raw, "sqlite:"), nil
	case strings.Contains(raw, "://"):
		return "", "", unet.Errorf(unet.EINVALID, "unsupported database URL %q: use sqlite:///path/unet.db or postgres://user:pass@host/db", raw)
	case raw == "":
		return "", "", unet.Errorf(unet.EINVALID, "empty database URL")
	default:
		return SQLite, raw, nil
	}
}

// Open opens the database named by rawURL with the default Options. It does
// not migrate; call Migrate or CheckSchema.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	return OpenWith(ctx, rawURL, Options{})
}

// OpenWith opens the database named by rawURL with o. It does not migrate;
// call Migrate or CheckSchema.
func OpenWith(ctx context.Context, rawURL string, o Options) (*DB, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	engine, dsn, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	var db *sql.DB
	var file string
	switch engine {
	case SQLite:
		path := dsn
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if path == "" {
			return nil, unet.Errorf(unet.EINVALID, "database URL %q names no file", rawURL)
		}
		if dir := filepath.Dir(path); dir != "" {
			if _, err := os.Stat(dir); err != nil {
				return nil, unet.Errorf(unet.EUNAVAILABLE, "database directory %s: %v", dir, err)
			}
		}
		file = path
		q := url.Values{}
		q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", o.sqliteBusyTimeout().Milliseconds()))
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous("+strings.ToUpper(o.Sync)+")")
		// Write transactions take the write lock at BEGIN, so two writers queue on
		// busy_timeout instead of failing on a lock upgrade.
		q.Add("_txlock", "immediate")
		db, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		o.pool(db, DefaultSQLiteConns)
		db.SetConnMaxIdleTime(time.Minute)
	case Postgres:
		if o.StatementTimeout > 0 {
			dsn = withParam(dsn, "statement_timeout", o.StatementTimeout)
		}
		db, err = sql.Open("pgx", withLockTimeout(dsn, o.LockTimeout))
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		o.pool(db, DefaultPostgresConns)
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("cannot reach database %s: %v", RedactURL(rawURL), err), Err: errors.Join(err, db.Close())}
	}
	out := &DB{sql: db, reads: newPoolCache(db), engine: engine, url: rawURL, lockTimeout: o.LockTimeout}
	if engine == SQLite {
		out.lockTimeout = o.sqliteBusyTimeout()
	} else {
		out.stmtTimeout = o.StatementTimeout
	}
	if file != "" {
		// The first connection (Ping) created the file if it was missing:
		// remember which file that is.
		if out.file, err = openedFile(file); err != nil {
			return nil, errors.Join(err, db.Close())
		}
	}
	return out, nil
}

// RedactURL hides a password in a database URL.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Engine returns SQLite or Postgres.
func (db *DB) Engine() string { return db.engine }

// Close closes the connection pool.
func (db *DB) Close() error {
	return errors.Join(db.reads.close(), db.sql.Close())
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// SQL returns the underlying pool, for tests and tools.
func (db *DB) SQL() *sql.DB { return db.sql }

// Tx is one write transaction.
type Tx struct {
	tx     *sql.Tx
	q      *stmtCache
	engine string
	// ended runs once the transaction has been committed (OnCommit).
	ended []func()
	// events are built and written just before the commit (Emit), written
	// is what they became.
	events  []func() unet.Event
	written []unet.Event
	// values are what SetValue keeps for the transaction.
	values map[any]any
}

// OnCommit runs f after the transaction's commit, also when the commit
// fails (its outcome is then unknown), never after a rollback. Caches of
// what the transaction changes drop their entries with it.
func (tx *Tx) OnCommit(f func()) { tx.ended = append(tx.ended, f) }

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Reader runs read queries, inside a transaction or directly on the pool.
type Reader struct {
	q queryer
}

// Reader returns a reader on the pool (outside any transaction).
func (db *DB) Reader() Reader { return Reader{q: db.reader()} }

// Reader returns a reader that sees the transaction's writes.
func (tx *Tx) Reader() Reader { return Reader{q: tx.q} }

// WithTx runs fn in a write transaction and commits it when fn returns nil.
//
// Waiting for the write lock (SQLite's busy timeout, PostgreSQL's
// lock_timeout) is bounded by Options.LockTimeout: a lock held longer by
// someone else fails the write as "unavailable" instead of letting it commit
// after the caller gave up. A lock failure that came back at once is retried
// within that budget, and so are PostgreSQL serialization failures and
// deadlocks. A SQLite file removed or replaced since Open fails every write
// as "unavailable": a commit into an unlinked file would be lost.
func (db *DB) WithTx(ctx context.Context, fn func(tx *Tx) error) error {
	return db.tracedTx(ctx, fn)
}

func (db *DB) withTx(ctx context.Context, fn func(tx *Tx) error) error {
	budget := time.Now().Add(db.lockTimeout)
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = db.checkFile(); err != nil {
			return err
		}
		err = db.withTxOnce(ctx, fn)
		if err == nil {
			db.writes.succeeded()
			return nil
		}
		if ctx.Err() != nil {
			return contextError(ctx, err)
		}
		if db.stmtTimeout > 0 && IsStatementTimeout(err) {
			return statementTimeoutError(db.stmtTimeout, err)
		}
		pause := backoff(attempt)
		switch classify(err) {
		case errTransient:
			// Another transaction won a race: run again after a short pause.
		case errLockWait:
			if time.Now().Add(pause).After(budget) {
				db.writes.blocked(err)
				return lockError(db.engine, db.lockTimeout, err)
			}
		default:
			return err
		}
		select {
		case <-ctx.Done():
			return contextError(ctx, err)
		case <-time.After(pause):
		}
	}
	if classify(err) == errLockWait {
		db.writes.blocked(err)
		return lockError(db.engine, db.lockTimeout, err)
	}
	return &unet.Error{Code: unet.EUNAVAILABLE, Message: "the database kept refusing the transaction as conflicting with concurrent ones; try again", Err: err}
}

// backoff is the pause before attempt+1: 10 ms, 20 ms, 40 ms, … plus up to
// half of it again at random, so that losers of a race do not meet again.
func backoff(attempt int) time.Duration {
	d := time.Duration(10<<attempt) * time.Millisecond
	return d + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (db *DB) withTxOnce(ctx context.Context, fn func(tx *Tx) error) error {
	start, outcome := time.Now(), TxError
	defer func() { observeTx(outcome, start) }()
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{tx: stx, q: newStmtCache(stx), engine: db.engine}
	defer tx.q.close()
	if err := fn(tx); err != nil {
		outcome = TxRollback
		return rollback(stx, err)
	}
	if f, ok := unet.FenceFrom(ctx); ok {
		if err := tx.checkFence(ctx, f); err != nil {
			outcome = TxRollback
			return rollback(stx, err)
		}
	}
	if err := tx.flushEvents(ctx); err != nil {
		outcome = TxRollback
		return rollback(stx, err)
	}
	// Checked again at the last moment: the file may have gone while fn ran.
	if err := db.checkFileInTx(); err != nil {
		return rollback(stx, err)
	}
	err = stx.Commit()
	if err == nil && len(tx.events) > 0 {
		db.eventWake.fire()
	}
	for _, f := range tx.ended {
		f()
	}
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	outcome = TxCommit
	return nil
}

// rollback ends stx after err; a failed rollback is added to err (a rollback
// after a cancelled context has nothing left to undo and is not reported).
func rollback(stx *sql.Tx, err error) error {
	if rerr := stx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) && !errors.Is(rerr, context.Canceled) && !errors.Is(rerr, context.DeadlineExceeded) {
		return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
	}
	return err
}

// timeFormat is how timestamps are stored: fixed width so text order is time order.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		// Older rows may hold RFC 3339 times; a value that is neither
		// (never written by μNet) reads as the zero time.
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t.UTC()
}
