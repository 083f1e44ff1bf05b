package service

import (
	"context"

	"github.com/unet-dev/unet"
)

// ListNodeStatuses returns the polled state of every node in the reader's
// scope that was polled at least once, ordered by FQDN (the web
// interface's summary of SNMP reachability).
func (s *Service) ListNodeStatuses(ctx context.Context) ([]unet.NodeStatus, error) {
	sts, err := s.db.Reader().ListNodeStatuses(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.readEval(ctx, unet.PermSNMPRead)
	if err != nil || e == nil {
		return sts, err
	}
	if err := e.preloadNodes(); err != nil {
		return nil, err
	}
	out := sts[:0]
	for _, st := range sts {
		if e.objectIDOK(unet.KindNode, st.NodeID) {
			out = append(out, st)
		}
	}
	return out, nil
}
