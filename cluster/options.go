package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Timing defaults of membership and the leader lease.
const (
	DefaultHeartbeat = 5 * time.Second
	DefaultLeaseTTL  = 15 * time.Second
	// LeaderLease is the lease every singleton job runs under.
	LeaderLease = "leader"
)

// Options configure a database-backed coordinator.
type Options struct {
	// ID names this member; empty: a new UUIDv7 (a restarted process is
	// a new member).
	ID string
	// Address is where this member serves (shown by `unet cluster status`).
	Address string
	// Version is the unet version of this member.
	Version string
	// Heartbeat is how often the member writes its heartbeat, refreshes
	// the live members and renews the lease (default 5 s).
	Heartbeat time.Duration
	// LeaseTTL is how long a lease lasts without renewal and how old a
	// heartbeat may be for its member to count as live (default 15 s; at
	// least twice Heartbeat).
	LeaseTTL time.Duration
	// Targets lists the keys Status counts each member's share of (the
	// SNMP targets' node IDs); nil: shares are 0.
	Targets func(ctx context.Context) ([]string, error)
	// Observe is called after every heartbeat with the member counts and
	// this member's lease (for metrics); nil: not called.
	Observe func(o Observation)
	// Logger receives leadership changes and failures; nil: discarded.
	Logger *slog.Logger
}

// Observation is the state of the cluster after one heartbeat.
type Observation struct {
	Live, Dead int
	Leading    bool
	// Token is the lease's current fencing token (whoever holds it).
	Token int64
}

func (o *Options) defaults() error {
	if o.Heartbeat == 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.LeaseTTL == 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.Heartbeat < 0 || o.LeaseTTL < 0 {
		return fmt.Errorf("cluster timing must be positive (heartbeat %s, lease TTL %s)", o.Heartbeat, o.LeaseTTL)
	}
	if o.LeaseTTL < 2*o.Heartbeat {
		return fmt.Errorf("cluster lease TTL %s must be at least twice the heartbeat %s: one late heartbeat must not lose the lease", o.LeaseTTL, o.Heartbeat)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// safety is how long before the lease's recorded expiry a leader stops
// its jobs when it could not renew: it covers the time the renewal took
// and small clock differences between members.
func (o *Options) safety() time.Duration {
	s := o.LeaseTTL / 5
	if s > 2*time.Second {
		s = 2 * time.Second
	}
	return s
}
