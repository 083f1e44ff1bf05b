package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of a Git sync of one source.
const (
	GitActivated = "activated"
	GitUnchanged = "unchanged"
	GitRejected  = "rejected"
	GitError     = "error"
)

var (
	gitSyncs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "unet_git_syncs_total",
		Help: "Git syncs by source and outcome (activated: a new commit became active in an environment; unchanged; rejected: a commit failed validation; error: the sync could not run).",
	}, []string{"source", "outcome"})
	gitActiveCommit = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "unet_git_active_commit_timestamp_seconds",
		Help: "Commit time of the active snapshot of each Git source and environment, in seconds since the epoch.",
	}, []string{"source", "environment"})
	gitLastSync = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "unet_git_last_sync_timestamp_seconds",
		Help: "When each Git source last synced successfully (outcome success) and last failed to (outcome failure), in seconds since the epoch.",
	}, []string{"source", "outcome"})
)

func init() {
	Registry.MustRegister(gitSyncs, gitActiveCommit, gitLastSync)
}

// ObserveGitSync counts one sync of source with outcome (GitActivated,
// GitUnchanged, GitRejected or GitError) finished at: an activated or
// unchanged sync is a success, a rejected or failed one a failure.
func ObserveGitSync(source, outcome string, at time.Time) {
	gitSyncs.WithLabelValues(source, outcome).Inc()
	result := "success"
	if outcome == GitRejected || outcome == GitError {
		result = "failure"
	}
	gitLastSync.WithLabelValues(source, result).Set(float64(at.UnixNano()) / 1e9)
}

// SetGitLastSync sets the times of the last successful and the last failed
// sync of source as stored (a zero time is left out), so that a server
// exports them from its start.
func SetGitLastSync(source string, success, failure time.Time) {
	if !success.IsZero() {
		gitLastSync.WithLabelValues(source, "success").Set(float64(success.UnixNano()) / 1e9)
	}
	if !failure.IsZero() {
		gitLastSync.WithLabelValues(source, "failure").Set(float64(failure.UnixNano()) / 1e9)
	}
}

// SetGitActiveCommits replaces the active commit times of source's
// environments (environment → commit time; environments without an active
// commit are left out).
func SetGitActiveCommits(source string, commits map[string]time.Time) {
	gitActiveCommit.DeletePartialMatch(prometheus.Labels{"source": source})
	for env, t := range commits {
		gitActiveCommit.WithLabelValues(source, env).Set(float64(t.UnixNano()) / 1e9)
	}
}

// ForgetGitSource removes the series of a source that no longer exists.
func ForgetGitSource(source string) {
	gitSyncs.DeletePartialMatch(prometheus.Labels{"source": source})
	gitActiveCommit.DeletePartialMatch(prometheus.Labels{"source": source})
	gitLastSync.DeletePartialMatch(prometheus.Labels{"source": source})
}
