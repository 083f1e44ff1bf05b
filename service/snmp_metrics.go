package service

import (
	"context"
	"errors"
	"time"

	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/snmp"
)

// snmpOutcome is the metrics outcome of a poll that ended with err.
func snmpOutcome(err error) string {
	switch {
	case err == nil:
		return metrics.SNMPOK
	case errors.Is(err, snmp.ErrTimeout):
		return metrics.SNMPTimeout
	case errors.Is(err, snmp.ErrAuth):
		return metrics.SNMPAuth
	default:
		return metrics.SNMPError
	}
}

// observePoll counts a finished poll (one cut short by cancellation is not
// an outcome of the device and is left out).
func observePoll(err error, d time.Duration) {
	if errors.Is(err, context.Canceled) {
		return
	}
	metrics.ObserveSNMPPoll(snmpOutcome(err), d)
}

// SNMPNodeStates returns the polled state of every node the scheduler polls
// (live, with a management address), read in one query, for the SNMP
// metrics.
func (s *Service) SNMPNodeStates(ctx context.Context) ([]metrics.SNMPNodeState, error) {
	sts, err := s.db.Reader().SNMPNodeStates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.SNMPNodeState, len(sts))
	for i, st := range sts {
		out[i] = metrics.SNMPNodeState{Polled: st.Polled, Reachable: st.Reachable, LastSuccess: st.LastSuccess}
	}
	return out, nil
}
