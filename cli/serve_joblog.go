package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/unet-dev/unet"
)

// Logging of the background jobs: every cycle that does work gets a run id,
// logged with its start (debug) and its end. The end is logged at info when
// the cycle changed something (results whose status changed, a commit
// activated), at warn or error when it failed, and at debug when it was idle
// (nothing changed), so that a server at info level logs what happened and
// not that nothing did.

// newRunID returns a short random id for one cycle of a background job.
func newRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// outcomeLevel is the level of a cycle's end line: info when it changed
// something, debug when it was idle.
func outcomeLevel(changed bool) slog.Level {
	if changed {
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// logSynced logs the end of a scheduled sync: one line per commit activated
// (info) or refused (warn), and one for the sync, at info when it activated
// or refused a commit, at debug when nothing changed.
func (g *gitSchedule) logSynced(ctx context.Context, name, runID string, res []unet.GitSyncResult, took time.Duration) {
	activated, rejected, unchanged := 0, 0, 0
	for _, r := range res {
		for _, e := range r.Environments {
			switch e.Outcome {
			case unet.GitActivated:
				activated++
				g.log.Info("Git schedule: commit activated", slog.String("source", name), slog.String("run", runID),
					slog.String("environment", e.Environment), slog.String("commit", e.Commit))
			case unet.GitRejected, unet.GitFailed:
				rejected++
				g.log.Warn("Git schedule: commit not activated", slog.String("source", name), slog.String("run", runID),
					slog.String("environment", e.Environment), slog.String("outcome", e.Outcome),
					slog.String("commit", e.Commit), slog.String("error", e.Error), slog.Int("errors", len(e.Errors)))
			default:
				unchanged++
			}
		}
	}
	g.log.LogAttrs(ctx, outcomeLevel(activated+rejected > 0), "Git schedule: sync done", slog.String("source", name),
		slog.String("run", runID), slog.Int("activated", activated), slog.Int("rejected", rejected),
		slog.Int("unchanged", unchanged), slog.Duration("took", took))
}
