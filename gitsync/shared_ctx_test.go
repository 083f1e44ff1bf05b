package gitsync

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
)

type markerKey struct{}

// memStore is a SnapshotStore in memory that records, for every write and
// lock, whether the context carried the caller's marker (as a fenced
// context carries the leader lease down to the database transaction).
type memStore struct {
	mu       sync.Mutex
	states   map[string]State
	history  map[string][]HistoryEntry
	snaps    map[string]SnapshotContent
	writes   []string
	unmarked []string
}

func newMemStore() *memStore {
	return &memStore{states: map[string]State{}, history: map[string][]HistoryEntry{}, snaps: map[string]SnapshotContent{}}
}

func (m *memStore) note(ctx context.Context, op string) {
	m.writes = append(m.writes, op)
	if ctx.Value(markerKey{}) == nil {
		m.unmarked = append(m.unmarked, op)
	}
}

func (m *memStore) LoadState(_ context.Context, source string) (State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.states[source], nil
}

func (m *memStore) SaveState(ctx context.Context, source string, st State) error {
	return m.SaveStateWithSnapshots(ctx, source, st, nil)
}

func (m *memStore) SaveStateWithHistory(ctx context.Context, source string, st State, entries ...HistoryEntry) error {
	return m.SaveStateWithSnapshots(ctx, source, st, nil, entries...)
}

func (m *memStore) SaveStateWithSnapshots(ctx context.Context, source string, st State, snaps []SnapshotContent, entries ...HistoryEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note(ctx, "save")
	m.states[source] = st
	m.history[source] = append(m.history[source], entries...)
	for _, sn := range snaps {
		m.snaps[source+"/"+sn.Name] = sn
	}
	return nil
}

func (m *memStore) AppendHistory(ctx context.Context, source string, entries ...HistoryEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note(ctx, "history")
	m.history[source] = append(m.history[source], entries...)
	return nil
}

func (m *memStore) History(_ context.Context, source string, _ int) ([]HistoryEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.history[source]), nil
}

func (m *memStore) HasSnapshot(_ context.Context, source, name string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.snaps[source+"/"+name]
	return ok, nil
}

func (m *memStore) LoadSnapshot(_ context.Context, source, name string) (SnapshotContent, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	sn, ok := m.snaps[source+"/"+name]
	if !ok {
		return sn, fmt.Errorf("snapshot %s: %w", name, ErrNotFound)
	}
	return sn, nil
}

func (m *memStore) PruneSnapshots(ctx context.Context, source string, keep []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note(ctx, "prune")
	for k, sn := range m.snaps {
		if k == source+"/"+sn.Name && !slices.Contains(keep, sn.Name) {
			delete(m.snaps, k)
		}
	}
	return nil
}

// LockSource implements SourceLocker, recording the context too.
func (m *memStore) LockSource(ctx context.Context, source string, wait bool) (func(), error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.note(ctx, "lock")
	return func() {}, nil
}

// TestSyncerWritesCarryTheContext: every write a sync, pin or unpin makes
// to the store, and the cross-process lock, receive the caller's context
// (so a leader's fencing token reaches each transaction), and a second
// Syncer over the same store serves the activated snapshot from the store
// once the remote is gone.
func TestSyncerWritesCarryTheContext(t *testing.T) {
	repo, first := newRepo(t)
	store := newMemStore()
	newS := func() *Syncer {
		s, err := New(Options{AllowLocalURLs: true, DataDir: t.TempDir(), Store: store, Locker: store,
			Validators: map[Kind]Validator{KindPolicies: lineValidator}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := newS()
	src := testSource(repo.URL())
	ctx := context.WithValue(context.Background(), markerKey{}, true)
	if _, err := s.Sync(ctx, src, SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	second := repo.Commit("main", "second", map[string]string{"more.rules": "# more\n"})
	if _, err := s.Sync(ctx, src, SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pin(ctx, src, "", first); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unpin(ctx, src, ""); err != nil {
		t.Fatal(err)
	}
	store.mu.Lock()
	writes, unmarked := slices.Clone(store.writes), slices.Clone(store.unmarked)
	store.mu.Unlock()
	for _, op := range []string{"lock", "save", "prune"} {
		if !slices.Contains(writes, op) {
			t.Fatalf("no %s among the writes %v", op, writes)
		}
	}
	if len(unmarked) > 0 {
		t.Fatalf("writes without the caller's context: %v (of %v)", unmarked, writes)
	}

	if err := os.RemoveAll(repo.Root); err != nil {
		t.Fatal(err)
	}
	other := newS()
	snap, err := other.Active(context.Background(), src, "")
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Release()
	if snap.Commit != second || readFile(t, snap.Dir, "more.rules") != "# more\n" || readFile(t, snap.Dir, "core.rules") == "" {
		t.Fatalf("restored snapshot %+v", snap)
	}
}

// TestConcurrentRestores: readers asking at once for a snapshot the data
// directory lacks all get it, and no temporary directory is left behind.
func TestConcurrentRestores(t *testing.T) {
	repo, first := newRepo(t)
	store := newMemStore()
	newS := func() *Syncer {
		s, err := New(Options{AllowLocalURLs: true, DataDir: t.TempDir(), Store: store,
			Validators: map[Kind]Validator{KindPolicies: lineValidator}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	src := testSource(repo.URL())
	if _, err := newS().Sync(context.Background(), src, SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	other := newS()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snap, err := other.Active(context.Background(), src, "")
			if err == nil {
				defer snap.Release()
				if snap.Commit != first || readFileErr(snap.Dir, "core.rules") == "" {
					err = fmt.Errorf("restored %+v", snap)
				}
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(other.snapshotRoot(src.Name))
	if err != nil || len(entries) != 1 || entries[0].Name() != first {
		t.Fatalf("snapshot directory after the restores: %v %v", entries, err)
	}
}

func readFileErr(dir, name string) string {
	b, err := os.ReadFile(dir + "/" + name)
	if err != nil {
		return ""
	}
	return string(b)
}
