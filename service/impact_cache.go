package service

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"sync"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// maxCachedImpacts bounds the impact cache (the least recently used entry
// goes first).
const maxCachedImpacts = 64

// impactCache keeps the last computed dry run and impact of each change
// set under review, so that reading a set again (the review page, `changes
// show --impact`) costs its key instead of the computation.
//
// An entry is used only while everything the impact was computed from is
// unchanged, which its key and checks establish on every read:
//   - the set: ID, version, update time and a digest of its operations
//     with their bases;
//   - the inventory: the newest event ID. Every change-log row is written
//     with its change.applied event in the same transaction, which moves the
//     event counter, so that any committed inventory change (of any object)
//     moves the key; a dry run is rolled back and moves nothing;
//   - the polled state of the affected nodes: the time of their last poll
//     attempt (every poll writes it with what it found), read before their
//     state was;
//   - the rules and templates of every environment the impact used: a
//     digest of the active rule files and their source (commit), and the
//     template environment itself (a new Git snapshot is a new one; an
//     environment's sources do not change during its life);
//   - the guard settings.
//
// Only impacts computed without failure are kept. What a cached impact
// shows as of its computation is its time (computed_at, and the
// unet.generated_at its templates printed). The requirement and the
// conflicts are computed on every read, from the cached change rows.
type impactCache struct {
	mu      sync.Mutex
	entries map[string]*impactEntry // by set ID
	tick    uint64
}

// impactKey is what an entry's key holds beyond the rules, templates and
// polled state, which are checked afresh.
type impactKey struct {
	set     string
	version int
	updated int64
	ops     [32]byte
	event   int64
	guards  GuardSettings
}

type impactEntry struct {
	key  impactKey
	run  impactRun
	used uint64
}

// impactKeyOf reads the key of cs's impact now.
func (s *Service) impactKeyOf(ctx context.Context, r sqlstore.Reader, cs *unet.ChangeSet) (impactKey, error) {
	ops, err := json.Marshal(cs.Ops)
	if err != nil {
		return impactKey{}, unet.Internal(err)
	}
	event, err := r.LastEventID(ctx)
	if err != nil {
		return impactKey{}, err
	}
	return impactKey{set: cs.ID, version: cs.Version, updated: cs.UpdatedAt.UnixNano(), ops: sha256.Sum256(ops),
		event: event, guards: s.Guards()}, nil
}

// cachedImpact returns the cached run of key when it is still valid.
func (s *Service) cachedImpact(ctx context.Context, r sqlstore.Reader, key impactKey) (impactRun, bool, error) {
	c := &s.impacts
	c.mu.Lock()
	e := c.entries[key.set]
	c.mu.Unlock()
	if e == nil || e.key != key {
		return impactRun{}, false, nil
	}
	for env, rev := range e.run.rules {
		files, source, err := s.policyFiles(ctx, env)
		if ctx.Err() != nil {
			return impactRun{}, false, ctx.Err()
		}
		if policyRevision(files, source, err) != rev {
			return impactRun{}, false, nil
		}
	}
	for env, tpl := range e.run.templates {
		now, err := s.templateEnv(ctx, env)
		if ctx.Err() != nil {
			return impactRun{}, false, ctx.Err()
		}
		if err != nil {
			now = nil
		}
		if now != tpl {
			return impactRun{}, false, nil
		}
	}
	polled, err := r.NodePollTimes(ctx, e.run.affected)
	if err != nil {
		return impactRun{}, false, err
	}
	if !slices.Equal(polled, e.run.polled) {
		return impactRun{}, false, nil
	}
	c.mu.Lock()
	c.tick++
	e.used = c.tick
	c.mu.Unlock()
	run := e.run
	run.impact = cloneImpact(run.impact)
	return run, true, nil
}

// keepImpact caches a run computed without failure under key.
func (s *Service) keepImpact(key impactKey, run impactRun) {
	if run.runErr != nil || run.err != nil || run.impact == nil {
		return
	}
	c := &s.impacts
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]*impactEntry{}
	}
	c.tick++
	run.impact = cloneImpact(run.impact)
	c.entries[key.set] = &impactEntry{key: key, run: run, used: c.tick}
	for len(c.entries) > maxCachedImpacts {
		var oldest string
		var at uint64
		for id, e := range c.entries {
			if oldest == "" || e.used < at {
				oldest, at = id, e.used
			}
		}
		delete(c.entries, oldest)
	}
}

// cloneImpact copies an impact so that no caller changes the cached one:
// its lists are copied; their elements' values are only read.
func cloneImpact(imp *unet.Impact) *unet.Impact {
	out := *imp
	out.Objects = slices.Clone(imp.Objects)
	out.Policy = slices.Clone(imp.Policy)
	out.Config = slices.Clone(imp.Config)
	out.Guards = slices.Clone(imp.Guards)
	out.Problems = slices.Clone(imp.Problems)
	return &out
}

// reviewImpact is the dry run and impact of cs as a review reads it (m),
// from the cache when it is still valid.
func (s *Service) reviewImpact(ctx context.Context, r sqlstore.Reader, cs *unet.ChangeSet, m mutation) (impactRun, error) {
	key, err := s.impactKeyOf(ctx, r, cs)
	if err != nil {
		return impactRun{}, err
	}
	run, ok, err := s.cachedImpact(ctx, r, key)
	if err != nil || ok {
		return run, err
	}
	run = s.runImpact(ctx, cs.Ops, m)
	s.keepImpact(key, run)
	return run, nil
}
