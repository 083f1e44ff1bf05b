package httpapi

import (
	"sync"
	"time"
)

// denialNoteEvery is how often a refusal by a rate limit or the global
// allow-list of one bucket (user or address) reaches the audit log at most.
const denialNoteEvery = time.Minute

// denialNotes decides which of the repeated refusals of a rate limit or of
// the allow-list are written to the audit log: the first refusal of a key at
// once, then at most one per interval, which counts the refusals it stands
// for. Each refusal is an answer of the server; writing each to the database
// would let a flood of refused requests turn into a flood of writes, the
// very load the limits are there to prevent. The set is bounded: when full,
// notes older than the interval are dropped, and if none is, all are (the
// next refusals are then recorded at once, as first ones).
type denialNotes struct {
	every time.Duration
	max   int

	mu    sync.Mutex
	byKey map[string]*denialNote
}

type denialNote struct {
	last    time.Time
	skipped int
}

func newDenialNotes(maxKeys int, every time.Duration) *denialNotes {
	return &denialNotes{every: every, max: maxKeys, byKey: map[string]*denialNote{}}
}

// note counts one refusal of key at now. It answers whether to record it
// and, if so, how many refusals the entry stands for (itself and those left
// out since the previous entry).
func (d *denialNotes) note(key string, now time.Time) (bool, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n, ok := d.byKey[key]
	if ok && now.Sub(n.last) < d.every {
		n.skipped++
		return false, 0
	}
	if !ok {
		if len(d.byKey) >= d.max {
			d.prune(now)
		}
		n = &denialNote{}
		d.byKey[key] = n
	}
	count := n.skipped + 1
	n.last, n.skipped = now, 0
	return true, count
}

// prune drops the notes older than the interval, or all of them.
func (d *denialNotes) prune(now time.Time) {
	for k, n := range d.byKey {
		if now.Sub(n.last) >= d.every {
			delete(d.byKey, k)
		}
	}
	if len(d.byKey) >= d.max {
		clear(d.byKey)
	}
}

// len is the number of notes held.
func (d *denialNotes) len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.byKey)
}
