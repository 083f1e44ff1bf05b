package service

import (
	"context"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
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

// CreateNodeInSet writes a node as the emergency apply of change set id
// writes its rows.
func (s *Service) CreateNodeInSet(ctx context.Context, id string, n *unet.Node, reason string) error {
	m := s.mutation(ctx, reason)
	m.changeSet, m.emergency = id, true
	return s.db.WithTx(ctx, func(tx *sqlstore.Tx) error { return s.createNode(ctx, tx, n, m) })
}
