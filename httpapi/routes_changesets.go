package httpapi

import (
	"net/http"
	"net/url"

	"github.com/unet-dev/unet"
)

// Permissions of change review (see unet.Permissions).
const (
	PermChangesPropose   = unet.PermChangesPropose
	PermChangesApply     = unet.PermChangesApply
	PermChangesForce     = unet.PermChangesForce
	PermChangesEmergency = unet.PermChangesEmergency
	PermChangesReview    = unet.PermChangesReview
	PermApprovalsRead    = unet.PermApprovalsRead
	PermApprovalsWrite   = unet.PermApprovalsWrite
)

// ChangeOpsRequest is the body of POST /changesets/{id}/ops: operations to
// append to a set.
type ChangeOpsRequest struct {
	Ops []unet.ChangeOp `json:"ops"`
}

// CommentRequest is the body of approve, reject and review.
type CommentRequest struct {
	Comment string `json:"comment"`
}

// ReasonRequest is the body of abandon.
type ReasonRequest struct {
	Reason string `json:"reason"`
}

func emergencyParam() Param {
	return Param{Name: "emergency", Type: "boolean",
		Description: "apply at once even where change sets are required: needs reason and, with authentication, " +
			"changes:emergency; flagged in the change log and listed as an emergency change until someone else reviews it"}
}

// writeParams are the query parameters of every direct inventory write.
func writeParams() []Param { return []Param{reasonParam(), emergencyParam()} }

func changeSetIDParam() []Param {
	return []Param{{Name: "id", Type: "string", Description: "change set ID, e.g. cs-17"}}
}

// changeSetRoutes are the routes of change review: change sets, their
// transitions, reverts, events, emergency changes and approval rules.
func (s *Server) changeSetRoutes() []Route {
	base := BasePath + "/changesets"
	item := base + "/{id}"
	id := changeSetIDParam()
	transition := func(action, opID, summary string, perm Permission, body any, h handlerFunc) Route {
		return Route{Method: http.MethodPost, Path: item + "/" + action, Permission: perm, OperationID: opID,
			Tag: "changesets", Summary: summary, PathParams: id, Body: body, Long: true,
			Status: http.StatusOK, Result: unet.ChangeSet{}, handle: h}
	}
	return []Route{
		{Method: http.MethodPost, Path: base, Permission: PermChangesPropose, OperationID: "proposeChangeSet",
			Tag: "changesets", Summary: "Propose a change set: its operations are dry-run at once (errors positioned as ops[N].field)",
			Body: unet.ChangeSetRequest{}, BodyLimit: s.opts.MaxImportBytes, Long: true,
			Status: http.StatusCreated, Result: unet.ChangeSet{}, handle: s.proposeChangeSet},
		{Method: http.MethodGet, Path: base, Permission: PermChangesRead, OperationID: "listChangeSets",
			Tag: "changesets", Summary: "List change sets, newest first",
			Query: append([]Param{
				{Name: "state", Type: "string", Description: "only sets in this state (open, proposed, approved, applied, rejected, abandoned, reverted)"},
				{Name: "author", Type: "string", Description: "only sets by this author"},
			}, pageParams()...),
			Status: http.StatusOK, Result: unet.List[unet.ChangeSet]{}, handle: s.listChangeSets},
		{Method: http.MethodGet, Path: item, Permission: PermChangesRead, OperationID: "getChangeSet",
			Tag: "changesets", Summary: "Show a change set with its approval requirement, conflicts and (by default) its impact",
			PathParams: id, Query: []Param{{Name: "impact", Type: "boolean",
				Description: "compute the impact on objects, compliance and rendered configurations (default true)"}},
			Long: true, Status: http.StatusOK, Result: unet.ChangeSet{}, handle: s.getChangeSet},
		{Method: http.MethodPost, Path: item + "/ops", Permission: PermChangesPropose, OperationID: "appendChangeOps",
			Tag: "changesets", Summary: "Append operations to a set that is not final; approvals are dismissed",
			PathParams: id, Body: ChangeOpsRequest{}, BodyLimit: s.opts.MaxImportBytes, Long: true,
			Status: http.StatusOK, Result: unet.ChangeSet{}, handle: s.appendChangeOps},
		transition("submit", "submitChangeSet", "Submit an open (draft) set for review", PermChangesPropose, nil, s.submitChangeSet),
		transition("approve", "approveChangeSet", "Approve a set (never its author's own); applies it when it asks for auto-apply and is satisfied",
			PermChangesApprove, CommentRequest{}, s.approveChangeSet),
		transition("reject", "rejectChangeSet", "Reject a set (a comment is required)", PermChangesApprove, CommentRequest{}, s.rejectChangeSet),
		transition("abandon", "abandonChangeSet", "Abandon a set (its author, or an approver)", PermChangesPropose, ReasonRequest{}, s.abandonChangeSet),
		transition("apply", "applyChangeSet", "Apply an approved set in one transaction; 409 with the conflicting fields, 403 when approvals are missing or a guard trips (force with a reason overrides guards; emergency with a reason applies without approvals)",
			PermChangesApply, unet.ApplyOptions{}, s.applyChangeSet),
		transition("rebase", "rebaseChangeSet", "Move operations whose fields did not change onto the current objects; dismisses approvals",
			PermChangesPropose, nil, s.rebaseChangeSet),
		{Method: http.MethodPost, Path: BasePath + "/changes/{id}/revert", Permission: PermChangesApply, OperationID: "revertChange",
			Tag: "changesets", Summary: "Revert one change (a change ID) or a whole applied set (cs-N) as a new applied set; 409 when an object changed since, unless force",
			PathParams: []Param{{Name: "id", Type: "string", Description: "change ID, or change set ID (cs-N)"}},
			Body:       unet.RevertOptions{}, Long: true, Status: http.StatusOK, Result: unet.ChangeSet{}, handle: s.revertChange},
		{Method: http.MethodGet, Path: BasePath + "/change-events", Permission: PermChangesRead, OperationID: "listChangeEvents",
			Tag: "changesets", Summary: "State transitions of change sets and emergency changes, oldest first (poll with after)",
			Query: []Param{
				{Name: "after", Type: "string", Description: "only events after this event ID"},
				{Name: "changeset", Type: "string", Description: "only events of this change set"},
				{Name: "since", Type: "date-time", Description: "only events at or after this time (RFC 3339)"},
				{Name: "limit", Type: "integer", Description: "at most this many events"},
			},
			Status: http.StatusOK, Result: unet.List[unet.ChangeEvent]{}, handle: s.listChangeEvents},
		{Method: http.MethodGet, Path: BasePath + "/emergency-changes", Permission: PermChangesRead, OperationID: "listEmergencyChanges",
			Tag: "changesets", Summary: "Changes applied with emergency, newest first, with their reviews",
			Query:  append([]Param{{Name: "pending", Type: "boolean", Description: "only those nobody has reviewed yet"}}, pageParams()...),
			Status: http.StatusOK, Result: unet.List[unet.EmergencyChange]{}, handle: s.listEmergencyChanges},
		{Method: http.MethodPost, Path: BasePath + "/emergency-changes/{ref}/review", Permission: PermChangesReview,
			OperationID: "reviewEmergencyChange", Tag: "changesets",
			Summary:    "Review an emergency change (someone other than its author; a comment is required)",
			PathParams: []Param{{Name: "ref", Type: "string", Description: "the change batch, one of its change IDs, or its change set (cs-N)"}},
			Body:       CommentRequest{}, Status: http.StatusOK, Result: unet.EmergencyChange{}, handle: s.reviewEmergencyChange},
		{Method: http.MethodGet, Path: BasePath + "/approvals", Permission: PermApprovalsRead, OperationID: "listApprovalRules",
			Tag: "approvals", Summary: "Approval rules (not paginated)",
			Status: http.StatusOK, Result: unet.List[unet.ApprovalRule]{}, handle: s.listApprovalRules},
		{Method: http.MethodPost, Path: BasePath + "/approvals", Permission: PermApprovalsWrite, OperationID: "addApprovalRule",
			Tag: "approvals", Summary: "Add an approval rule: when its condition matches the before or after image of an object a set touches, the set needs require approvals",
			Query: []Param{reasonParam()}, Body: unet.ApprovalRule{},
			Status: http.StatusCreated, Result: unet.ApprovalRule{}, handle: s.addApprovalRule},
		{Method: http.MethodDelete, Path: BasePath + "/approvals/{name}", Permission: PermApprovalsWrite, OperationID: "removeApprovalRule",
			Tag: "approvals", Summary: "Remove an approval rule",
			PathParams: []Param{{Name: "name", Type: "string", Description: "rule name"}}, Query: []Param{reasonParam()},
			Status: http.StatusNoContent, handle: s.removeApprovalRule},
	}
}

// writeOptions reads the query parameters of a direct write.
func writeOptions(q url.Values) (unet.WriteOptions, error) {
	emergency, err := boolParam(q, "emergency")
	return unet.WriteOptions{Reason: q.Get("reason"), Emergency: emergency}, err
}
