package gitsync

import (
	"context"
	"errors"
	"testing"
)

func TestPinAndUnpin(t *testing.T) {
	r, first := newRepo(t)
	s := newSyncer(t, nil)
	src := testSource(r.URL())
	second := r.Commit("main", "second", map[string]string{"core.rules": "# v2\n"})
	mustSync(t, s, src)
	ctx := context.Background()

	// Roll back to the first commit (abbreviated id) and stop following.
	e, err := s.Pin(ctx, src, "", first[:8])
	if err != nil {
		t.Fatalf("pin: %v", err)
	}
	if e.Outcome != OutcomeActivated || e.Commit != first || e.Previous != second || e.Trigger != TriggerPin {
		t.Fatalf("pin entry: %+v", e)
	}
	snap := active(t, s, src, "")
	if snap.Commit != first || !snap.Pinned {
		t.Fatalf("active after pin: %+v", snap)
	}

	third := r.Commit("main", "third", map[string]string{"core.rules": "# v3\n"})
	e = envResult(t, mustSync(t, s, src), DefaultEnvironment)
	if e.Outcome != OutcomePinned || e.Commit != first {
		t.Fatalf("sync while pinned: %+v", e)
	}
	st, _ := s.State(ctx, src.Name)
	if es := st.Environments[DefaultEnvironment]; es.Tip != third || es.Commit != first {
		t.Fatalf("state while pinned: %+v", es)
	}

	// A commit that fails validation cannot be pinned.
	bad := r.Commit("main", "bad", map[string]string{"core.rules": "INVALID\n"})
	_, err = s.Pin(ctx, src, "", bad)
	var rej *RejectedError
	if !errors.As(err, &rej) || !errors.Is(err, ErrRejected) || rej.Errors[0].File != "core.rules" || rej.Errors[0].Line != 1 {
		t.Fatalf("pin of invalid commit: err = %v", err)
	}
	if got := active(t, s, src, "").Commit; got != first {
		t.Fatalf("active after rejected pin = %s, want %s", got, first)
	}
	if _, err := s.Pin(ctx, src, "", "0123456789abcdef0123456789abcdef01234567"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pin of unknown commit: err = %v, want ErrNotFound", err)
	}

	// Unpin follows the branch again: the tip is invalid, so the last good
	// commit the branch had is not magically chosen; the pinned one stays.
	res, err := s.Unpin(ctx, src, "")
	if err != nil {
		t.Fatalf("unpin: %v", err)
	}
	if e := envResult(t, res, DefaultEnvironment); e.Outcome != OutcomeRejected || e.Trigger != TriggerUnpin {
		t.Fatalf("unpin result: %+v", e)
	}
	fixed := r.Commit("main", "fixed", map[string]string{"core.rules": "# v4\n"})
	mustSync(t, s, src)
	if snap := active(t, s, src, ""); snap.Commit != fixed || snap.Pinned {
		t.Fatalf("active after unpin and fix: %+v", snap)
	}
}
