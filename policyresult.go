package unet

import (
	"context"
	"time"
)

// Compliance statuses of a policy result.
const (
	StatusPass          = "pass"
	StatusFail          = "fail"
	StatusError         = "error"
	StatusNotApplicable = "not_applicable"
)

// PolicyResult is the result of one rule for one object (SPEC §3.2). Its JSON
// shape is the one `unet policy eval -o json` prints and scripts rely on.
type PolicyResult struct {
	ObjectKind string   `json:"object_kind"`
	ObjectID   string   `json:"object_id"`
	ObjectName string   `json:"object_name"`
	Rule       string   `json:"rule"`
	Severity   string   `json:"severity"`
	Status     string   `json:"status"`
	Expected   any      `json:"expected"`
	Actual     any      `json:"actual"`
	Message    string   `json:"message"`
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Warnings   []string `json:"warnings,omitempty"`
	Explain    any      `json:"explain,omitempty"`
	// Source is where the rules came from: a directory or a commit.
	Source string `json:"source,omitempty"`
	// EvaluatedAt is when this result was last computed; Since is when the
	// object's status for the rule last changed (stored results only).
	EvaluatedAt *time.Time `json:"evaluated_at,omitempty"`
	Since       *time.Time `json:"since,omitempty"`
}

// ComplianceChange records that an object's status for a rule changed.
type ComplianceChange struct {
	ID         string    `json:"id"`
	Time       time.Time `json:"time"`
	ObjectKind string    `json:"object_kind"`
	ObjectID   string    `json:"object_id"`
	ObjectName string    `json:"object_name"`
	Rule       string    `json:"rule"`
	Severity   string    `json:"severity"`
	From       string    `json:"from"` // "" when the object had no result for the rule
	To         string    `json:"to"`   // "" when the rule or object went away
	Source     string    `json:"source"`
}

// PolicyFile is one rule file sent for evaluation: its name (for positions in
// messages) and its text.
type PolicyFile struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

// PolicyEvalRequest asks for an evaluation of the inventory.
type PolicyEvalRequest struct {
	// Files are the rule files, in evaluation order. Empty: use the policy
	// source configured on the service.
	Files []PolicyFile `json:"files,omitempty"`
	// Source labels the rules (a directory or a commit) in stored results.
	Source string `json:"source,omitempty"`
	// Nodes limits node evaluation to these references (links and locations
	// are then not evaluated). Empty: every object.
	Nodes []string `json:"nodes,omitempty"`
	// Rule limits the results to one rule ID (earlier rules still run, so
	// their SETs are seen).
	Rule    string `json:"rule,omitempty"`
	Explain bool   `json:"explain,omitempty"`
	// Store saves results and appends compliance history.
	Store bool `json:"store,omitempty"`
}

// PolicyEvalReport is the outcome of an evaluation.
type PolicyEvalReport struct {
	Results []PolicyResult `json:"results"`
	// Templates lists, per node FQDN, the templates assigned by APPLY in order.
	Templates map[string][]string `json:"templates"`
	// Sets lists, per node FQDN, the custom_data SETs made by rules.
	Sets map[string][]PolicySet `json:"sets,omitempty"`
	// Changed counts stored results whose status changed (with Store).
	Changed int `json:"changed"`
}

// PolicySet is one SET a rule made on a node's effective custom_data.
type PolicySet struct {
	Rule  string `json:"rule"`
	Path  string `json:"path"`
	Value any    `json:"value"`
	File  string `json:"file"`
	Line  int    `json:"line"`
}

// PolicyResultFilter selects stored results.
type PolicyResultFilter struct {
	Node     string // node reference
	Rule     string
	Status   string
	Severity string
	Kind     string
	Page
}

// ComplianceHistoryFilter selects compliance history rows.
type ComplianceHistoryFilter struct {
	Node  string
	Rule  string
	Since time.Time
	Page
}

// PolicyApplyRequest turns the SETs of an evaluation into one tracked change.
type PolicyApplyRequest struct {
	Files  []PolicyFile `json:"files,omitempty"`
	Source string       `json:"source,omitempty"`
	Reason string       `json:"reason,omitempty"`
	DryRun bool         `json:"dry_run,omitempty"`
	// Emergency as in WriteOptions.
	Emergency bool `json:"emergency,omitempty"`
}

// PolicyApplyReport lists the nodes whose custom_data the SETs changed.
type PolicyApplyReport struct {
	Batch   string   `json:"batch"`
	Updated []string `json:"updated"`
	DryRun  bool     `json:"dry_run"`
	// Ops are, on a dry run, the updates the apply would make: one merge
	// patch of custom_data per node, as `policy apply --propose` stages them.
	Ops []ChangeOp `json:"ops,omitempty"`
}

// PolicyService evaluates policies against the inventory and keeps results.
type PolicyService interface {
	// ValidatePolicies parses and checks rule files; the problems come back as
	// field errors (File, Field "line:col", Message), nil when all is valid.
	ValidatePolicies(ctx context.Context, files []PolicyFile) ([]FieldError, error)
	// PolicyWarnings returns the checker's warnings on valid rule files (rules
	// whose meaning may not be the intended one), positioned like the errors
	// of ValidatePolicies; nil when there are none.
	PolicyWarnings(ctx context.Context, files []PolicyFile) ([]FieldError, error)
	EvaluatePolicies(ctx context.Context, req PolicyEvalRequest) (*PolicyEvalReport, error)
	ApplyPolicies(ctx context.Context, req PolicyApplyRequest) (*PolicyApplyReport, error)
	ListPolicyResults(ctx context.Context, f PolicyResultFilter) (*List[PolicyResult], error)
	ListComplianceHistory(ctx context.Context, f ComplianceHistoryFilter) (*List[ComplianceChange], error)
	// SummarizePolicyResults counts the stored results the caller may see
	// by severity, rule and status, and lists the nodes failing critical
	// or high rules.
	SummarizePolicyResults(ctx context.Context, f PolicyResultSummaryFilter) (*PolicyResultSummary, error)
}
