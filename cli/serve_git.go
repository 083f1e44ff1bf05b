package cli

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/service"
)

// gitScheduleOptions configure the server's Git schedule. Zero values take
// the defaults named below.
type gitScheduleOptions struct {
	// Refresh is how often the list of sources is read again, so that sources
	// added, changed or removed while the server runs are picked up (default
	// 30s).
	Refresh time.Duration
	// Backoff spaces the retries of a sync whose remote could not be reached
	// (default: from 10s, doubling, up to 10m, ±10% jitter).
	Backoff gitsync.Backoff
}

// gitScheduleService is what the schedule needs of the service.
type gitScheduleService interface {
	ListGitSources(ctx context.Context) ([]unet.GitSource, error)
	GitStatus(ctx context.Context, name string) ([]unet.GitStatus, error)
	SyncGitSource(ctx context.Context, name, trigger string) ([]unet.GitSyncResult, error)
}

// startGitJobs runs the schedule of the Git sources until ctx is done: every
// source with an interval is synced every interval (trigger "schedule"), the
// first time when its status says the next run is due; a sync whose remote
// cannot be reached is retried with backoff; sources without an interval are
// left to webhooks and manual syncs. The returned function waits until the
// schedule has stopped.
func startGitJobs(ctx context.Context, svc *service.Service, logger *slog.Logger) (wait func()) {
	return startGitSchedule(ctx, svc, gitScheduleOptions{}, logger)
}

// startGitWatch keeps this replica's view of the Git sources current (every
// replica runs it, leader or not): activations by other replicas are heard
// through LISTEN/NOTIFY on PostgreSQL, and the active commits are checked
// every 30s on both engines. The returned function waits until it stopped.
func startGitWatch(ctx context.Context, svc *service.Service, logger *slog.Logger) (wait func()) {
	return svc.StartGitWatch(ctx, service.GitWatchOptions{Logger: logger})
}

func startGitSchedule(ctx context.Context, svc gitScheduleService, o gitScheduleOptions, logger *slog.Logger) func() {
	if o.Refresh <= 0 {
		o.Refresh = 30 * time.Second
	}
	if o.Backoff == (gitsync.Backoff{}) {
		o.Backoff = gitsync.Backoff{Jitter: 0.1}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	g := &gitSchedule{svc: svc, opts: o, log: logger, running: map[string]*scheduledSource{}}
	g.wg.Add(1)
	go g.supervise(ctx)
	return g.wg.Wait
}

// gitSchedule keeps one goroutine per scheduled source.
type gitSchedule struct {
	svc     gitScheduleService
	opts    gitScheduleOptions
	log     *slog.Logger
	wg      sync.WaitGroup
	running map[string]*scheduledSource // by source name; only the supervisor touches it
}

// scheduledSource is the goroutine syncing one source.
type scheduledSource struct {
	interval time.Duration
	cancel   context.CancelFunc
}

// supervise reads the sources every Refresh and starts, restarts (interval
// changed) or stops the goroutines of the sources.
func (g *gitSchedule) supervise(ctx context.Context) {
	defer g.wg.Done()
	progress := metrics.RegisterWorker(metrics.WorkerGitSyncer, g.opts.Refresh)
	defer progress.Stop()
	defer func() {
		for _, r := range g.running {
			r.cancel()
		}
	}()
	tick := time.NewTicker(g.opts.Refresh)
	defer tick.Stop()
	for {
		g.reconcile(ctx)
		progress.Tick()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (g *gitSchedule) reconcile(ctx context.Context) {
	srcs, err := g.svc.ListGitSources(ctx)
	if err != nil {
		if ctx.Err() == nil {
			g.log.Warn("Git schedule: cannot list the sources", slog.Any("error", err))
		}
		return
	}
	want := map[string]time.Duration{}
	for _, s := range srcs {
		if d, err := time.ParseDuration(s.Interval); err == nil && d > 0 {
			want[s.Name] = d
		}
	}
	for name, r := range g.running {
		if d, ok := want[name]; !ok || d != r.interval {
			r.cancel()
			delete(g.running, name)
		}
	}
	for name, d := range want {
		if _, ok := g.running[name]; ok {
			continue
		}
		first := time.Now()
		sts, err := g.svc.GitStatus(ctx, name)
		switch {
		case err != nil:
			// Without the stored schedule the source syncs now.
			if ctx.Err() == nil {
				g.log.Warn("Git schedule: cannot read the source's status; syncing it now", slog.String("source", name), slog.Any("error", err))
			}
		case len(sts) == 1 && sts[0].NextRun != nil:
			first = *sts[0].NextRun
		}
		sctx, cancel := context.WithCancel(ctx)
		g.running[name] = &scheduledSource{interval: d, cancel: cancel}
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			g.run(sctx, name, d, first)
		}()
		g.log.Debug("Git schedule: source scheduled", slog.String("source", name), slog.Duration("interval", d), slog.Time("first", first))
	}
}

// run syncs one source at first, then every interval; a sync that could not
// reach the remote is retried after the backoff's delay instead.
func (g *gitSchedule) run(ctx context.Context, name string, interval time.Duration, first time.Time) {
	timer := time.NewTimer(max(time.Until(first), 0))
	defer timer.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		runID, start := newRunID(), time.Now()
		g.log.Debug("Git schedule: sync started", slog.String("source", name), slog.String("run", runID))
		res, err := g.svc.SyncGitSource(ctx, name, string(gitsync.TriggerSchedule))
		if ctx.Err() != nil {
			return
		}
		next := interval
		switch {
		case err != nil && gitsync.IsRetryable(err):
			next = g.opts.Backoff.Delay(failures)
			failures++
			g.log.Warn("Git schedule: sync failed, retrying", slog.String("source", name), slog.String("run", runID),
				slog.Int("failures", failures), slog.Duration("retry_in", next), slog.Any("error", err))
		case err != nil:
			failures = 0
			g.log.Warn("Git schedule: sync failed", slog.String("source", name), slog.String("run", runID),
				slog.Duration("next_in", next), slog.Any("error", err))
		default:
			failures = 0
			g.logSynced(ctx, name, runID, res, time.Since(start))
		}
		timer.Reset(next)
	}
}
