package service

import (
	"context"
	"sync"
	"time"

	"github.com/unet-dev/unet/snmp"
)

// PollOption adjusts the scheduler NewPollScheduler builds.
type PollOption func(*pollConfig)

type pollConfig struct {
	owns   func(nodeID string) bool
	reload time.Duration
}

// PollOwned makes the scheduler poll only the targets owns accepts (the
// replica's share: cluster.Coordinator.Owns). The inventory is read again
// at most every reload (default snmp.DefaultRefresh); the share is applied
// at every read of the scheduler, so set its Refresh to how soon a change of
// ownership must be seen.
func PollOwned(owns func(nodeID string) bool, reload time.Duration) PollOption {
	return func(c *pollConfig) {
		c.owns, c.reload = owns, reload
	}
}

// ownedSource filters a TargetSource by ownership, caching the full list
// between reloads.
type ownedSource struct {
	src    snmp.TargetSource
	owns   func(string) bool
	reload time.Duration

	mu     sync.Mutex
	all    []snmp.Assignment
	loaded time.Time
}

func (o *ownedSource) Targets(ctx context.Context) ([]snmp.Assignment, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.loaded.IsZero() || time.Since(o.loaded) >= o.reload {
		all, err := o.src.Targets(ctx)
		if err != nil {
			return nil, err
		}
		o.all, o.loaded = all, time.Now()
	}
	out := make([]snmp.Assignment, 0, len(o.all))
	for _, a := range o.all {
		if o.owns(a.Target.ID) {
			out = append(out, a)
		}
	}
	return out, nil
}

// pollSource is the scheduler's source under the options.
func (s *Service) pollSource(po []PollOption) snmp.TargetSource {
	var c pollConfig
	for _, f := range po {
		f(&c)
	}
	var src snmp.TargetSource = statusSource{s}
	if c.owns == nil {
		return src
	}
	if c.reload <= 0 {
		c.reload = snmp.DefaultRefresh
	}
	return &ownedSource{src: src, owns: c.owns, reload: c.reload}
}
