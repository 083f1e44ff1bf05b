package cluster

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// Outcomes of a recorded job run.
const (
	// OutcomeDone: fn returned on its own while the lease was held.
	OutcomeDone = "done"
	// OutcomeLeaseLost: the lease was lost (or not renewed in time).
	OutcomeLeaseLost = "lease_lost"
	// OutcomeStopped: the caller's context ended (shutdown).
	OutcomeStopped = "stopped"
)

// RunAsLeader calls fn once per term of leadership of this member, with a
// context that carries the term's fence and ends with the term (or ctx).
// Each call is recorded in cluster_job_runs: the row is inserted under the
// fence before fn starts (a stale term never starts), and finished with
// the outcome when fn returns. When fn returns while the term goes on, the
// next call waits for the next term. It returns when ctx ends.
func (c *DBCoordinator) RunAsLeader(ctx context.Context, job string, fn func(ctx context.Context)) {
	var last *term
	for {
		t, changed := c.current()
		if t == nil || t == last {
			select {
			case <-ctx.Done():
				return
			case <-changed:
				continue
			}
		}
		last = t
		c.runTerm(ctx, t, job, fn)
		if ctx.Err() != nil {
			return
		}
	}
}

// runTerm records and runs one call of fn under t.
func (c *DBCoordinator) runTerm(ctx context.Context, t *term, job string, fn func(ctx context.Context)) {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopWithTerm := context.AfterFunc(t.ctx, cancel)
	defer stopWithTerm()
	runCtx = unet.WithFence(runCtx, unet.Fence{Lease: LeaderLease, Token: t.token})

	id, err := uuid.NewV7()
	if err != nil {
		c.opts.Logger.Error("job run ID", slog.String("job", job), slog.Any("error", err))
		return
	}
	run := sqlstore.JobRun{ID: id.String(), Job: job, Member: c.opts.ID, Token: t.token, Started: time.Now().UTC()}
	err = c.db.WithTx(runCtx, func(tx *sqlstore.Tx) error { return tx.StartJobRun(runCtx, run) })
	if err != nil {
		if runCtx.Err() == nil {
			c.opts.Logger.Warn("singleton job not started", slog.String("job", job), slog.Int64("token", t.token), slog.Any("error", err))
		}
		return
	}
	c.opts.Logger.Info("singleton job started", slog.String("job", job), slog.Int64("token", t.token))
	fn(runCtx)
	outcome := OutcomeDone
	switch {
	case ctx.Err() != nil:
		outcome = OutcomeStopped
	case t.ctx.Err() != nil:
		outcome = OutcomeLeaseLost
	}
	// The end is bookkeeping, written whatever the lease's state.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer fcancel()
	if err := c.db.FinishJobRun(fctx, run.ID, outcome, time.Now().UTC()); err != nil {
		c.opts.Logger.Warn("record the end of a job run", slog.String("job", job), slog.Any("error", err))
	}
	c.opts.Logger.Info("singleton job ended", slog.String("job", job), slog.Int64("token", t.token), slog.String("outcome", outcome))
	if outcome == OutcomeDone {
		// Wait for the term to end before a next call.
		select {
		case <-ctx.Done():
		case <-t.ctx.Done():
		}
	}
}
