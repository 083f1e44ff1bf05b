package gitsync

import (
	"context"
	"errors"
	"fmt"
)

// Pin activates commit (full or abbreviated id) in environment env of src
// and stops that environment from following its branch until Unpin. The
// commit must pass validation; when it does not, Pin returns a
// *RejectedError and nothing changes. The remote is fetched only when the
// commit is not in the local repository yet, so rolling back works while
// the remote is down.
func (s *Syncer) Pin(ctx context.Context, src Source, env, commit string) (HistoryEntry, error) {
	if err := src.Validate(); err != nil {
		return HistoryEntry{}, err
	}
	unlock, err := s.lock(ctx, src.Name, true)
	if err != nil {
		return HistoryEntry{}, err
	}
	defer unlock()
	e := src.Environment(env)
	st, err := s.store.LoadState(ctx, src.Name)
	if err != nil {
		return HistoryEntry{}, err
	}
	if st.Environments == nil {
		st.Environments = map[string]EnvState{}
	}
	m, err := s.openMirror(src)
	if err != nil {
		return HistoryEntry{}, err
	}
	c, err := m.commit(commit)
	if errors.Is(err, ErrNotFound) {
		if ferr := s.fetch(ctx, m); ferr != nil {
			return HistoryEntry{}, ferr
		}
		c, err = m.commit(commit)
	}
	if err != nil {
		return HistoryEntry{}, fmt.Errorf("pin source %s: %w", src.Name, err)
	}
	es := st.Environments[e.Name]
	now := s.clock()
	entry := HistoryEntry{Source: src.Name, Environment: e.Name, Trigger: TriggerPin, SyncedAt: now, Previous: es.Commit}
	if c.Hash.String() == es.Commit {
		fillCommit(&entry, c)
		entry.Outcome = OutcomePinned
	} else {
		problems, err := s.activate(ctx, m, src, c, &es, &entry)
		if err != nil {
			return entry, err
		}
		if len(problems) > 0 {
			rej := &RejectedError{Commit: c.Hash.String(), Errors: problems}
			if err := s.store.AppendHistory(ctx, src.Name, entry); err != nil {
				return entry, errors.Join(rej, fmt.Errorf("record history of source %s: %w", src.Name, err))
			}
			return entry, rej
		}
	}
	es.Pinned = true
	st.Environments[e.Name] = es
	if err := s.save(ctx, src.Name, st, entry); err != nil {
		return entry, fmt.Errorf("pin source %s: %w", src.Name, err)
	}
	s.prune(ctx, src.Name, st)
	return entry, nil
}

// Unpin makes environment env of src follow its branch again and syncs it
// at once (so the branch tip is activated if it validates).
func (s *Syncer) Unpin(ctx context.Context, src Source, env string) (Result, error) {
	if err := src.Validate(); err != nil {
		return Result{}, err
	}
	unlock, err := s.lock(ctx, src.Name, true)
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	e := src.Environment(env)
	st, err := s.store.LoadState(ctx, src.Name)
	if err != nil {
		return Result{}, err
	}
	if es, ok := st.Environments[e.Name]; ok && es.Pinned {
		es.Pinned = false
		st.Environments[e.Name] = es
		if err := s.store.SaveState(ctx, src.Name, st); err != nil {
			return Result{}, fmt.Errorf("unpin source %s: %w", src.Name, err)
		}
	}
	return s.syncLocked(ctx, src, SyncOptions{Trigger: TriggerUnpin, Environments: []string{e.Name}})
}
