package gitsync

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestFileStateStore(t *testing.T) {
	ctx := context.Background()
	fs, err := NewFileStateStore(t.TempDir(), 3)
	if err != nil {
		t.Fatal(err)
	}
	st, err := fs.LoadState(ctx, "p")
	if err != nil || st.Environments != nil {
		t.Fatalf("empty state = %+v %v", st, err)
	}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	want := State{LastAttempt: now, Environments: map[string]EnvState{"default": {Commit: "abc", Snapshot: "abc", ActivatedAt: now,
		RejectedErrors: []ValidationError{{File: "a.rules", Line: 2, Message: "x"}}}}}
	if err := fs.SaveState(ctx, "p", want); err != nil {
		t.Fatal(err)
	}
	got, err := fs.LoadState(ctx, "p")
	if err != nil || got.Environments["default"].Commit != "abc" || !got.LastAttempt.Equal(now) ||
		got.Environments["default"].RejectedErrors[0].Line != 2 {
		t.Fatalf("loaded state = %+v %v", got, err)
	}

	for i := range 5 {
		if err := fs.AppendHistory(ctx, "p", HistoryEntry{Source: "p", Commit: fmt.Sprint(i), Outcome: OutcomeActivated}); err != nil {
			t.Fatal(err)
		}
	}
	hist, err := fs.History(ctx, "p", 0)
	if err != nil || len(hist) != 3 || hist[0].Commit != "4" || hist[2].Commit != "2" {
		t.Fatalf("history = %+v %v; want newest 3, newest first", hist, err)
	}
	if hist, _ := fs.History(ctx, "p", 1); len(hist) != 1 || hist[0].Commit != "4" {
		t.Fatalf("limited history = %+v", hist)
	}
	if hist, _ := fs.History(ctx, "other", 0); len(hist) != 0 {
		t.Fatalf("history of unknown source = %+v", hist)
	}
}
