package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet/cluster"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
)

func (a *app) clusterCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "The replicas of `unet serve` that share the database",
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Members, their last heartbeat, the leader and each member's share of the SNMP targets",
		Long: `Show the replicas that share the database: each member's address, version,
last heartbeat and whether it is live (heartbeat younger than its lease TTL),
which member holds the leader lease (and runs the singleton jobs) with its
fencing token, and how many SNMP targets each live member polls.

With --server, the server answers (its own member ID is marked "self");
with --db, the database is read directly.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.clusterStatus(cmd.Context())
			if err != nil {
				return err
			}
			return a.printer().emit(st, func() any { return clusterTable(st, time.Now()) })
		},
	}
	cmd.AddCommand(status)
	return cmd
}

// clusterStatus asks the server, or reads the database.
func (a *app) clusterStatus(ctx context.Context) (*cluster.Status, error) {
	svc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	if c, ok := svc.(*httpapi.Client); ok {
		return c.ClusterStatus(ctx)
	}
	if a.db == nil || a.local == nil {
		return nil, usagef("cluster status reads a database (--db) or asks a server (--server)")
	}
	st, err := cluster.ReadStatus(ctx, a.db, snmpTargetKeys(a.local))
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// snmpTargetKeys lists the keys the SNMP targets are shared by (node IDs).
func snmpTargetKeys(svc *service.Service) func(ctx context.Context) ([]string, error) {
	return func(ctx context.Context) ([]string, error) {
		as, err := svc.SNMPTargets(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(as))
		for i, x := range as {
			out[i] = x.Target.ID
		}
		return out, nil
	}
}

func clusterTable(st *cluster.Status, now time.Time) table {
	t := table{header: []string{"MEMBER", "ADDRESS", "VERSION", "STATE", "LAST HEARTBEAT", "ROLE", "SNMP TARGETS"}}
	for _, m := range st.Members {
		state, role := "dead", "member"
		if m.Live {
			state = "live"
		}
		if m.Leader {
			role = fmt.Sprintf("leader (token %d)", st.LeaseToken)
		}
		id := m.ID
		if m.ID == st.Self {
			id += " (self)"
		}
		t.rows = append(t.rows, []string{id, dash(m.Address), dash(m.Version), state,
			m.LastHeartbeat.Format(time.RFC3339) + " (" + ago(now.Sub(m.LastHeartbeat)) + ")", role, strconv.Itoa(m.Share)})
	}
	return t
}

// ago is a short age: 3.2s ago, 4m10s ago.
func ago(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < time.Minute {
		return d.Round(100*time.Millisecond).String() + " ago"
	}
	return d.Round(time.Second).String() + " ago"
}
