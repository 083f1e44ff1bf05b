package service

// STUB (replaced by the impact engine).

import (
	"context"

	"github.com/unet-dev/unet"
)

// computeImpact dry-runs ops (as m) against the current inventory and
// computes their impact on objects, compliance and rendered configuration,
// with the guards evaluated on it.
func (s *Service) computeImpact(ctx context.Context, ops []unet.ChangeOp, m mutation) (*unet.Impact, error) {
	return &unet.Impact{Objects: []unet.ObjectImpact{}, Policy: []unet.PolicyImpact{}, Config: []unet.ConfigImpact{},
		Guards: []unet.GuardResult{}, Problems: []unet.ImpactProblem{}}, nil
}
