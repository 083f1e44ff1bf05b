package cluster

import (
	"context"
	"fmt"
	"time"
)

// Status reads the membership and the leader lease from the database, and
// counts each live member's share of the targets.
func (c *DBCoordinator) Status(ctx context.Context) (Status, error) {
	r := c.db.Reader()
	rows, err := r.ClusterMembers(ctx)
	if err != nil {
		return Status{}, err
	}
	lease, _, err := r.Lease(ctx, LeaderLease)
	if err != nil {
		return Status{}, err
	}
	now := time.Now().UTC()
	st := Status{
		Self:             c.opts.ID,
		HeartbeatSeconds: c.opts.Heartbeat.Seconds(),
		LeaseTTLSeconds:  c.opts.LeaseTTL.Seconds(),
		Members:          make([]Member, 0, len(rows)),
	}
	if lease.Live(now) {
		st.Leader, st.LeaseToken, st.LeaseExpires = lease.Holder, lease.Token, lease.Expires
	} else {
		st.LeaseToken = lease.Token
	}
	live, _ := liveMembers(rows, now, c.opts.LeaseTTL)
	var shares map[string]int
	if c.opts.Targets != nil {
		keys, err := c.opts.Targets(ctx)
		if err != nil {
			return Status{}, fmt.Errorf("list the SNMP targets: %w", err)
		}
		shares = Shares(keys, live)
	}
	for _, m := range rows {
		st.Members = append(st.Members, Member{
			ID: m.ID, Address: m.Address, Version: m.Version,
			StartedAt: m.StartedAt, LastHeartbeat: m.LastHeartbeat,
			Live:   isLive(m, now, c.opts.LeaseTTL),
			Leader: st.Leader != "" && m.ID == st.Leader,
			Share:  shares[m.ID],
		})
	}
	return st, nil
}
