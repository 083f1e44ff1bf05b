package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/unet-dev/unet"
)

func changeSetPath(id string, action ...string) string {
	p := BasePath + "/changesets/" + url.PathEscape(id)
	for _, a := range action {
		p += "/" + a
	}
	return p
}

// ProposeChangeSet stages operations as a new change set on the server.
func (c *Client) ProposeChangeSet(ctx context.Context, req unet.ChangeSetRequest) (*unet.ChangeSet, error) {
	return fetch[unet.ChangeSet](ctx, c, call{method: http.MethodPost, path: BasePath + "/changesets", body: req})
}

// AppendChangeOps adds operations to a change set.
func (c *Client) AppendChangeOps(ctx context.Context, id string, ops []unet.ChangeOp) (*unet.ChangeSet, error) {
	return fetch[unet.ChangeSet](ctx, c, call{method: http.MethodPost, path: changeSetPath(id, "ops"), body: ChangeOpsRequest{Ops: ops}})
}

// GetChangeSet fetches a change set, with its impact when v asks for it.
func (c *Client) GetChangeSet(ctx context.Context, id string, v unet.ChangeSetView) (*unet.ChangeSet, error) {
	q := url.Values{"impact": {strconv.FormatBool(v.Impact)}}
	return fetch[unet.ChangeSet](ctx, c, call{method: http.MethodGet, path: changeSetPath(id), query: q})
}

// ListChangeSets fetches one page of change sets.
func (c *Client) ListChangeSets(ctx context.Context, f unet.ChangeSetFilter) (*unet.List[unet.ChangeSet], error) {
	q := url.Values{}
	setIf(q, "state", f.State)
	setIf(q, "author", f.Author)
	return fetch[unet.List[unet.ChangeSet]](ctx, c, call{method: http.MethodGet, path: BasePath + "/changesets", query: pageQuery(q, f.Page)})
}

// SubmitChangeSet moves an open set to proposed.
func (c *Client) SubmitChangeSet(ctx context.Context, id string) (*unet.ChangeSet, error) {
	return fetch[unet.ChangeSet](ctx, c, call{method: http.MethodPost, path: changeSetPath(id, "submit")})
}

// ApproveChangeSet approves a set as the client's principal.
func (c *Client) ApproveChangeSet(ctx context.Context, id, comment string) (*unet.ChangeSet, error) {
	return fetch[unet.ChangeSet](ctx, c, call{method: http.MethodPost, path: changeSetPath(id, "approve"), body: CommentRequest{Comment: comment}})
}

// RejectChangeSet rejects a set.
func (c *Client) RejectChangeSet(ctx context.Context, id, comment string) (*unet.ChangeSet, error) {
	return fetch[unet.ChangeSet](ctx, c, call{method: http.MethodPost, path: changeSetPath(id, "reject"), body: CommentRequest{Comment: comment}})
}

// AbandonChangeSet abandons a set.
func (c *Client) AbandonChangeSet(ctx context.Context, id, reason string) (*unet.ChangeSet, error) {
	return fetch[unet.ChangeSet](ctx, c, call{method: http.MethodPost, path: changeSetPath(id, "abandon"), body: ReasonRequest{Reason: reason}})
}

// ApplyChangeSet applies a set; a conflict comes back as a conflict error
// whose fields name the objects and fields that changed.
func (c *Client) ApplyChangeSet(ctx context.Context, id string, o unet.ApplyOptions) (*unet.ChangeSet, error) {
	return fetch[unet.ChangeSet](ctx, c, call{method: http.MethodPost, path: changeSetPath(id, "apply"), body: o})
}

// RebaseChangeSet moves a set's operations onto the current objects.
func (c *Client) RebaseChangeSet(ctx context.Context, id string) (*unet.ChangeSet, error) {
	return fetch[unet.ChangeSet](ctx, c, call{method: http.MethodPost, path: changeSetPath(id, "rebase")})
}

// RevertChange reverts a change (its ID) or an applied set ("cs-N").
func (c *Client) RevertChange(ctx context.Context, ref string, o unet.RevertOptions) (*unet.ChangeSet, error) {
	return fetch[unet.ChangeSet](ctx, c, call{method: http.MethodPost, path: BasePath + "/changes/" + url.PathEscape(ref) + "/revert", body: o})
}

// ListChangeEvents fetches change-set events.
func (c *Client) ListChangeEvents(ctx context.Context, f unet.ChangeEventFilter) (*unet.List[unet.ChangeEvent], error) {
	q := url.Values{}
	setIf(q, "after", f.After)
	setIf(q, "changeset", f.ChangeSet)
	if !f.Since.IsZero() {
		q.Set("since", f.Since.Format(time.RFC3339Nano))
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	return fetch[unet.List[unet.ChangeEvent]](ctx, c, call{method: http.MethodGet, path: BasePath + "/change-events", query: q})
}

// ListEmergencyChanges fetches one page of emergency changes.
func (c *Client) ListEmergencyChanges(ctx context.Context, f unet.EmergencyFilter) (*unet.List[unet.EmergencyChange], error) {
	q := url.Values{}
	if f.Pending {
		q.Set("pending", "true")
	}
	return fetch[unet.List[unet.EmergencyChange]](ctx, c, call{method: http.MethodGet, path: BasePath + "/emergency-changes", query: pageQuery(q, f.Page)})
}

// ReviewEmergencyChange records the review of an emergency change.
func (c *Client) ReviewEmergencyChange(ctx context.Context, ref, comment string) (*unet.EmergencyChange, error) {
	return fetch[unet.EmergencyChange](ctx, c, call{method: http.MethodPost,
		path: BasePath + "/emergency-changes/" + url.PathEscape(ref) + "/review", body: CommentRequest{Comment: comment}})
}

// ListApprovalRules fetches the approval rules.
func (c *Client) ListApprovalRules(ctx context.Context) ([]unet.ApprovalRule, error) {
	var out unet.List[unet.ApprovalRule]
	if err := c.do(ctx, call{method: http.MethodGet, path: BasePath + "/approvals", out: &out}); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// AddApprovalRule adds an approval rule.
func (c *Client) AddApprovalRule(ctx context.Context, r unet.ApprovalRule, o unet.WriteOptions) (*unet.ApprovalRule, error) {
	return fetch[unet.ApprovalRule](ctx, c, call{method: http.MethodPost, path: BasePath + "/approvals", query: writeQuery(o.Reason), body: r})
}

// RemoveApprovalRule removes an approval rule.
func (c *Client) RemoveApprovalRule(ctx context.Context, name string, o unet.DeleteOptions) error {
	return c.do(ctx, call{method: http.MethodDelete, path: BasePath + "/approvals/" + url.PathEscape(name), query: writeQuery(o.Reason)})
}
