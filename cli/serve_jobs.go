package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/cluster"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/snmp"
)

// jobFlags configure the server's background work.
type jobFlags struct {
	policies, templates string
	evalInterval        time.Duration
	snmpInterval        time.Duration
	snmpConcurrency     int
	historyRetention    time.Duration
	eventRetention      time.Duration
	noSNMP              bool
	// canaryInterval is how often the leader checks the active canaries
	// (TTL expiry, abort-on conditions).
	canaryInterval time.Duration
	// ownershipRefresh is how often the SNMP scheduler applies this
	// replica's share of the targets (the cluster heartbeat).
	ownershipRefresh time.Duration
}

func (f *jobFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.policies, "policies", "", "policy directory evaluated by the server (env UNET_POLICY_PATH; default: the active Git snapshot, or the demo policies in a demo database)")
	fs.StringVar(&f.templates, "templates", "", "template directory rendered by the server (env UNET_TEMPLATE_PATH; default: the active Git snapshot, or the demo templates in a demo database)")
	fs.DurationVar(&f.evalInterval, "eval-interval", 5*time.Minute, "re-evaluate and store policy results this often (0: never); inventory changes trigger an evaluation within 10s")
	fs.DurationVar(&f.snmpInterval, "snmp-interval", 15*time.Minute, "default SNMP poll interval of live nodes with a management address")
	fs.IntVar(&f.snmpConcurrency, "snmp-concurrency", snmp.DefaultConcurrency, "SNMP polls in flight at most")
	fs.DurationVar(&f.historyRetention, "status-retention", 30*24*time.Hour, "keep SNMP status history this long (0: forever)")
	fs.BoolVar(&f.noSNMP, "no-snmp", false, "do not poll devices")
	fs.DurationVar(&f.eventRetention, "event-retention", defaultEventRetention, "keep events this long (0: forever; [server] event_retention)")
	fs.DurationVar(&f.canaryInterval, "canary-interval", 30*time.Second, "check the active canaries (TTL expiry, abort-on conditions) this often on the leader (canary_interval in [server])")
}

// configureSources points the service at the server's policies and templates:
// the directories given (--policies/--templates or the environment).
// Without them the service uses the active Git snapshot of each node's
// environment, the built-in demo content in a demo database, or fails naming
// the ways to provide them; a failing Git lookup is an error, never a reason
// to fall back to the demo content.
func (a *app) configureSources(svc *service.Service, f jobFlags) error {
	cfg, err := a.fileConfig()
	if err != nil {
		return err
	}
	if polPath := pick(f.policies, a.env.Getenv("UNET_POLICY_PATH"), cfg.Policies.Path); polPath != "" {
		svc.SetPolicySource(func(ctx context.Context, env string) ([]unet.PolicyFile, string, error) {
			return a.policyFiles(polPath)
		})
	}
	opts, err := a.templateOptions()
	if err != nil {
		return err
	}
	svc.SetTemplateOptions(opts)
	if tplPath := pick(f.templates, a.env.Getenv("UNET_TEMPLATE_PATH"), cfg.Templates.Path); tplPath != "" {
		env, err := a.templateEnv(tplPath)
		if err != nil {
			return err
		}
		svc.SetTemplateEnv(env)
	}
	return nil
}

// startJobs runs the background work of the server until ctx ends: policy
// re-evaluation (on a schedule and soon after inventory changes) on the
// replica that leads, and SNMP polling of the targets this replica owns.
// The returned function waits for them to stop.
func startJobs(ctx context.Context, svc *service.Service, coord cluster.Coordinator, f jobFlags, logger *slog.Logger) func() {
	var wg sync.WaitGroup
	if f.evalInterval > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			coord.RunAsLeader(ctx, jobPolicyEvaluation, func(ctx context.Context) {
				evaluateLoop(ctx, svc, f.evalInterval, 10*time.Second, logger)
			})
		}()
	}
	if !f.noSNMP {
		progress := metrics.RegisterWorker(metrics.WorkerSNMPScheduler, snmp.DefaultRefresh)
		sched := svc.NewPollScheduler(snmp.Options{Interval: f.snmpInterval, Concurrency: f.snmpConcurrency, Logger: logger,
			OnProgress: progress.Tick, Refresh: f.ownershipRefresh}, f.historyRetention,
			service.PollOwned(coord.Owns, snmp.DefaultRefresh))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer progress.Stop()
			if err := sched.Run(ctx); err != nil && ctx.Err() == nil {
				logger.Error("SNMP scheduler stopped", slog.Any("error", err))
			}
		}()
	}
	return wg.Wait
}

// registerJobMetrics registers the metrics read from the database at scrape
// time (the SNMP state of the polled nodes) and exports the stored active
// Git commits.
func registerJobMetrics(ctx context.Context, svc *service.Service, logger *slog.Logger) {
	if _, err := metrics.RegisterSNMPState(svc.SNMPNodeStates, logger); err != nil {
		logger.Warn("SNMP state metrics are not exported", slog.Any("error", err))
	}
	if err := svc.RefreshGitMetrics(ctx); err != nil {
		logger.Warn("read the active Git commits for metrics", slog.Any("error", err))
	}
}

// evaluateLoop stores policy results every interval and soon (within check)
// after the inventory or the policies change. An inventory edit re-evaluates
// only what it can affect (service.EvaluateIncremental); an activation of an
// environment's Git snapshot re-evaluates only the nodes of that
// environment; any other change, or more changes than one read of the
// change log holds, re-evaluates everything.
func evaluateLoop(ctx context.Context, svc *service.Service, interval, check time.Duration, logger *slog.Logger) {
	progress := metrics.RegisterWorker(metrics.WorkerPolicyScheduler, check)
	defer progress.Stop()
	lastChange := ""
	var lastEval time.Time
	warnedNoPolicies := false
	tick := time.NewTicker(check)
	defer tick.Stop()
	for {
		latest, changes, complete, err := changesSince(ctx, svc, lastChange)
		if err != nil && ctx.Err() == nil {
			// Nothing counts as changed; the next check tries again.
			logger.Warn("read the change log for policy evaluation", slog.Any("error", err))
		}
		var part *service.IncrementalRequest
		run := false
		trigger := metrics.TriggerChange
		switch {
		case lastEval.IsZero() || time.Since(lastEval) >= interval:
			run, trigger = true, metrics.TriggerSchedule
		case latest != lastChange:
			trigger = metrics.TriggerChange
			envs, inventory, all := affectedEnvironments(ctx, svc, changes)
			switch {
			case all || !complete:
				run = true
			case len(envs) > 0 || len(inventory) > 0:
				run, part = true, &service.IncrementalRequest{Changes: inventory}
				if len(envs) > 0 {
					ids, err := nodesIn(ctx, svc, envs)
					if err != nil {
						// Without the nodes of the changed environments,
						// evaluate them all rather than skip the change.
						if ctx.Err() == nil {
							logger.Warn("list the nodes of changed environments; evaluating all nodes", slog.Any("error", err))
						}
						part = nil
					} else {
						part.Nodes = ids
						run = len(ids) > 0 || len(inventory) > 0
					}
				}
			}
		}
		if run {
			if full := runEvaluation(ctx, svc, part, trigger, logger, &warnedNoPolicies); full {
				lastEval = time.Now()
			}
		}
		lastChange = latest
		progress.Tick()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// runEvaluation evaluates and stores everything (part nil) or what part
// covers, logs the outcome and reports whether everything was evaluated.
func runEvaluation(ctx context.Context, svc *service.Service, part *service.IncrementalRequest, trigger string, logger *slog.Logger, warnedNoPolicies *bool) (full bool) {
	start, runID := time.Now(), newRunID()
	scope := "all"
	if part != nil {
		scope = "changes"
	}
	logger.Debug("policy evaluation started", slog.String("run", runID), slog.String("trigger", trigger), slog.String("scope", scope))
	ctx = metrics.WithEvalTrigger(unet.WithActor(ctx, "unet-server"), trigger)
	var rep *unet.PolicyEvalReport
	var err error
	if part == nil {
		full = true
		rep, err = svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})
	} else {
		rep, full, err = svc.EvaluateIncremental(ctx, *part)
	}
	if full {
		scope = "all"
	}
	switch {
	case errors.Is(err, service.ErrNoPolicies):
		if !*warnedNoPolicies {
			logger.Warn("policies are not evaluated", slog.String("run", runID), slog.Any("reason", err))
			*warnedNoPolicies = true
		}
	case err != nil && ctx.Err() == nil:
		logger.Error("policy evaluation failed", slog.String("run", runID), slog.String("trigger", trigger),
			slog.Duration("took", time.Since(start)), slog.Any("error", err))
	case err == nil:
		logger.LogAttrs(ctx, outcomeLevel(rep.Changed > 0), "policies evaluated", slog.String("run", runID),
			slog.String("trigger", trigger), slog.String("scope", scope), slog.Int("results", len(rep.Results)),
			slog.Int("changed", rep.Changed), slog.Duration("took", time.Since(start)))
	}
	return full
}

// changesSince returns the newest change ID and the changes after since
// (newest first); complete is false when since was not among the last 200.
// When the change log cannot be read, nothing counts as changed (latest is
// since) and err says why.
func changesSince(ctx context.Context, svc *service.Service, since string) (latest string, changes []unet.Change, complete bool, err error) {
	l, err := svc.ListChanges(ctx, unet.ChangeFilter{Page: unet.Page{Limit: 200}})
	if err != nil {
		return since, nil, true, fmt.Errorf("list changes: %w", err)
	}
	if len(l.Items) == 0 {
		return since, nil, true, nil
	}
	for _, c := range l.Items {
		if c.ID == since {
			return l.Items[0].ID, changes, true, nil
		}
		changes = append(changes, c)
	}
	return l.Items[0].ID, changes, since == "" && l.Next == "", nil
}

// affectedEnvironments names the node environments whose rules changed and
// the inventory changes (nodes, links, locations), oldest first, or
// all=true when a change may affect every result (any other kind of object,
// a source's default branch, a removed source). changes are newest first.
func affectedEnvironments(ctx context.Context, svc *service.Service, changes []unet.Change) (envs map[string]bool, inventory []unet.Change, all bool) {
	envs = map[string]bool{}
	for i := len(changes) - 1; i >= 0; i-- {
		c := changes[i]
		if service.IncrementalKind(c.ObjectKind) {
			inventory = append(inventory, c)
			continue
		}
		if c.ObjectKind != unet.KindGitSource {
			return nil, nil, true
		}
		switch c.Op {
		case "activate", "pin", "unpin":
		case "export", "promote":
			continue
		default:
			return nil, nil, true
		}
		src, err := svc.GetGitSource(ctx, c.ObjectID)
		if err != nil {
			return nil, nil, true
		}
		if src.Kind == "templates" {
			continue
		}
		var after struct {
			Environment string `json:"environment"`
		}
		if json.Unmarshal(c.After, &after) != nil || after.Environment == "" || after.Environment == "default" {
			return nil, nil, true
		}
		envs[after.Environment] = true
	}
	return envs, inventory, false
}

// nodesIn returns the IDs of the nodes of the given environments.
func nodesIn(ctx context.Context, svc *service.Service, envs map[string]bool) ([]string, error) {
	var ids []string
	p := unet.Page{Limit: 1000}
	for {
		l, err := svc.ListNodes(ctx, unet.NodeFilter{Page: p})
		if err != nil {
			return nil, fmt.Errorf("list nodes: %w", err)
		}
		for _, n := range l.Items {
			if envs[n.Environment] {
				ids = append(ids, n.ID)
			}
		}
		if l.Next == "" {
			return ids, nil
		}
		p.Cursor = l.Next
	}
}

// canaryInterval is the period of the canary checks: --canary-interval
// when given, else canary_interval in [server], else the flag's default.
func canaryInterval(cmd *cobra.Command, flag time.Duration, cfg *serveConfig) time.Duration {
	d := flag
	if !cmd.Flags().Changed("canary-interval") && cfg != nil && cfg.Server.CanaryInterval > 0 {
		d = time.Duration(cfg.Server.CanaryInterval)
	}
	if d <= 0 {
		d = 30 * time.Second
	}
	return d
}
