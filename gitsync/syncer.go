package gitsync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Validator checks a snapshot before it may become active and returns every
// problem found (nil when the snapshot is good). snapshotDir is the root of
// the snapshot (the source's sub-directory); File in the returned errors is
// relative to it (absolute paths inside it are made relative). μNet plugs in
// the policy parser/checker for KindPolicies and the template validator for
// KindTemplates.
type Validator func(ctx context.Context, snapshotDir string) []ValidationError

// Options configure a Syncer.
type Options struct {
	// DataDir holds the local repositories (repos/NAME.git), the snapshots
	// (snapshots/NAME/COMMIT) and, with the default store, the state
	// (state/).
	DataDir string
	// Validators by kind. A KindBoth source runs the policies and templates
	// validators. A source whose kind has no validator cannot be activated.
	Validators map[Kind]Validator
	// Store keeps the active pointers and history; nil means a
	// FileStateStore in DataDir/state.
	Store StateStore
	// Secrets resolves the secret references of Source.Auth.
	Secrets SecretResolver
	// Locker, when set, is taken after the in-process lock of a source by
	// every operation that changes it, so that processes sharing the store
	// never change one source at once.
	Locker SourceLocker
	// AllowLocalURLs lets sources fetch from and push to local paths and
	// file:// URLs (see IsLocalURL); without it such sources are refused
	// when they are used.
	AllowLocalURLs bool
	// KeepSnapshots is how many inactive snapshots per source are kept
	// besides the active ones and those held by readers (default 3).
	KeepSnapshots int
	// Now returns the current time (default time.Now); times are stored in
	// UTC.
	Now func() time.Time
}

// Syncer fetches sources, builds and validates snapshots and activates them.
// It is safe for concurrent use. Operations that change a source (Sync, Pin,
// Unpin, Promote) are serialised per source inside one Syncer: a second call
// waits for the first to finish (or, with SyncOptions.NoWait, Sync returns
// ErrBusy at once). Readers (Active) never wait for a sync. Several
// processes must not share one data directory; processes sharing a store
// (each with its own data directory) are serialised per source by
// Options.Locker, and with a SnapshotStore each serves the snapshots the
// others activated.
type Syncer struct {
	dataDir    string
	validators map[Kind]Validator
	store      StateStore
	secrets    SecretResolver
	locker     SourceLocker
	allowLocal bool
	keep       int
	now        func() time.Time

	mu     sync.Mutex
	locks  map[string]chan struct{}
	leases map[string]int
}

// New returns a Syncer working in opts.DataDir (created when missing).
func New(opts Options) (*Syncer, error) {
	if opts.DataDir == "" {
		return nil, errors.New("gitsync: a data directory is required")
	}
	if len(opts.Validators) == 0 {
		return nil, errors.New("gitsync: at least one validator is required: snapshots are validated before activation")
	}
	dir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("gitsync: data directory: %w", err)
	}
	for _, sub := range []string{"repos", "snapshots", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("gitsync: create data directory: %w", err)
		}
	}
	s := &Syncer{
		dataDir:    dir,
		validators: opts.Validators,
		store:      opts.Store,
		secrets:    opts.Secrets,
		locker:     opts.Locker,
		allowLocal: opts.AllowLocalURLs,
		keep:       opts.KeepSnapshots,
		now:        opts.Now,
		locks:      map[string]chan struct{}{},
		leases:     map[string]int{},
	}
	if s.store == nil {
		fs, err := NewFileStateStore(filepath.Join(dir, "state"), 0)
		if err != nil {
			return nil, fmt.Errorf("gitsync: %w", err)
		}
		s.store = fs
	}
	if s.keep <= 0 {
		s.keep = 3
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

func (s *Syncer) tmpDir() string { return filepath.Join(s.dataDir, "tmp") }

func (s *Syncer) clock() time.Time { return s.now().UTC() }

// lock takes the per-source lock (the in-process one, then the Locker's),
// waiting for it unless wait is false.
func (s *Syncer) lock(ctx context.Context, source string, wait bool) (func(), error) {
	s.mu.Lock()
	ch := s.locks[source]
	if ch == nil {
		ch = make(chan struct{}, 1)
		s.locks[source] = ch
	}
	s.mu.Unlock()
	if !wait {
		select {
		case ch <- struct{}{}:
		default:
			return nil, fmt.Errorf("source %s: %w", source, ErrBusy)
		}
	} else {
		select {
		case ch <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if s.locker == nil {
		return func() { <-ch }, nil
	}
	unlock, err := s.locker.LockSource(ctx, source, wait)
	if err != nil {
		<-ch
		return nil, err
	}
	return func() {
		unlock()
		<-ch
	}, nil
}

// validatorsFor returns the validators a source of kind k must pass.
func (s *Syncer) validatorsFor(k Kind) ([]Validator, error) {
	kinds := []Kind{k}
	if k == KindBoth {
		if v, ok := s.validators[KindBoth]; ok {
			return []Validator{v}, nil
		}
		kinds = []Kind{KindPolicies, KindTemplates}
	}
	var out []Validator
	for _, kk := range kinds {
		v, ok := s.validators[kk]
		if !ok || v == nil {
			return nil, fmt.Errorf("no validator configured for %s", kk)
		}
		out = append(out, v)
	}
	return out, nil
}

// History returns up to limit history entries of source, newest first.
func (s *Syncer) History(ctx context.Context, source string, limit int) ([]HistoryEntry, error) {
	return s.store.History(ctx, source, limit)
}

// State returns the persistent state of source (active commits per
// environment, last attempt, last error, ...).
func (s *Syncer) State(ctx context.Context, source string) (State, error) {
	return s.store.LoadState(ctx, source)
}
