package gitsync

import (
	"context"
	"time"
)

// Trigger says what started a sync.
type Trigger string

// The triggers the Syncer records; callers may use their own values too.
const (
	TriggerManual   Trigger = "manual"
	TriggerSchedule Trigger = "schedule"
	TriggerWebhook  Trigger = "webhook"
	TriggerPin      Trigger = "pin"
	TriggerUnpin    Trigger = "unpin"
	TriggerPromote  Trigger = "promote"
)

// Outcome is what a sync did for one environment.
type Outcome string

// The outcomes of a sync.
const (
	// OutcomeActivated: a new commit passed validation and is now active.
	OutcomeActivated Outcome = "activated"
	// OutcomeUnchanged: the followed commit is the active one (or was
	// already rejected); nothing was done.
	OutcomeUnchanged Outcome = "unchanged"
	// OutcomeRejected: the new commit failed validation; the previous
	// snapshot stays active.
	OutcomeRejected Outcome = "rejected"
	// OutcomePinned: the environment is pinned; the branch is not followed.
	OutcomePinned Outcome = "pinned"
	// OutcomeFailed: the sync could not run (remote unreachable, branch
	// missing, I/O error); the previous snapshot stays active.
	OutcomeFailed Outcome = "failed"
)

// ChangeType classifies a FileChange.
type ChangeType string

// The kinds of file change.
const (
	FileAdded    ChangeType = "added"
	FileModified ChangeType = "modified"
	FileRemoved  ChangeType = "removed"
)

// FileChange is a file that differs between the previously active commit
// and the newly activated one. Hashes are Git blob ids (SHA-1 of the
// content), so equal hashes mean equal content.
type FileChange struct {
	Path    string     `json:"path"`
	Change  ChangeType `json:"change"`
	Hash    string     `json:"hash,omitempty"`
	OldHash string     `json:"old_hash,omitempty"`
}

// HistoryEntry records what one sync, pin, unpin or promotion did to one
// environment of a source. Sync results are made of them and the StateStore
// keeps them as the source's history (unchanged outcomes are not kept).
type HistoryEntry struct {
	Source      string  `json:"source"`
	Environment string  `json:"environment,omitempty"`
	Trigger     Trigger `json:"trigger"`
	Outcome     Outcome `json:"outcome"`
	// Commit is the commit considered: the new tip, the pinned commit, or
	// the active commit when unchanged.
	Commit     string    `json:"commit,omitempty"`
	Message    string    `json:"message,omitempty"`
	Author     string    `json:"author,omitempty"`
	CommitTime time.Time `json:"commit_time,omitzero"`
	// Previous is the commit that was active before.
	Previous string    `json:"previous,omitempty"`
	SyncedAt time.Time `json:"synced_at"`
	// Forced is true when the previous active commit is not an ancestor of
	// the new one: the upstream history was rewritten (force-push).
	Forced bool `json:"forced,omitempty"`
	// Error describes why the outcome is rejected or failed; Errors holds
	// the validation problems with file and line.
	Error  string            `json:"error,omitempty"`
	Errors []ValidationError `json:"errors,omitempty"`
	// Files lists the changes between Previous and Commit (activations).
	Files []FileChange `json:"files,omitempty"`
}

// EnvState is the persistent state of one environment of a source.
type EnvState struct {
	// The active snapshot: commit, its directory name under the source's
	// snapshot directory, and commit metadata.
	Commit      string    `json:"commit,omitempty"`
	Snapshot    string    `json:"snapshot,omitempty"`
	Message     string    `json:"message,omitempty"`
	Author      string    `json:"author,omitempty"`
	CommitTime  time.Time `json:"commit_time,omitzero"`
	ActivatedAt time.Time `json:"activated_at,omitzero"`
	// Pinned means the environment stays on Commit and does not follow its
	// branch until unpinned.
	Pinned bool `json:"pinned,omitempty"`
	// Tip is the upstream commit seen by the last sync.
	Tip string `json:"tip,omitempty"`
	// Rejected is the last commit that failed validation, with its problems;
	// it is not validated again until it changes (or a forced sync).
	Rejected       string            `json:"rejected,omitempty"`
	RejectedErrors []ValidationError `json:"rejected_errors,omitempty"`
	LastAttempt    time.Time         `json:"last_attempt,omitzero"`
	LastSuccess    time.Time         `json:"last_success,omitzero"`
	LastError      string            `json:"last_error,omitempty"`
	// Files are the changes of the last activation.
	Files []FileChange `json:"files,omitempty"`
}

// State is the persistent state of a source: one EnvState per environment,
// plus the outcome of the last fetch.
type State struct {
	Environments map[string]EnvState `json:"environments,omitempty"`
	LastAttempt  time.Time           `json:"last_attempt,omitzero"`
	LastSuccess  time.Time           `json:"last_success,omitzero"`
	LastError    string              `json:"last_error,omitempty"`
}

// StateStore persists the active pointers and the history of sources. μNet
// implements it on its database; FileStateStore keeps JSON files. SaveState
// must replace the whole state atomically: readers see either the old or
// the new active pointers, never a mix. Calls for one source never overlap
// (the Syncer serialises them) except LoadState from readers.
type StateStore interface {
	// LoadState returns the state of source, the zero State when none.
	LoadState(ctx context.Context, source string) (State, error)
	// SaveState replaces the state of source atomically.
	SaveState(ctx context.Context, source string, st State) error
	// AppendHistory adds entries (oldest first) to the history of source.
	AppendHistory(ctx context.Context, source string, entries ...HistoryEntry) error
	// History returns up to limit entries of source, newest first; limit
	// <= 0 means all.
	History(ctx context.Context, source string, limit int) ([]HistoryEntry, error)
}

// HistoryStateStore is a StateStore that can replace the state and append
// history entries in one atomic step, so that no reader sees an activation
// without its history entry. The Syncer uses it when the store offers it.
type HistoryStateStore interface {
	StateStore
	// SaveStateWithHistory replaces the state of source and appends
	// entries (oldest first) atomically.
	SaveStateWithHistory(ctx context.Context, source string, st State, entries ...HistoryEntry) error
}

// saveWithHistory saves st and appends entries, atomically when the store
// can.
func saveWithHistory(ctx context.Context, store StateStore, source string, st State, entries ...HistoryEntry) error {
	if hs, ok := store.(HistoryStateStore); ok {
		return hs.SaveStateWithHistory(ctx, source, st, entries...)
	}
	if err := store.SaveState(ctx, source, st); err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	return store.AppendHistory(ctx, source, entries...)
}
