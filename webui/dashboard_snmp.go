package webui

import (
	"context"

	"github.com/unet-dev/unet"
)

// dashListed bounds the failing nodes and drifting versions the dashboard
// lists by name (the counts cover all).
const dashListed = 10

// statusLister lists the polled state of every node in the caller's scope.
// The local service provides it; without it the dashboard shows version
// drift only.
type statusLister interface {
	ListNodeStatuses(ctx context.Context) ([]unet.NodeStatus, error)
}

// dashSNMP is the SNMP section: reachability of the nodes and the versions
// detected that differ from the intended ones.
type dashSNMP struct {
	// Known is false when the service cannot list polled states.
	Known              bool
	Nodes              int
	OK, Failing, Never int
	// Unreachable lists the first failing nodes.
	Unreachable []unet.NodeStatus
	Drift       []unet.DriftEntry
	DriftCount  int
}

// snmpSummary counts the nodes by reachability and reads version drift.
func (u *UI) snmpSummary(ctx context.Context) (*dashSNMP, error) {
	d := &dashSNMP{}
	if sl, ok := u.svc.(statusLister); ok {
		nodes, err := u.svc.ListNodes(ctx, unet.NodeFilter{Page: unet.Page{Limit: 1}})
		if err != nil {
			return nil, err
		}
		sts, err := sl.ListNodeStatuses(ctx)
		if err != nil {
			return nil, err
		}
		d.Known, d.Nodes = true, nodes.Total
		for _, st := range sts {
			if st.Reachable {
				d.OK++
				continue
			}
			d.Failing++
			if len(d.Unreachable) < dashListed {
				d.Unreachable = append(d.Unreachable, st)
			}
		}
		d.Never = max(d.Nodes-d.OK-d.Failing, 0)
	}
	drift, err := u.svc.ListDrift(ctx)
	if err != nil {
		return nil, err
	}
	d.DriftCount = len(drift)
	d.Drift = drift[:min(len(drift), dashListed)]
	return d, nil
}
