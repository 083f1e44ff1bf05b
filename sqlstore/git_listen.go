package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listener receives the notifications of one PostgreSQL channel on a
// dedicated connection (outside the pool).
type Listener struct {
	// Channel is the channel to LISTEN on.
	Channel string
	// OnConnect runs each time the LISTEN is in place (first connection and
	// every reconnection): notifications sent while it was down are lost,
	// so the caller drops what it cached.
	OnConnect func()
	// OnDisconnect runs when the connection is lost, with the error.
	OnDisconnect func(err error)
	// OnNotify runs for each notification, in order, on the listening
	// goroutine.
	OnNotify func(payload string)
	// MinBackoff and MaxBackoff space the reconnection attempts (defaults
	// 100 ms and 10 s, doubling).
	MinBackoff, MaxBackoff time.Duration
}

// Listen runs l until ctx ends, reconnecting with backoff. On SQLite it
// returns an error at once: there is no LISTEN there.
func (db *DB) Listen(ctx context.Context, l Listener) error {
	if db.engine != Postgres {
		return errors.New("LISTEN needs PostgreSQL")
	}
	if l.MinBackoff <= 0 {
		l.MinBackoff = 100 * time.Millisecond
	}
	if l.MaxBackoff <= 0 {
		l.MaxBackoff = 10 * time.Second
	}
	delay := l.MinBackoff
	for {
		connected, err := db.listenOnce(ctx, l)
		if ctx.Err() != nil {
			return nil
		}
		if connected {
			delay = l.MinBackoff
		}
		if l.OnDisconnect != nil {
			l.OnDisconnect(err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay):
		}
		delay = min(delay*2, l.MaxBackoff)
	}
}

// listenOnce connects, LISTENs and delivers notifications until the
// connection fails; connected says whether the LISTEN was in place.
func (db *DB) listenOnce(ctx context.Context, l Listener) (connected bool, err error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.Connect(cctx, db.url)
	cancel()
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		// The connection is dropped either way; a close error changes nothing.
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{l.Channel}.Sanitize()); err != nil {
		return false, fmt.Errorf("listen on %s: %w", l.Channel, err)
	}
	if l.OnConnect != nil {
		l.OnConnect()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		if l.OnNotify != nil {
			l.OnNotify(n.Payload)
		}
	}
}

// ListenConnections counts the backends listening on channel (for tests
// and diagnostics; PostgreSQL only).
func (db *DB) ListenConnections(ctx context.Context, channel string) (int, error) {
	if db.engine != Postgres {
		return 0, nil
	}
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE query = $1 AND datname = current_database()`,
		"LISTEN "+pgx.Identifier{channel}.Sanitize()).Scan(&n)
	return n, err
}
