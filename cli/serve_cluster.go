package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/spf13/pflag"

	"github.com/unet-dev/unet/cluster"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// Names of the singleton jobs, as recorded in cluster_job_runs.
const (
	jobPolicyEvaluation = "policy_evaluation"
	jobGitSchedule      = "git_schedule"
	jobCanaries         = "canaries"
)

// clusterFlags configure the server's membership of the replicas that
// share its database.
type clusterFlags struct {
	heartbeat, leaseTTL time.Duration
	advertise           string
}

func (f *clusterFlags) register(fs *pflag.FlagSet) {
	fs.DurationVar(&f.heartbeat, "cluster-heartbeat", cluster.DefaultHeartbeat, "how often this replica writes its heartbeat, refreshes the live replicas and renews the leader lease")
	fs.DurationVar(&f.leaseTTL, "cluster-lease-ttl", cluster.DefaultLeaseTTL, "how long the leader lease lasts without renewal, and how old a heartbeat may be before its replica counts as dead (at least twice --cluster-heartbeat)")
	fs.StringVar(&f.advertise, "cluster-advertise", "", "address other replicas and operators know this replica by, shown by `unet cluster status` (default: the listen address)")
}

// serveCluster is the server's coordinator with what starts and ends it.
type serveCluster struct {
	coord *cluster.DBCoordinator
	log   *slog.Logger
}

// newServeCluster builds the coordinator of a server. Every server has a
// database-backed one: on PostgreSQL the replicas share the work through
// it; on SQLite (one server per file) it is alone, and leads.
func newServeCluster(db *sqlstore.DB, svc *service.Service, f clusterFlags, listen string, logger *slog.Logger) (*serveCluster, error) {
	if f.heartbeat <= 0 || f.leaseTTL <= 0 {
		return nil, usagef("--cluster-heartbeat and --cluster-lease-ttl must be positive")
	}
	if f.leaseTTL < 2*f.heartbeat {
		return nil, usagef("--cluster-lease-ttl %s must be at least twice --cluster-heartbeat %s", f.leaseTTL, f.heartbeat)
	}
	c, err := cluster.New(db, cluster.Options{
		Address:   pick(f.advertise, listen),
		Version:   buildVersion(),
		Heartbeat: f.heartbeat,
		LeaseTTL:  f.leaseTTL,
		Targets:   snmpTargetKeys(svc),
		Observe: func(o cluster.Observation) {
			metrics.ObserveCluster(o.Live, o.Dead, o.Leading, o.Token)
		},
		Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	return &serveCluster{coord: c, log: logger}, nil
}

// start joins the cluster; a first heartbeat that fails is retried.
func (sc *serveCluster) start(ctx context.Context) {
	if err := sc.coord.Start(ctx); err != nil {
		sc.log.Warn("cluster: first heartbeat failed; retrying", slog.Any("error", err))
	}
	sc.log.Info("cluster member started", slog.String("member", sc.coord.Self()))
}

// leave releases the lease and the membership, so that another replica
// takes over at once. Call it once the jobs have stopped.
func (sc *serveCluster) leave() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sc.coord.Leave(ctx); err != nil {
		sc.log.Warn("cluster: leave", slog.Any("error", err))
		return
	}
	sc.log.Info("cluster member left", slog.String("member", sc.coord.Self()))
}

// asLeader runs job only on the replica that holds the leader lease, with
// its writes fenced. The returned function waits until it has stopped.
func asLeader(ctx context.Context, coord cluster.Coordinator, job string, fn func(ctx context.Context)) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		coord.RunAsLeader(ctx, job, fn)
	}()
	return func() { <-done }
}
