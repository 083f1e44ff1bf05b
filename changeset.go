package unet

import (
	"context"
	"encoding/json"
	"time"
)

// Change set states (SPEC §7.2). A set is created open (a draft that takes
// more operations) or proposed (ready for review); it becomes approved when
// its approval requirement is met and applied when its operations are
// written. rejected and abandoned are final; an applied set can be reverted.
const (
	ChangeSetOpen      = "open"
	ChangeSetProposed  = "proposed"
	ChangeSetApproved  = "approved"
	ChangeSetApplied   = "applied"
	ChangeSetRejected  = "rejected"
	ChangeSetAbandoned = "abandoned"
	ChangeSetReverted  = "reverted"
)

// ChangeSetStates lists the states in their natural order.
func ChangeSetStates() []string {
	return []string{ChangeSetOpen, ChangeSetProposed, ChangeSetApproved, ChangeSetApplied,
		ChangeSetRejected, ChangeSetAbandoned, ChangeSetReverted}
}

// Operations of a change set besides OpCreate, OpUpdate and OpDelete.
const (
	// OpImport upserts a whole interchange bundle (Data is the Bundle).
	OpImport = "import"
)

// KindBundle is the Kind of an OpImport operation.
const KindBundle = "bundle"

// KindApprovalRule is the change-log kind of approval rules.
const KindApprovalRule = "approval_rule"

// ChangeOp is one staged operation of a change set.
//
//   - create: Kind is node, link, location or vendor; Data is the object (its
//     JSON form, references by name as on the create commands).
//   - update: Ref names the object (ID, name, FQDN or path); Data is the merge
//     patch (RFC 7396) of the update commands.
//   - delete: Ref names the object; Cascade as on the delete commands.
//   - import: Kind is "bundle"; Data is the Bundle.
//
// Bases are the objects the operation touched when it was staged (its dry
// run): their version and image then. They are what conflicts are measured
// against, and what a rebase moves forward.
type ChangeOp struct {
	Seq     int             `json:"seq"`
	Op      string          `json:"op"`
	Kind    string          `json:"kind"`
	Ref     string          `json:"ref,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
	Cascade bool            `json:"cascade,omitempty"`
	AddedBy string          `json:"added_by"`
	AddedAt time.Time       `json:"added_at"`
	Bases   []OpBase        `json:"bases"`
}

// OpBase is an object as an operation found it when staged. Version 0 and a
// null Image mean the object did not exist (a create).
type OpBase struct {
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	Name    string          `json:"name"`
	Version int             `json:"version"`
	Image   json.RawMessage `json:"image"`
}

// Approval is one review decision on a change set. Dismissed approvals
// (operations changed after them) no longer count.
type Approval struct {
	Actor       string     `json:"actor"`
	Decision    string     `json:"decision"` // approve or reject
	Comment     string     `json:"comment"`
	Roles       []string   `json:"roles"` // the roles the actor held when deciding
	At          time.Time  `json:"at"`
	DismissedAt *time.Time `json:"dismissed_at,omitempty"`
}

// Approval decisions.
const (
	DecisionApprove = "approve"
	DecisionReject  = "reject"
)

// ApprovalRequirement is what a change set needs before it can be applied:
// every matching rule must be satisfied; Required is the largest number any
// of them asks for (1 when none matches).
type ApprovalRequirement struct {
	Required int         `json:"required"`
	Rules    []RuleMatch `json:"rules"`
	// Approvals counts the approvals that are not dismissed.
	Approvals int `json:"approvals"`
	// Satisfied reports whether the approvals meet every matching rule.
	Satisfied bool `json:"satisfied"`
}

// RuleMatch is an approval rule that matched a change set, with the objects
// that made it match.
type RuleMatch struct {
	Rule      string   `json:"rule"`
	Require   int      `json:"require"`
	Role      string   `json:"role,omitempty"`
	Objects   []string `json:"objects"` // KIND/NAME
	Approvals int      `json:"approvals"`
}

// ChangeSet is a reviewable group of operations (SPEC §7.2).
type ChangeSet struct {
	ID          string              `json:"id"` // "cs-17"
	State       string              `json:"state"`
	Title       string              `json:"title"`
	Description string              `json:"description"`
	Author      string              `json:"author"`
	CreatedAt   time.Time           `json:"created_at"`
	UpdatedAt   time.Time           `json:"updated_at"`
	Version     int                 `json:"version"`
	AutoApply   bool                `json:"auto_apply"`
	Ops         []ChangeOp          `json:"ops"`
	Approvals   []Approval          `json:"approvals"`
	Requirement ApprovalRequirement `json:"requirement"`
	// AppliedAt, AppliedBy and Batch describe the apply: Batch is the
	// change-log batch its rows share.
	AppliedAt *time.Time `json:"applied_at,omitempty"`
	AppliedBy string     `json:"applied_by,omitempty"`
	Batch     string     `json:"batch,omitempty"`
	// Emergency marks a set applied without approvals (--emergency); Reason
	// is the reason given for it or for a forced apply.
	Emergency bool   `json:"emergency,omitempty"`
	Reason    string `json:"reason,omitempty"`
	// Reverts names what this set reverts (a change ID or "cs-N");
	// RevertedBy the set that reverted this one.
	Reverts    string `json:"reverts,omitempty"`
	RevertedBy string `json:"reverted_by,omitempty"`
	// Impact is computed on demand (show, the API's GET with impact); nil
	// when not asked for and on final states.
	Impact *Impact `json:"impact,omitempty"`
	// Conflicts lists the staged objects that changed since staging.
	Conflicts []Conflict `json:"conflicts"`
}

// Impact is what a change set would do, computed against the current
// inventory with the active policies and templates of each affected node's
// environment.
type Impact struct {
	ComputedAt time.Time       `json:"computed_at"`
	Objects    []ObjectImpact  `json:"objects"`
	Policy     []PolicyImpact  `json:"policy"`
	Config     []ConfigImpact  `json:"config"`
	Guards     []GuardResult   `json:"guards"`
	Stats      ImpactStats     `json:"stats"`
	Problems   []ImpactProblem `json:"problems"`
}

// ImpactStats counts what the impact computation looked at.
type ImpactStats struct {
	AffectedNodes  int     `json:"affected_nodes"`
	TotalNodes     int     `json:"total_nodes"`
	EvaluatedRules int     `json:"evaluated_rules"`
	RenderedNodes  int     `json:"rendered_nodes"`
	ConfigChanged  int     `json:"config_changed"`
	Seconds        float64 `json:"seconds"`
}

// ImpactProblem is something the impact could not compute (a template that
// fails to render for a node, before or after), so that a reviewer sees it
// instead of a silently missing diff.
type ImpactProblem struct {
	Object  string `json:"object"` // KIND/NAME
	Stage   string `json:"stage"`  // before or after
	Message string `json:"message"`
}

// ObjectImpact is one object the set creates, updates or deletes, with its
// images and the fields that differ.
type ObjectImpact struct {
	Kind   string          `json:"kind"`
	ID     string          `json:"id"`
	Name   string          `json:"name"`
	Op     string          `json:"op"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
	Fields []FieldChange   `json:"fields"`
}

// FieldChange is one field's value before and after (dotted path for
// nested custom_data keys).
type FieldChange struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// PolicyImpact is one (object, rule) whose status changes. Before or After
// is "" when the rule did not apply to the object on that side.
type PolicyImpact struct {
	Kind     string `json:"kind"`
	Object   string `json:"object"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Before   string `json:"before"`
	After    string `json:"after"`
	Message  string `json:"message,omitempty"`
}

// ConfigImpact is one node whose rendered configuration changes, with the
// unified diff (template by template, as `template diff` prints it).
type ConfigImpact struct {
	Node    string `json:"node"`
	Added   int    `json:"added"`
	Removed int    `json:"removed"`
	Diff    string `json:"diff"`
	// Remediation holds the commands that take the configuration rendered
	// before the set to the one rendered after it, in the node's dialect
	// (nil when the node's configuration does not parse in it).
	Remediation *Remediation `json:"remediation,omitempty"`
	// RemediationError says why Remediation is missing.
	RemediationError string `json:"remediation_error,omitempty"`
}

// GuardResult is one guard (SPEC §7.4) evaluated on a change set.
type GuardResult struct {
	Name    string `json:"name"`
	Tripped bool   `json:"tripped"`
	Detail  string `json:"detail"`
}

// Conflict is a staged object that changed since its operation was staged.
type Conflict struct {
	Seq            int           `json:"seq"` // the operation
	Kind           string        `json:"kind"`
	ID             string        `json:"id"`
	Name           string        `json:"name"`
	StagedVersion  int           `json:"staged_version"`
	CurrentVersion int           `json:"current_version"` // 0: deleted since
	Fields         []FieldChange `json:"fields"`          // staged → current
	// Overlaps reports whether the operation itself changes one of the
	// fields that changed; a rebase moves only operations without overlap.
	Overlaps bool `json:"overlaps"`
}

// ChangeSetRequest creates a change set.
type ChangeSetRequest struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Draft creates the set open (it takes more operations before it is
	// submitted) instead of proposed.
	Draft     bool       `json:"draft,omitempty"`
	AutoApply bool       `json:"auto_apply,omitempty"`
	Ops       []ChangeOp `json:"ops"`
}

// ChangeSetFilter selects change sets.
type ChangeSetFilter struct {
	State  string // one state, "" for all
	Author string
	Page
}

// ChangeSetView says what GetChangeSet computes besides the stored set.
type ChangeSetView struct {
	Impact bool
}

// ApplyOptions qualify applying a change set. Force (with Reason) overrides
// tripped guards; Emergency (with Reason) applies without approvals.
type ApplyOptions struct {
	Force     bool   `json:"force,omitempty"`
	Emergency bool   `json:"emergency,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// RevertOptions qualify a revert. Force reverts even objects that changed
// since (their current state is overwritten by the older image).
type RevertOptions struct {
	Reason string `json:"reason,omitempty"`
	Force  bool   `json:"force,omitempty"`
}

// ChangeEvent is one state transition of a change set, or an emergency
// change or review, for notifications and the event stream.
type ChangeEvent struct {
	ID         string    `json:"id"`
	Time       time.Time `json:"time"`
	Actor      string    `json:"actor"`
	ChangeSet  string    `json:"change_set,omitempty"`
	Transition string    `json:"transition"`
	From       string    `json:"from,omitempty"`
	To         string    `json:"to,omitempty"`
	Detail     string    `json:"detail,omitempty"`
}

// Event transitions besides the state names.
const (
	EventCreated           = "created"
	EventAppended          = "appended"
	EventSubmitted         = "submitted"
	EventApproved          = "approved"
	EventApprovalDismissed = "approvals_dismissed"
	EventRejected          = "rejected"
	EventAbandoned         = "abandoned"
	EventApplied           = "applied"
	EventRebased           = "rebased"
	EventReverted          = "reverted"
	EventEmergency         = "emergency"
	EventReviewed          = "reviewed"
	EventForced            = "forced"
)

// ChangeEventFilter selects events: after an event ID (for polling), of one
// set, or since a time.
type ChangeEventFilter struct {
	After     string
	ChangeSet string
	Since     time.Time
	Limit     int
}

// EmergencyChange is a change applied with --emergency: one change-log batch
// (or a change set applied as an emergency) that someone other than its
// author must review.
type EmergencyChange struct {
	Batch     string    `json:"batch"`
	ChangeSet string    `json:"change_set,omitempty"`
	Time      time.Time `json:"time"`
	Actor     string    `json:"actor"`
	Reason    string    `json:"reason"`
	Objects   []string  `json:"objects"` // KIND/NAME
	Changes   []string  `json:"changes"` // change IDs
	// Review is nil until someone reviewed it.
	Review *EmergencyReview `json:"review,omitempty"`
}

// EmergencyReview is the after-the-fact review of an emergency change.
type EmergencyReview struct {
	Reviewer string    `json:"reviewer"`
	Comment  string    `json:"comment"`
	At       time.Time `json:"at"`
}

// EmergencyFilter selects emergency changes; Pending keeps the unreviewed.
type EmergencyFilter struct {
	Pending bool
	Page
}

// ChangeSetService is change review (SPEC §7.2, §7.4).
type ChangeSetService interface {
	// ProposeChangeSet stages operations as a new set; every operation is
	// dry-run at once so that bad input fails here, positioned by operation.
	ProposeChangeSet(ctx context.Context, req ChangeSetRequest) (*ChangeSet, error)
	// AppendChangeOps adds operations to an open, proposed or approved set;
	// approvals are dismissed and an approved set goes back to proposed.
	AppendChangeOps(ctx context.Context, id string, ops []ChangeOp) (*ChangeSet, error)
	GetChangeSet(ctx context.Context, id string, v ChangeSetView) (*ChangeSet, error)
	ListChangeSets(ctx context.Context, f ChangeSetFilter) (*List[ChangeSet], error)
	// SubmitChangeSet moves an open set to proposed.
	SubmitChangeSet(ctx context.Context, id string) (*ChangeSet, error)
	ApproveChangeSet(ctx context.Context, id, comment string) (*ChangeSet, error)
	RejectChangeSet(ctx context.Context, id, comment string) (*ChangeSet, error)
	AbandonChangeSet(ctx context.Context, id, reason string) (*ChangeSet, error)
	// ApplyChangeSet writes the operations in one transaction; refused with
	// ECONFLICT (and the conflicts) when a staged object changed, with
	// EFORBIDDEN when approvals are missing or a guard trips.
	ApplyChangeSet(ctx context.Context, id string, o ApplyOptions) (*ChangeSet, error)
	// RebaseChangeSet moves the bases of operations whose fields did not
	// change to the current objects, and dismisses approvals.
	RebaseChangeSet(ctx context.Context, id string) (*ChangeSet, error)
	// RevertChange applies the inverse of one change (a change ID) or of a
	// whole applied set ("cs-N") as a new, applied set.
	RevertChange(ctx context.Context, ref string, o RevertOptions) (*ChangeSet, error)
	ListChangeEvents(ctx context.Context, f ChangeEventFilter) (*List[ChangeEvent], error)
	ListEmergencyChanges(ctx context.Context, f EmergencyFilter) (*List[EmergencyChange], error)
	// ReviewEmergencyChange records the review of an emergency change by its
	// batch, one of its change IDs or its set; the author cannot review it.
	ReviewEmergencyChange(ctx context.Context, ref, comment string) (*EmergencyChange, error)
}

// ApprovalRule decides who must approve a change set by what it touches.
// When is a condition of the policy language, evaluated against the before
// and the after image of every object the set touches.
type ApprovalRule struct {
	Name        string    `json:"name"`
	When        string    `json:"when"`
	Require     int       `json:"require"`
	Role        string    `json:"role,omitempty"`
	Environment string    `json:"environment,omitempty"`
	Description string    `json:"description,omitempty"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// ApprovalRuleService manages approval rules; every change is change-logged
// (kind approval_rule).
type ApprovalRuleService interface {
	ListApprovalRules(ctx context.Context) ([]ApprovalRule, error)
	AddApprovalRule(ctx context.Context, r ApprovalRule, o WriteOptions) (*ApprovalRule, error)
	RemoveApprovalRule(ctx context.Context, name string, o DeleteOptions) error
}

// HistoryService reconstructs objects from the change log (time travel).
// At is an RFC 3339 time or a change ID: the state right after that change.
type HistoryService interface {
	NodeAt(ctx context.Context, ref, at string) (*Node, error)
	LinkAt(ctx context.Context, ref, at string) (*Link, error)
	LocationAt(ctx context.Context, ref, at string) (*Location, error)
	// ExportAt is Export of the inventory as it was at that point.
	ExportAt(ctx context.Context, at string) (*Bundle, error)
}

// EmptyJSON reports whether a decoded JSON value carries nothing: null, "",
// 0, false, [], {} or the zero time (how the change log's before and after
// of an object show a field that was not set).
func EmptyJSON(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == "" || x == "0001-01-01T00:00:00Z"
	case float64:
		return x == 0
	case bool:
		return !x
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
