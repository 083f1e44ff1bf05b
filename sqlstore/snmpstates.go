package sqlstore

import (
	"context"
	"time"

	"github.com/unet-dev/unet"
)

// SNMPNodeState is the polled state of one node the scheduler polls (live,
// with a management address), as the SNMP metrics summarise it.
type SNMPNodeState struct {
	// Polled is false for a node that was never polled.
	Polled    bool
	Reachable bool
	// LastSuccess is nil when no poll of the node ever succeeded.
	LastSuccess *time.Time
}

// SNMPNodeStates returns the polled state of every live node with a
// management address, in one query.
func (r Reader) SNMPNodeStates(ctx context.Context) ([]SNMPNodeState, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT CASE WHEN s.node_id IS NULL THEN 0 ELSE 1 END, COALESCE(s.reachable, 0),
		COALESCE(s.last_success, '') FROM nodes n LEFT JOIN node_status s ON s.node_id = n.id
		WHERE n.lifecycle = $1 AND n.mgmt_ip <> ''`, unet.LifecycleLive)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SNMPNodeState
	for rows.Next() {
		var polled, reachable int
		var success string
		if err := rows.Scan(&polled, &reachable, &success); err != nil {
			return nil, err
		}
		out = append(out, SNMPNodeState{Polled: polled != 0, Reachable: reachable != 0, LastSuccess: optTime(success)})
	}
	return out, rows.Err()
}

// SNMPReachability returns whether each polled node answered its last poll,
// by node ID (nodes never polled are absent).
func (r Reader) SNMPReachability(ctx context.Context) (map[string]bool, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT node_id, reachable FROM node_status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		var reachable int
		if err := rows.Scan(&id, &reachable); err != nil {
			return nil, err
		}
		out[id] = reachable != 0
	}
	return out, rows.Err()
}

// SNMPNextPolls returns, per node, the next poll its last poll scheduled
// (nodes without one are left out).
func (r Reader) SNMPNextPolls(ctx context.Context) (map[string]time.Time, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT node_id, next_poll FROM node_status WHERE next_poll <> ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id, next string
		if err := rows.Scan(&id, &next); err != nil {
			return nil, err
		}
		if t := parseTime(next); !t.IsZero() {
			out[id] = t
		}
	}
	return out, rows.Err()
}
