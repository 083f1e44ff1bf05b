package cluster

import (
	"context"
	"time"
)

// Coordinator is what the server's background jobs need from the cluster.
// A server with one member (SQLite, or a single replica) still has one: it
// leads and owns every target.
type Coordinator interface {
	// Self is this member's ID (unique per process start).
	Self() string
	// Leading returns the fencing token of the leader lease and true while
	// this member holds it.
	Leading() (token int64, ok bool)
	// RunAsLeader calls fn every time this member gains the leader lease,
	// with a context that carries the fence (unet.WithFence) and is
	// canceled as soon as the lease is lost or could not be renewed in
	// time. It returns when ctx ends. job names the work in logs and in
	// the recorded runs.
	RunAsLeader(ctx context.Context, job string, fn func(ctx context.Context))
	// Owns reports whether this member polls key (an SNMP target's node
	// ID): rendezvous hashing over the live members.
	Owns(key string) bool
	// Status reads the membership as the database has it.
	Status(ctx context.Context) (Status, error)
}

// Member is one replica as the membership table has it.
type Member struct {
	ID            string    `json:"id"`
	Address       string    `json:"address"`
	Version       string    `json:"version"`
	StartedAt     time.Time `json:"started_at"`
	LastHeartbeat time.Time `json:"last_heartbeat"`
	// Live is true when the last heartbeat is younger than the lease TTL.
	Live bool `json:"live"`
	// Leader is true for the holder of the leader lease.
	Leader bool `json:"leader"`
	// Share is the number of SNMP targets this member owns (live members
	// only).
	Share int `json:"snmp_targets"`
}

// Status is the cluster seen from one member.
type Status struct {
	Self         string    `json:"self"`
	Leader       string    `json:"leader"`
	LeaseToken   int64     `json:"lease_token"`
	LeaseExpires time.Time `json:"lease_expires"`
	// HeartbeatSeconds and LeaseTTLSeconds are the timing of membership.
	HeartbeatSeconds float64  `json:"heartbeat_seconds"`
	LeaseTTLSeconds  float64  `json:"lease_ttl_seconds"`
	Members          []Member `json:"members"`
}
