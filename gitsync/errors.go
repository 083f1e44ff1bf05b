package gitsync

import (
	"errors"
	"fmt"
	"strings"
)

// ValidationError is one problem a Validator found in a snapshot. File is
// relative to the snapshot root (the source's sub-directory) and
// slash-separated; Line and Column are 1-based, 0 when unknown.
type ValidationError struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// Error formats the problem as "file:line:col: message", leaving out the
// parts that are unknown.
func (e ValidationError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
			if e.Column > 0 {
				fmt.Fprintf(&b, ":%d", e.Column)
			}
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors returned by the Syncer; test with errors.Is.
var (
	// ErrBusy is returned by Sync with SyncOptions.NoWait when another sync
	// of the same source is running.
	ErrBusy = errors.New("a sync of this source is already running")
	// ErrSnapshotMissing means the active snapshot is neither in the data
	// directory nor in the SnapshotStore (activated by a process that did
	// not store snapshots); the next sync of the source stores it.
	ErrSnapshotMissing = errors.New("active snapshot not available here")
	// ErrNoActive means an environment has no active snapshot yet.
	ErrNoActive = errors.New("no active snapshot")
	// ErrConflict means a promotion stopped because both sides changed the
	// same files; the PromoteResult lists them.
	ErrConflict = errors.New("both branches changed the same files")
	// ErrRejected means the commit failed validation and was not activated
	// (Pin and Promote return it; Sync reports rejection in its Result).
	ErrRejected = errors.New("commit failed validation")
	// ErrNotFound means a commit or branch does not exist in the repository.
	ErrNotFound = errors.New("not found")
	// ErrNoBranch means an operation that writes (export) was asked to
	// commit to an environment that follows a tag or a fixed commit.
	ErrNoBranch = errors.New("follows no branch")
	// ErrLocalURL means a source names a local path or a file:// URL and
	// the Syncer was not allowed to use one (Options.AllowLocalURLs).
	ErrLocalURL = errors.New(LocalURLMessage)
	// ErrSourceMoved is returned by Promote when the environment promoted
	// from no longer has the commit PromoteOptions.Commit names.
	ErrSourceMoved = errors.New("the environment promoted from has moved")
)

// RemoteError is a failure to talk to a source's remote (fetch or push).
// Retryable says whether trying again later may succeed (network failures,
// timeouts, server errors) or not (bad credentials, missing repository,
// invalid configuration).
type RemoteError struct {
	Source    string
	Op        string // "fetch", "push" or "list"
	Retryable bool
	Err       error
}

// Error says which operation on which source failed and why.
func (e *RemoteError) Error() string {
	kind := "permanent"
	if e.Retryable {
		kind = "retryable"
	}
	return fmt.Sprintf("%s source %s (%s): %v", e.Op, e.Source, kind, e.Err)
}

// Unwrap returns the underlying error.
func (e *RemoteError) Unwrap() error { return e.Err }

// IsRetryable reports whether err (or an error it wraps) is a RemoteError
// worth retrying with backoff.
func IsRetryable(err error) bool {
	var re *RemoteError
	return errors.As(err, &re) && re.Retryable
}
