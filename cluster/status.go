package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/unet-dev/unet/sqlstore"
)

// Status reads the membership and the leader lease from the database, and
// counts each live member's share of the targets.
func (c *DBCoordinator) Status(ctx context.Context) (Status, error) {
	st, err := ReadStatus(ctx, c.db, c.opts.Targets)
	st.Self = c.opts.ID
	st.HeartbeatSeconds, st.LeaseTTLSeconds = c.opts.Heartbeat.Seconds(), c.opts.LeaseTTL.Seconds()
	return st, err
}

// ReadStatus reads the cluster as the database has it, from outside (Self
// is empty): each member is judged live by its own lease TTL, the timing
// reported is the longest the members use, and targets (nil: none) are
// shared over the live members as they poll them.
func ReadStatus(ctx context.Context, db *sqlstore.DB, targets func(ctx context.Context) ([]string, error)) (Status, error) {
	r := db.Reader()
	rows, err := r.ClusterMembers(ctx)
	if err != nil {
		return Status{}, err
	}
	lease, _, err := r.Lease(ctx, LeaderLease)
	if err != nil {
		return Status{}, err
	}
	now := time.Now().UTC()
	st := Status{Members: make([]Member, 0, len(rows)), LeaseToken: lease.Token}
	if lease.Live(now) {
		st.Leader, st.LeaseExpires = lease.Holder, lease.Expires
	}
	for _, m := range rows {
		st.HeartbeatSeconds = max(st.HeartbeatSeconds, m.Heartbeat.Seconds())
		st.LeaseTTLSeconds = max(st.LeaseTTLSeconds, m.LeaseTTL.Seconds())
	}
	live, _ := liveMembers(rows, now)
	var shares map[string]int
	if targets != nil {
		keys, err := targets(ctx)
		if err != nil {
			return Status{}, fmt.Errorf("list the SNMP targets: %w", err)
		}
		shares = Shares(keys, live)
	}
	for _, m := range rows {
		st.Members = append(st.Members, Member{
			ID: m.ID, Address: m.Address, Version: m.Version,
			StartedAt: m.StartedAt, LastHeartbeat: m.LastHeartbeat,
			Live:   m.Live(now),
			Leader: st.Leader != "" && m.ID == st.Leader,
			Share:  shares[m.ID],
		})
	}
	return st, nil
}
