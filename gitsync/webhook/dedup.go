package webhook

import (
	"sync"
	"time"
)

// Dedup remembers recent delivery ids so that a delivery sent twice (a
// provider retry or a replay) triggers one sync. It holds at most size ids,
// each for ttl; the oldest are forgotten first. It is safe for concurrent
// use.
type Dedup struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	seen  map[string]time.Time
	order []dedupEntry
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
