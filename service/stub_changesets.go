package service

// STUB (replaced by the change-set core): every method fails.

import (
	"context"

	"github.com/unet-dev/unet"
)

func notYet() error { return unet.Errorf(unet.EINTERNAL, "not implemented yet") }

func (s *Service) ProposeChangeSet(ctx context.Context, req unet.ChangeSetRequest) (*unet.ChangeSet, error) {
	return nil, notYet()
}
func (s *Service) AppendChangeOps(ctx context.Context, id string, ops []unet.ChangeOp) (*unet.ChangeSet, error) {
	return nil, notYet()
}
func (s *Service) GetChangeSet(ctx context.Context, id string, v unet.ChangeSetView) (*unet.ChangeSet, error) {
	return nil, notYet()
}
func (s *Service) ListChangeSets(ctx context.Context, f unet.ChangeSetFilter) (*unet.List[unet.ChangeSet], error) {
	return nil, notYet()
}
func (s *Service) SubmitChangeSet(ctx context.Context, id string) (*unet.ChangeSet, error) {
	return nil, notYet()
}
func (s *Service) ApproveChangeSet(ctx context.Context, id, comment string) (*unet.ChangeSet, error) {
	return nil, notYet()
}
func (s *Service) RejectChangeSet(ctx context.Context, id, comment string) (*unet.ChangeSet, error) {
	return nil, notYet()
}
func (s *Service) AbandonChangeSet(ctx context.Context, id, reason string) (*unet.ChangeSet, error) {
	return nil, notYet()
}
func (s *Service) ApplyChangeSet(ctx context.Context, id string, o unet.ApplyOptions) (*unet.ChangeSet, error) {
	return nil, notYet()
}
func (s *Service) RebaseChangeSet(ctx context.Context, id string) (*unet.ChangeSet, error) {
	return nil, notYet()
}
func (s *Service) RevertChange(ctx context.Context, ref string, o unet.RevertOptions) (*unet.ChangeSet, error) {
	return nil, notYet()
}
func (s *Service) ListChangeEvents(ctx context.Context, f unet.ChangeEventFilter) (*unet.List[unet.ChangeEvent], error) {
	return nil, notYet()
}
