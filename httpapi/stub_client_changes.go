package httpapi

// STUB (replaced by the change-set client).

import (
	"context"

	"github.com/unet-dev/unet"
)

func notYetClient() error { return unet.Errorf(unet.EINTERNAL, "not implemented yet") }

func (c *Client) ProposeChangeSet(ctx context.Context, req unet.ChangeSetRequest) (*unet.ChangeSet, error) {
	return nil, notYetClient()
}
func (c *Client) AppendChangeOps(ctx context.Context, id string, ops []unet.ChangeOp) (*unet.ChangeSet, error) {
	return nil, notYetClient()
}
func (c *Client) GetChangeSet(ctx context.Context, id string, v unet.ChangeSetView) (*unet.ChangeSet, error) {
	return nil, notYetClient()
}
func (c *Client) ListChangeSets(ctx context.Context, f unet.ChangeSetFilter) (*unet.List[unet.ChangeSet], error) {
	return nil, notYetClient()
}
func (c *Client) SubmitChangeSet(ctx context.Context, id string) (*unet.ChangeSet, error) {
	return nil, notYetClient()
}
func (c *Client) ApproveChangeSet(ctx context.Context, id, comment string) (*unet.ChangeSet, error) {
	return nil, notYetClient()
}
func (c *Client) RejectChangeSet(ctx context.Context, id, comment string) (*unet.ChangeSet, error) {
	return nil, notYetClient()
}
func (c *Client) AbandonChangeSet(ctx context.Context, id, reason string) (*unet.ChangeSet, error) {
	return nil, notYetClient()
}
func (c *Client) ApplyChangeSet(ctx context.Context, id string, o unet.ApplyOptions) (*unet.ChangeSet, error) {
	return nil, notYetClient()
}
func (c *Client) RebaseChangeSet(ctx context.Context, id string) (*unet.ChangeSet, error) {
	return nil, notYetClient()
}
func (c *Client) RevertChange(ctx context.Context, ref string, o unet.RevertOptions) (*unet.ChangeSet, error) {
	return nil, notYetClient()
}
func (c *Client) ListChangeEvents(ctx context.Context, f unet.ChangeEventFilter) (*unet.List[unet.ChangeEvent], error) {
	return nil, notYetClient()
}
func (c *Client) ListApprovalRules(ctx context.Context) ([]unet.ApprovalRule, error) {
	return nil, notYetClient()
}
func (c *Client) AddApprovalRule(ctx context.Context, r unet.ApprovalRule, o unet.WriteOptions) (*unet.ApprovalRule, error) {
	return nil, notYetClient()
}
func (c *Client) RemoveApprovalRule(ctx context.Context, name string, o unet.DeleteOptions) error {
	return notYetClient()
}
func (c *Client) ListEmergencyChanges(ctx context.Context, f unet.EmergencyFilter) (*unet.List[unet.EmergencyChange], error) {
	return nil, notYetClient()
}
func (c *Client) ReviewEmergencyChange(ctx context.Context, ref, comment string) (*unet.EmergencyChange, error) {
	return nil, notYetClient()
}
