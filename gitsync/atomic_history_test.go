package gitsync

import (
	"context"
	"sync"
	"testing"
)

// atomicStore is a FileStateStore that offers the atomic state and history
// write and records how the Syncer wrote.
type atomicStore struct {
	*FileStateStore
	mu       sync.Mutex
	atomic   [][]HistoryEntry // entries of each SaveStateWithHistory
	appended int              // separate AppendHistory calls
}

func (a *atomicStore) SaveStateWithHistory(ctx context.Context, source string, st State, entries ...HistoryEntry) error {
	a.mu.Lock()
	a.atomic = append(a.atomic, entries)
	a.mu.Unlock()
	if err := a.FileStateStore.SaveState(ctx, source, st); err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	return a.FileStateStore.AppendHistory(ctx, source, entries...)
}

func (a *atomicStore) AppendHistory(ctx context.Context, source string, entries ...HistoryEntry) error {
	a.mu.Lock()
	a.appended++
	a.mu.Unlock()
	return a.FileStateStore.AppendHistory(ctx, source, entries...)
}

// TestActivationWritesStateAndHistoryTogether checks that an activation's
// history entry is written in the same store call as the state that
// activates it, when the store can do both at once: a reader that sees the
// new active commit always finds its history entry.
func TestActivationWritesStateAndHistoryTogether(t *testing.T) {
	r, _ := newRepo(t)
	fs, err := NewFileStateStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	store := &atomicStore{FileStateStore: fs}
	s, err := New(Options{AllowLocalURLs: true, DataDir: t.TempDir(), Store: store, Validators: map[Kind]Validator{KindPolicies: lineValidator}})
	if err != nil {
		t.Fatal(err)
	}
	src := testSource(r.URL())
	res := mustSync(t, s, src)
	entry, ok := res.Env(DefaultEnvironment)
	if !ok || entry.Outcome != OutcomeActivated {
		t.Fatalf("sync result %+v", res)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if store.appended != 0 {
		t.Errorf("history appended in %d separate calls, want none", store.appended)
	}
	found := false
	for _, entries := range store.atomic {
		for _, e := range entries {
			if e.Commit == entry.Commit && e.Outcome == OutcomeActivated {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("the activation of %s was not written with its state: %+v", entry.Commit, store.atomic)
	}
}
