package gitsync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

// TestSyncFailureReportsUnsavedHistory checks that a failed fetch whose
// history entry cannot be recorded says so, instead of dropping the store
// error and leaving the history silently incomplete.
func TestSyncFailureReportsUnsavedHistory(t *testing.T) {
	port, err := testutil.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	store, err := NewFileStateStore(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{AllowLocalURLs: true, DataDir: t.TempDir(), Store: store, Validators: map[Kind]Validator{KindPolicies: lineValidator}})
	if err != nil {
		t.Fatal(err)
	}
	src := testSource("http://127.0.0.1:" + strconv.Itoa(port) + "/intent.git")
	// A directory where the history file belongs: it cannot be read or
	// appended to, even by root.
	if err := os.Mkdir(filepath.Join(dir, src.Name+".history.jsonl"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = s.Sync(context.Background(), src, SyncOptions{Trigger: TriggerSchedule})
	var re *RemoteError
	if !errors.As(err, &re) || re.Op != "fetch" {
		t.Fatalf("error %v is not a fetch RemoteError", err)
	}
	if !IsRetryable(err) {
		t.Fatalf("error %v is no longer retryable", err)
	}
	if !strings.Contains(err.Error(), "record history of source policies") {
		t.Errorf("error %q does not say the history was not recorded", err)
	}
	// The state was still saved.
	st, err := s.State(context.Background(), src.Name)
	if err != nil || st.LastError == "" {
		t.Fatalf("state after failure = %+v, %v", st, err)
	}
}

// TestRejectedPinReportsUnsavedHistory checks that a pin refused by
// validation stays a RejectedError, and says that its history entry could
// not be recorded, instead of dropping the store error.
func TestRejectedPinReportsUnsavedHistory(t *testing.T) {
	r, _ := newRepo(t)
	dir := t.TempDir()
	store, err := NewFileStateStore(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{AllowLocalURLs: true, DataDir: t.TempDir(), Store: store, Validators: map[Kind]Validator{KindPolicies: lineValidator}})
	if err != nil {
		t.Fatal(err)
	}
	src := testSource(r.URL())
	mustSync(t, s, src)
	bad := r.Commit("main", "bad", map[string]string{"core.rules": "INVALID\n"})
	// The history file becomes a directory: it can no longer be appended to.
	history := filepath.Join(dir, src.Name+".history.jsonl")
	if err := os.Remove(history); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(history, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = s.Pin(context.Background(), src, "", bad)
	var rej *RejectedError
	if !errors.As(err, &rej) || !errors.Is(err, ErrRejected) || len(rej.Errors) == 0 || rej.Errors[0].File != "core.rules" {
		t.Fatalf("pin of invalid commit: err = %v, want a RejectedError", err)
	}
	if !strings.Contains(err.Error(), "record history of source policies") {
		t.Errorf("error %q does not say the history was not recorded", err)
	}
}
