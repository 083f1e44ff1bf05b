package webhook

import (
	"context"
	"sync"
	"time"
)

// Dedup remembers recent delivery ids so that a delivery sent twice (a
// provider retry or a replay) triggers one sync. It holds at most size ids,
// each for ttl; the oldest are forgotten first. With a DeliveryStore
// (NewStoreDedup) the ids live in the store instead, shared by every
// process using it. It is safe for concurrent use.
type Dedup struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	seen  map[string]time.Time
	order []dedupEntry
	store DeliveryStore
	// failed is called when the store fails (the in-memory set answers).
	failed func(error)
}

// DeliveryStore keeps delivery ids outside the process (μNet: a database
// table with expiry), so that a delivery sent again to another replica is
// recognised.
type DeliveryStore interface {
	// SeenDelivery records key (of source) until now+ttl and reports
	// whether it was already recorded and not expired at now.
	SeenDelivery(ctx context.Context, source, key string, now time.Time, ttl time.Duration) (bool, error)
}

// NewStoreDedup returns a Dedup keeping ids in store for ttl (default 24h).
// When the store fails, the in-memory set (of at most size ids) answers
// and failed, when not nil, is told why.
func NewStoreDedup(store DeliveryStore, size int, ttl time.Duration, failed func(error)) *Dedup {
	d := NewDedup(size, ttl)
	d.store, d.failed = store, failed
	return d
}

// SeenContext is Seen for a key of source, asking the store when the Dedup
// has one. A store failure falls back to the in-memory set: a duplicate may
// then pass on another replica, never a new delivery be dropped.
func (d *Dedup) SeenContext(ctx context.Context, source, id string, now time.Time) bool {
	local := d.Seen(id, now)
	if d.store == nil || id == "" {
		return local
	}
	dup, err := d.store.SeenDelivery(ctx, source, id, now, d.ttl)
	if err != nil {
		if d.failed != nil {
			d.failed(err)
		}
		return local
	}
	return dup
}

type dedupEntry struct {
	id string
	at time.Time
}

// NewDedup returns a set of at most size ids (default 10000) kept for ttl
// (default 24h).
func NewDedup(size int, ttl time.Duration) *Dedup {
	if size <= 0 {
		size = 10000
	}
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	return &Dedup{size: size, ttl: ttl, seen: map[string]time.Time{}}
}

// Seen reports whether id was already recorded within the TTL before now,
// and records it otherwise. An empty id is never a duplicate (and is not
// recorded): deliveries without an id cannot be de-duplicated.
func (d *Dedup) Seen(id string, now time.Time) bool {
	if id == "" {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(now)
	if at, ok := d.seen[id]; ok && now.Sub(at) < d.ttl {
		return true
	}
	d.seen[id] = now
	d.order = append(d.order, dedupEntry{id, now})
	for len(d.order) > d.size {
		d.drop()
	}
	return false
}

// Len returns how many ids are remembered.
func (d *Dedup) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}

func (d *Dedup) expire(now time.Time) {
	for len(d.order) > 0 && now.Sub(d.order[0].at) >= d.ttl {
		d.drop()
	}
}

// drop forgets the oldest entry.
func (d *Dedup) drop() {
	e := d.order[0]
	d.order[0] = dedupEntry{}
	d.order = d.order[1:]
	if at, ok := d.seen[e.id]; ok && at.Equal(e.at) {
		delete(d.seen, e.id)
	}
}
