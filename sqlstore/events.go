package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/unet-dev/unet"
)

// Emit queues an event to be written with the transaction: just before it
// commits, the queued events get their IDs (from the 'event' counter, whose
// row lock orders event-writing transactions by commit) and are inserted. A
// transaction that rolls back writes none.
func (tx *Tx) Emit(e unet.Event) {
	tx.EmitFunc(func() unet.Event { return e })
}

// EmitFunc queues an event built when the transaction is about to commit:
// an event that sums up the whole transaction (a batch of changes) is
// queued once and filled as the transaction goes.
func (tx *Tx) EmitFunc(build func() unet.Event) {
	tx.events = append(tx.events, build)
}

// Value returns what SetValue stored under key in this transaction (nil
// when nothing was).
func (tx *Tx) Value(key any) any { return tx.values[key] }

// SetValue keeps v under key for the rest of the transaction.
func (tx *Tx) SetValue(key, v any) {
	if tx.values == nil {
		tx.values = map[any]any{}
	}
	tx.values[key] = v
}

// Written returns the events the transaction wrote, with their IDs, once it
// has committed (for OnCommit functions).
func (tx *Tx) Written() []unet.Event { return tx.written }

// flushEvents writes the queued events; it runs as the transaction's last
// statement so that the counter row is held for as short a time as possible.
func (tx *Tx) flushEvents(ctx context.Context) error {
	if len(tx.events) == 0 {
		return nil
	}
	tx.written = make([]unet.Event, len(tx.events))
	for i, build := range tx.events {
		e := build()
		if len(e.Data) == 0 {
			e.Data = json.RawMessage("{}")
		}
		tx.written[i] = e
	}
	var last int64
	err := tx.q.QueryRowContext(ctx, `UPDATE counters SET value = value + $1 WHERE name = 'event' RETURNING value`,
		int64(len(tx.written))).Scan(&last)
	if err != nil {
		return fmt.Errorf("allocate event ids: %w", err)
	}
	first := last - int64(len(tx.written)) + 1
	const cols = 7
	for start := 0; start < len(tx.written); start += 100 {
		end := min(start+100, len(tx.written))
		var sb strings.Builder
		sb.WriteString(`INSERT INTO events (id, type, time, actor, subject, summary, data_json) VALUES `)
		args := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			e := &tx.written[i]
			e.ID = first + int64(i)
			if i > start {
				sb.WriteByte(',')
			}
			n := len(args)
			fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7)
			args = append(args, e.ID, e.Type, fmtTime(e.Time), e.Actor, e.Subject, e.Summary, string(e.Data))
		}
		if _, err := tx.q.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
	}
	return nil
}

// eventWake is closed and replaced each time this process commits events.
type eventWake struct {
	mu sync.Mutex
	ch chan struct{}
}

func (w *eventWake) wait() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch == nil {
		w.ch = make(chan struct{})
	}
	return w.ch
}

func (w *eventWake) fire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch != nil {
		close(w.ch)
		w.ch = nil
	}
}

// EventsWake returns a channel closed when this process next commits events.
func (db *DB) EventsWake() <-chan struct{} { return db.eventWake.wait() }

// ListEvents returns events oldest first, after f.After, of the types f.Types
// match, at most f.Limit (default DefaultLimit).
func (r Reader) ListEvents(ctx context.Context, f unet.EventFilter) ([]unet.Event, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	out := []unet.Event{}
	after := f.After
	// Patterns are matched here rather than in SQL (glob syntax differs
	// between the engines); pages are read until the limit is filled.
	for len(out) < limit {
		rows, err := r.q.QueryContext(ctx, `SELECT id, type, time, actor, subject, summary, data_json FROM events
			WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
		if err != nil {
			return nil, fmt.Errorf("list events: %w", err)
		}
		n := 0
		for rows.Next() {
			var e unet.Event
			var t, data string
			if err := rows.Scan(&e.ID, &e.Type, &t, &e.Actor, &e.Subject, &e.Summary, &data); err != nil {
				_ = rows.Close()
				return nil, fmt.Errorf("list events: %w", err)
			}
			n++
			after = e.ID
			e.Time = parseTime(t)
			e.Data = json.RawMessage(data)
			if unet.EventTypeMatches(f.Types, e.Type) && len(out) < limit {
				out = append(out, e)
			}
		}
		if err := rows.Err(); err != nil {
			_ = rows.Close()
			return nil, fmt.Errorf("list events: %w", err)
		}
		_ = rows.Close()
		if n < limit {
			break
		}
	}
	return out, nil
}

// LastEventID returns the ID of the newest event (0 when there is none).
func (r Reader) LastEventID(ctx context.Context) (int64, error) {
	var n int64
	if err := r.q.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = 'event'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("last event id: %w", err)
	}
	return n, nil
}

// PruneEvents deletes the events before ID beforeID and
// returns how many went.
func (tx *Tx) PruneEvents(ctx context.Context, beforeID int64) (int64, error) {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM events WHERE id < $1`, beforeID)
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	return res.RowsAffected()
}

// EventPruneBound reads the oldest events, at most n of them, and returns
// the ID before which all of them are older than cutoff: the first one at
// or after cutoff (done: the older events end there), or past the last one
// read (done when fewer than n were read).
func (r Reader) EventPruneBound(ctx context.Context, cutoff time.Time, n int) (beforeID int64, done bool, err error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, time FROM events ORDER BY id LIMIT $1`, n)
	if err != nil {
		return 0, false, fmt.Errorf("read old events: %w", err)
	}
	defer rows.Close()
	read := 0
	for rows.Next() {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			return 0, false, fmt.Errorf("read old events: %w", err)
		}
		read++
		if !parseTime(t).Before(cutoff) {
			return id, true, rows.Err()
		}
		beforeID = id + 1
	}
	if err := rows.Err(); err != nil {
		return 0, false, fmt.Errorf("read old events: %w", err)
	}
	return beforeID, read < n, nil
}
