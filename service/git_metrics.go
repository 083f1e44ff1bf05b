package service

import (
	"context"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/metrics"
)

// observeGitSync counts one sync of source: rejected when an environment's
// commit failed validation, else error when the sync failed, else activated
// when an environment activated a commit, else unchanged.
func observeGitSync(source string, r unet.GitSyncResult, err error) {
	outcome := metrics.GitUnchanged
	for _, e := range r.Environments {
		switch {
		case e.Outcome == unet.GitRejected || len(e.Errors) > 0:
			outcome = metrics.GitRejected
		case e.Outcome == unet.GitActivated && outcome == metrics.GitUnchanged:
			outcome = metrics.GitActivated
		}
	}
	if err != nil && outcome != metrics.GitRejected {
		outcome = metrics.GitError
	}
	metrics.ObserveGitSync(source, outcome, time.Now())
}

// setGitCommitMetrics exports the commit times of the active snapshots of
// a source's environments, as saved.
func setGitCommitMetrics(source string, st gitsync.State) {
	commits := make(map[string]time.Time, len(st.Environments))
	for env, es := range st.Environments {
		if es.Commit != "" && !es.CommitTime.IsZero() {
			commits[env] = es.CommitTime
		}
	}
	metrics.SetGitActiveCommits(source, commits)
}

// RefreshGitMetrics exports the active commit times of every Git source and
// the times of its last successful and failed sync as stored (a server
// exports them from its start, before the first sync).
func (s *Service) RefreshGitMetrics(ctx context.Context) error {
	srcs, err := s.db.Reader().ListGitSources(ctx)
	if err != nil {
		return err
	}
	for i := range srcs {
		st, err := loadGitState(ctx, s.db.Reader(), srcs[i].Name)
		if err != nil {
			return err
		}
		setGitCommitMetrics(srcs[i].Name, st)
		var failure time.Time
		if st.LastError != "" {
			failure = st.LastAttempt
		}
		metrics.SetGitLastSync(srcs[i].Name, st.LastSuccess, failure)
	}
	return nil
}
