package gitsync

import (
	"context"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestConcurrentSyncsOfOneSourceDoNotInterleave(t *testing.T) {
	r, _ := newRepo(t)
	var running, maxRunning, calls atomic.Int32
	entered := make(chan struct{}, 4)
	gate := make(chan struct{})
	slow := func(ctx context.Context, dir string) []ValidationError {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		calls.Add(1)
		entered <- struct{}{}
		<-gate
		return lineValidator(ctx, dir)
	}
	s := newSyncer(t, slow)
	src := testSource(r.URL())

	var wg sync.WaitGroup
	results := make([]Result, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.Sync(context.Background(), src, SyncOptions{})
		}()
	}
	<-entered // one sync is validating and holds the source
	if _, err := s.Sync(context.Background(), src, SyncOptions{NoWait: true}); !errors.Is(err, ErrBusy) {
		t.Fatalf("NoWait sync during a running sync: err = %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	if _, err := s.Sync(ctx, src, SyncOptions{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting sync with expiring context: err = %v", err)
	}
	cancel()
	close(gate)
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Fatalf("sync %d: %v", i, err)
		}
	}
	if maxRunning.Load() != 1 || calls.Load() != 1 {
		t.Fatalf("validators ran %d times, at most %d at once; want one run (the second sync waits and finds the commit active)", calls.Load(), maxRunning.Load())
	}
	outcomes := map[Outcome]int{}
	for _, res := range results {
		outcomes[envResult(t, res, DefaultEnvironment).Outcome]++
	}
	if outcomes[OutcomeActivated] != 1 || outcomes[OutcomeUnchanged] != 1 {
		t.Fatalf("outcomes = %v, want one activated and one unchanged", outcomes)
	}
}

func TestReaderKeepsSnapshotDuringActivation(t *testing.T) {
	r, first := newRepo(t)
	s, err := New(Options{
		AllowLocalURLs: true,
		DataDir:        t.TempDir(),
		Validators:     map[Kind]Validator{KindPolicies: lineValidator},
		KeepSnapshots:  1,
	})
	if err != nil {
		t.Fatal(err)
	}
	src := testSource(r.URL())
	mustSync(t, s, src)

	held, err := s.Active(context.Background(), src, "")
	if err != nil {
		t.Fatal(err)
	}
	before := readFile(t, held.Dir, "core.rules")

	// Several activations while the reader holds the first snapshot: with
	// KeepSnapshots 1 the first would be pruned if it were not held.
	var last string
	for i, content := range []string{"# v2\n", "# v3\n", "# v4\n"} {
		last = r.Commit("main", "change", map[string]string{"core.rules": content})
		if e := envResult(t, mustSync(t, s, src), DefaultEnvironment); e.Outcome != OutcomeActivated {
			t.Fatalf("activation %d: %+v", i, e)
		}
		if got := readFile(t, held.Dir, "core.rules"); got != before || held.Commit != first {
			t.Fatalf("held snapshot changed under the reader: %q", got)
		}
	}
	if now := active(t, s, src, ""); now.Commit != last || readFile(t, now.Dir, "core.rules") != "# v4\n" {
		t.Fatalf("new readers see %s, want %s", now.Commit, last)
	}

	held.Release()
	held.Release() // harmless twice
	r.Commit("main", "one more", map[string]string{"core.rules": "# v5\n"})
	mustSync(t, s, src)
	if _, err := os.Stat(held.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("released old snapshot not pruned: %v", err)
	}
	entries, _ := os.ReadDir(s.snapshotRoot(src.Name))
	if len(entries) != 2 { // the active one and KeepSnapshots=1 older one
		t.Fatalf("snapshots kept: %d, want 2", len(entries))
	}
}

func TestActiveWithoutSync(t *testing.T) {
	s := newSyncer(t, nil)
	_, err := s.Active(context.Background(), testSource("file:///nowhere"), "")
	if !errors.Is(err, ErrNoActive) {
		t.Fatalf("err = %v, want ErrNoActive", err)
	}
}
