package sqlstore

import (
	"database/sql"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// SQLite synchronous modes accepted by Options.Sync.
const (
	// SyncFull makes every commit durable: SQLite syncs the write-ahead log
	// before a commit returns, so a write acknowledged to a client survives a
	// power loss. The default.
	SyncFull = "full"
	// SyncNormal syncs the log only at checkpoints: faster, and still safe
	// against a crash of the process, but the last commits before a power loss
	// or an operating-system crash may be lost.
	SyncNormal = "normal"
)

// DefaultLockTimeout is how long a write waits for a lock held by someone
// else before it fails as "unavailable".
const DefaultLockTimeout = 5 * time.Second

// Options tune how a database is opened. Zero values take the defaults.
type Options struct {
	// Sync is SQLite's synchronous mode: SyncFull (default) or SyncNormal.
	// Ignored for PostgreSQL, whose durability is the server's configuration.
	Sync string
	// LockTimeout bounds every wait for a lock (default DefaultLockTimeout):
	// SQLite's busy_timeout, and PostgreSQL's lock_timeout unless the database
	// URL sets one. A server must keep it well below its request deadline, so
	// that a write blocked by someone else is answered "unavailable" instead
	// of timing out on the client and committing later.
	LockTimeout time.Duration
	// MaxConns bounds the open connections of the pool (default 8 for
	// SQLite, 32 for PostgreSQL).
	MaxConns int
	// MaxIdleConns bounds the connections kept open while idle (default and
	// at most MaxConns).
	MaxIdleConns int
	// StatementTimeout, when set, bounds every statement: on PostgreSQL it
	// is the session's statement_timeout (unless the database URL sets
	// one), so the server cancels a longer statement; on SQLite, whose
	// statements run in-process and are bounded by their caller's context,
	// it caps the wait for a lock (busy_timeout) at the same duration.
	StatementTimeout time.Duration
}

// Default pool sizes.
const (
	DefaultSQLiteConns   = 8
	DefaultPostgresConns = 32
)

func (o *Options) defaults() error {
	switch strings.ToLower(o.Sync) {
	case "":
		o.Sync = SyncFull
	case SyncFull, SyncNormal:
		o.Sync = strings.ToLower(o.Sync)
	default:
		return unet.Errorf(unet.EINVALID, "unknown SQLite sync mode %q (want full or normal)", o.Sync)
	}
	if o.LockTimeout < 0 {
		return unet.Errorf(unet.EINVALID, "lock timeout %s is negative", o.LockTimeout)
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.MaxConns < 0 || o.MaxIdleConns < 0 {
		return unet.Errorf(unet.EINVALID, "database pool sizes must not be negative (max conns %d, max idle conns %d)", o.MaxConns, o.MaxIdleConns)
	}
	if o.MaxConns > 0 && o.MaxIdleConns > o.MaxConns {
		return unet.Errorf(unet.EINVALID, "database max idle conns %d exceeds max conns %d", o.MaxIdleConns, o.MaxConns)
	}
	if o.StatementTimeout < 0 {
		return unet.Errorf(unet.EINVALID, "statement timeout %s is negative", o.StatementTimeout)
	}
	return nil
}

// pool applies the pool sizes of o, with defaultConns when o sets none.
func (o Options) pool(db *sql.DB, defaultConns int) {
	conns := o.MaxConns
	if conns == 0 {
		conns = defaultConns
	}
	idle := o.MaxIdleConns
	if idle == 0 {
		idle = conns
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(idle)
}

// sqliteBusyTimeout is SQLite's busy_timeout: the lock timeout, capped by
// the statement timeout when one is set.
func (o Options) sqliteBusyTimeout() time.Duration {
	if o.StatementTimeout > 0 && o.StatementTimeout < o.LockTimeout {
		return o.StatementTimeout
	}
	return o.LockTimeout
}

// withParam adds a run-time parameter (milliseconds) to a PostgreSQL URL
// unless the URL sets it already.
func withParam(dsn, name string, d time.Duration) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // the driver reports the malformed URL
	}
	q := u.Query()
	if q.Get(name) != "" {
		return dsn
	}
	q.Set(name, strconv.FormatInt(d.Milliseconds(), 10))
	u.RawQuery = q.Encode()
	return u.String()
}

// withLockTimeout adds lock_timeout (milliseconds) to a PostgreSQL URL as a
// run-time parameter of every connection, unless the URL sets it already.
func withLockTimeout(dsn string, d time.Duration) string {
	return withParam(dsn, "lock_timeout", d)
}
