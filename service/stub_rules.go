package service

// STUB (replaced by the approval rules and emergency work).

import (
	"context"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

func (s *Service) ListApprovalRules(ctx context.Context) ([]unet.ApprovalRule, error) {
	return nil, notYet()
}
func (s *Service) AddApprovalRule(ctx context.Context, r unet.ApprovalRule, o unet.WriteOptions) (*unet.ApprovalRule, error) {
	return nil, notYet()
}
func (s *Service) RemoveApprovalRule(ctx context.Context, name string, o unet.DeleteOptions) error {
	return notYet()
}
func (s *Service) ListEmergencyChanges(ctx context.Context, f unet.EmergencyFilter) (*unet.List[unet.EmergencyChange], error) {
	return nil, notYet()
}
func (s *Service) ReviewEmergencyChange(ctx context.Context, ref, comment string) (*unet.EmergencyChange, error) {
	return nil, notYet()
}

// checkDirectWrite vets a direct write of one object against
// `serve --require-change-sets`.
func (s *Service) checkDirectWrite(ctx context.Context, tx *sqlstore.Tx, kind string, before, after any) error {
	return nil
}

// approvalRequirement evaluates the approval rules on the objects a set
// touches and counts approvals (decision approve, not dismissed) against
// them.
func (s *Service) approvalRequirement(ctx context.Context, r sqlstore.Reader, objs []touched, approvals []unet.Approval) (unet.ApprovalRequirement, error) {
	n := 0
	for _, a := range approvals {
		if a.Decision == unet.DecisionApprove && a.DismissedAt == nil {
			n++
		}
	}
	return unet.ApprovalRequirement{Required: 1, Rules: []unet.RuleMatch{}, Approvals: n, Satisfied: n >= 1}, nil
}
