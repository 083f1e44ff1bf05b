package sqlstore

import (
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
}

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
	return nil
}

// withLockTimeout adds lock_timeout (milliseconds) to a PostgreSQL URL as a
// run-time parameter of every connection, unless the URL sets it already.
func withLockTimeout(dsn string, d time.Duration) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // the driver reports the malformed URL
	}
	q := u.Query()
	if q.Get("lock_timeout") != "" {
		return dsn
	}
	q.Set("lock_timeout", strconv.FormatInt(d.Milliseconds(), 10))
	u.RawQuery = q.Encode()
	return u.String()
}
