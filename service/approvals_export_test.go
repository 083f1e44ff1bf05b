package service

import (
	"context"

	"github.com/unet-dev/unet"
)

// RequirementOf dry-runs ops as the staging of a change set does and
// evaluates the approval rules on the objects they touch, with approvals.
func (s *Service) RequirementOf(ctx context.Context, ops []unet.ChangeOp, approvals []unet.Approval) (unet.ApprovalRequirement, error) {
	m := s.mutation(ctx, "")
	m.changeSet = "cs-0"
	rows, err := s.dryRunOps(ctx, ops, m, nil)
	if err != nil {
		return unet.ApprovalRequirement{}, err
	}
	return s.approvalRequirement(ctx, s.db.Reader(), touchedObjects(rows), approvals)
}
