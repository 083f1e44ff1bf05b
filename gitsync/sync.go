package gitsync

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// SyncOptions tune one Sync.
type SyncOptions struct {
	// Trigger is recorded in the result and history (default manual).
	Trigger Trigger
	// NoWait makes Sync return ErrBusy instead of waiting when another sync
	// of the source is running.
	NoWait bool
	// Force validates the followed commit again even when it is already
	// active or was already rejected (for example after the validators
	// changed).
	Force bool
	// Environments limits the sync to these environments (default: all).
	Environments []string
}

// Result is what one Sync did: one entry per environment (or a single
// failed entry when the remote could not be fetched).
type Result struct {
	Source       string         `json:"source"`
	Trigger      Trigger        `json:"trigger"`
	Started      time.Time      `json:"started"`
	Finished     time.Time      `json:"finished"`
	Environments []HistoryEntry `json:"environments"`
}

// Env returns the entry of environment name.
func (r Result) Env(name string) (HistoryEntry, bool) {
	for _, e := range r.Environments {
		if e.Environment == name {
			return e, true
		}
	}
	return HistoryEntry{}, false
}

// Sync fetches src and, for each environment, activates the followed commit
// if it is new and passes validation. A commit that fails validation is
// reported in the Result (OutcomeRejected, with file:line) and the previous
// snapshot stays active; that is not an error of Sync. Sync returns an error
// when it could not run: a *RemoteError (see IsRetryable) when the remote
// is unreachable, ErrBusy with NoWait, or a local failure.
func (s *Syncer) Sync(ctx context.Context, src Source, opts SyncOptions) (Result, error) {
	ctx, span := startSync(ctx, src.Name, opts.Trigger)
	res, err := s.sync(ctx, src, opts)
	endSync(span, res, err)
	return res, err
}

func (s *Syncer) sync(ctx context.Context, src Source, opts SyncOptions) (Result, error) {
	if err := src.Validate(); err != nil {
		return Result{}, err
	}
	if opts.Trigger == "" {
		opts.Trigger = TriggerManual
	}
	unlock, err := s.lock(ctx, src.Name, !opts.NoWait)
	if err != nil {
		return Result{Source: src.Name, Trigger: opts.Trigger}, err
	}
	defer unlock()
	return s.syncLocked(ctx, src, opts)
}

func (s *Syncer) syncLocked(ctx context.Context, src Source, opts SyncOptions) (Result, error) {
	now := s.clock()
	res := Result{Source: src.Name, Trigger: opts.Trigger, Started: now}
	st, err := s.store.LoadState(ctx, src.Name)
	if err != nil {
		return res, err
	}
	if st.Environments == nil {
		st.Environments = map[string]EnvState{}
	}
	m, err := s.openMirror(src)
	if err != nil {
		return res, err
	}
	st.LastAttempt = now
	if err := s.fetch(ctx, m); err != nil {
		repeated := st.LastError == err.Error()
		st.LastError = err.Error()
		entry := HistoryEntry{Source: src.Name, Trigger: opts.Trigger, Outcome: OutcomeFailed, SyncedAt: now, Error: err.Error()}
		res.Environments = []HistoryEntry{entry}
		res.Finished = s.clock()
		// Record the failure for status (a failure repeating the previous
		// one is not added to the history again); the fetch error comes
		// first, a failure to record it is joined after it.
		errs := []error{err}
		if serr := s.store.SaveState(ctx, src.Name, st); serr != nil {
			errs = append(errs, fmt.Errorf("record state of source %s: %w", src.Name, serr))
		}
		if !repeated {
			if herr := s.store.AppendHistory(ctx, src.Name, entry); herr != nil {
				errs = append(errs, fmt.Errorf("record history of source %s: %w", src.Name, herr))
			}
		}
		if len(errs) > 1 {
			return res, errors.Join(errs...)
		}
		return res, err
	}
	st.LastError = ""
	// The sync succeeds when every environment it covered is current; a
	// rejected or failed environment leaves the last success where it was.
	succeeded := true
	var firstErr error
	for _, env := range src.EnvironmentList() {
		if len(opts.Environments) > 0 && !slices.Contains(opts.Environments, env.Name) {
			continue
		}
		es := st.Environments[env.Name]
		prevErr := es.LastError
		entry, err := s.syncEnv(ctx, m, src, env, &es, opts)
		st.Environments[env.Name] = es
		res.Environments = append(res.Environments, entry)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if entry.Outcome == OutcomeRejected || entry.Outcome == OutcomeFailed || len(entry.Errors) > 0 {
			succeeded = false
		}
		// Persist after each environment: this is the atomic activation,
		// with its history entry when the store can write both at once.
		var hist []HistoryEntry
		if keepInHistory(entry, prevErr) {
			hist = append(hist, entry)
		}
		if err := s.save(ctx, src.Name, st, hist...); err != nil {
			return res, fmt.Errorf("activate %s/%s: %w", src.Name, env.Name, err)
		}
	}
	if succeeded {
		st.LastSuccess = now
		if err := s.store.SaveState(ctx, src.Name, st); err != nil {
			return res, fmt.Errorf("record sync of %s: %w", src.Name, err)
		}
	}
	s.prune(ctx, src.Name, st)
	res.Finished = s.clock()
	return res, firstErr
}

// syncEnv brings one environment to the commit it follows, updating es.
func (s *Syncer) syncEnv(ctx context.Context, m *mirror, src Source, env Environment, es *EnvState, opts SyncOptions) (HistoryEntry, error) {
	now := s.clock()
	es.LastAttempt = now
	entry := HistoryEntry{Source: src.Name, Environment: env.Name, Trigger: opts.Trigger, SyncedAt: now, Previous: es.Commit}
	tip, err := m.tip(env)
	if es.Pinned {
		if err == nil {
			es.Tip = tip.Hash.String()
		}
		entry.Outcome = OutcomePinned
		entry.Commit, entry.Message, entry.Author, entry.CommitTime = es.Commit, es.Message, es.Author, es.CommitTime
		return entry, nil
	}
	if err != nil {
		entry.Outcome, entry.Error = OutcomeFailed, err.Error()
		es.LastError = entry.Error
		return entry, nil
	}
	es.Tip = tip.Hash.String()
	switch {
	case !opts.Force && es.Tip == es.Commit:
		entry.Outcome = OutcomeUnchanged
		entry.Commit, entry.Message, entry.Author, entry.CommitTime = es.Commit, es.Message, es.Author, es.CommitTime
		es.LastSuccess, es.LastError = now, ""
		return entry, nil
	case !opts.Force && es.Tip == es.Rejected:
		fillCommit(&entry, tip)
		entry.Outcome = OutcomeUnchanged
		entry.Errors = es.RejectedErrors
		entry.Error = summarize(es.RejectedErrors)
		return entry, nil
	}
	problems, err := s.activate(ctx, m, src, tip, es, &entry)
	if err != nil {
		entry.Outcome, entry.Error = OutcomeFailed, err.Error()
		es.LastError = entry.Error
		return entry, err
	}
	if len(problems) > 0 {
		es.Rejected, es.RejectedErrors, es.LastError = tip.Hash.String(), problems, entry.Error
		return entry, nil
	}
	return entry, nil
}

// activate builds the snapshot of commit c, validates it and, when it
// passes, makes it the active snapshot of es. On validation failure it
// returns the problems, leaves es unchanged and sets entry to rejected.
func (s *Syncer) activate(ctx context.Context, m *mirror, src Source, c *object.Commit, es *EnvState, entry *HistoryEntry) ([]ValidationError, error) {
	fillCommit(entry, c)
	entry.Previous = es.Commit
	if es.Commit != "" && es.Commit != c.Hash.String() && !m.isAncestor(es.Commit, c) {
		entry.Forced = true
	}
	snap, problems, err := s.buildValidated(ctx, m, src, c)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		entry.Outcome, entry.Errors, entry.Error = OutcomeRejected, problems, summarize(problems)
		return problems, nil
	}
	files, err := s.changes(m, src, es.Commit, snap.files)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	entry.Outcome, entry.Files = OutcomeActivated, files
	es.Commit, es.Snapshot = c.Hash.String(), snap.name
	es.Message, es.Author, es.CommitTime = entry.Message, entry.Author, entry.CommitTime
	es.ActivatedAt, es.LastSuccess, es.LastError = now, now, ""
	es.Rejected, es.RejectedErrors = "", nil
	es.Files = files
	return nil, nil
}

// changes lists the file changes from the previously active commit to the
// new snapshot's files.
func (s *Syncer) changes(m *mirror, src Source, previous string, files map[string]treeFile) ([]FileChange, error) {
	old := map[string]treeFile{}
	if previous != "" {
		if pc, err := m.repo.CommitObject(plumbing.NewHash(previous)); err == nil {
			subdir, err := cleanSubdir(src.Path)
			if err != nil {
				return nil, err
			}
			tree, missing, err := subtree(pc, subdir)
			if err != nil {
				return nil, err
			}
			if missing == nil {
				if old, err = listTree(tree); err != nil {
					return nil, err
				}
			}
		}
	}
	return diffFiles(old, files), nil
}

// keepInHistory says whether entry goes into the history: activations and
// rejections do; unchanged and pinned outcomes do not, nor a failure that
// repeats the previous error of the environment.
func keepInHistory(entry HistoryEntry, prevErr string) bool {
	switch entry.Outcome {
	case OutcomeUnchanged, OutcomePinned:
		return false
	case OutcomeFailed:
		return entry.Error != prevErr
	}
	return true
}

func fillCommit(entry *HistoryEntry, c *object.Commit) {
	info := describe(c)
	entry.Commit, entry.Message, entry.Author, entry.CommitTime = info.Hash, info.Message, info.Author, info.Time
}

// relativize makes absolute file names inside dir relative to it.
func relativize(dir string, errs []ValidationError) []ValidationError {
	for i, e := range errs {
		if filepath.IsAbs(e.File) {
			if rel, err := filepath.Rel(dir, e.File); err == nil && filepath.IsLocal(rel) {
				errs[i].File = filepath.ToSlash(rel)
			}
		}
	}
	return errs
}

// summarize renders validation problems as one line: the first problem and
// how many more there are.
func summarize(problems []ValidationError) string {
	switch len(problems) {
	case 0:
		return ""
	case 1:
		return problems[0].Error()
	}
	return fmt.Sprintf("%s (and %d more)", problems[0].Error(), len(problems)-1)
}

// RejectedError is returned by Pin and Promote when the commit to activate
// fails validation.
type RejectedError struct {
	Commit string
	Errors []ValidationError
}

// Error lists the validation problems.
func (e *RejectedError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, p := range e.Errors {
		msgs[i] = p.Error()
	}
	return fmt.Sprintf("commit %s failed validation: %s", short(e.Commit), strings.Join(msgs, "; "))
}

// Is makes errors.Is(err, ErrRejected) true.
func (e *RejectedError) Is(target error) bool { return target == ErrRejected }

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
