package unet

import (
	"context"
	"time"
)

// Bounds of a path candidate: its files and their total size.
const (
	MaxCanaryFiles = 10000
	MaxCanaryBytes = 32 << 20
)

// KindCanary is the change-log object kind of canary starts and ends.
const KindCanary = "canary"

// Canary states.
const (
	CanaryActive   = "active"
	CanaryPromoted = "promoted"
	CanaryAborted  = "aborted"
	CanaryExpired  = "expired"
)

// Canary candidate kinds: a commit, the tip of a branch, or files pushed
// from a local directory.
const (
	CanaryCommit = "commit"
	CanaryBranch = "branch"
	CanaryPath   = "path"
)

// Why a canary ended (Canary.EndReason, the reason of canary.aborted).
const (
	CanaryReasonManual   = "manual"
	CanaryReasonTTL      = "ttl"
	CanaryReasonAbortOn  = "abort_on"
	CanaryReasonPromoted = "promoted"
)

// Canary verdicts.
const (
	CanaryPass = "pass"
	CanaryFail = "fail"
)

// Canary is a candidate version of a Git source's policies and templates
// (SPEC §7.3) served to the nodes of one environment that match Selector;
// every other node keeps the active version.
type Canary struct {
	Name        string `json:"name"`
	Source      string `json:"source"`
	Environment string `json:"environment"`
	// CandidateKind is commit, branch or path; CandidateRef the commit or
	// branch given (the directory for path).
	CandidateKind string `json:"candidate_kind"`
	CandidateRef  string `json:"candidate_ref,omitempty"`
	// Commit is the candidate's resolved commit, or "sha256:…" of the files
	// of a path candidate.
	Commit string `json:"commit"`
	// Message is the candidate commit's message.
	Message  string `json:"message,omitempty"`
	Selector string `json:"selector"`
	// AbortOn is a condition over the status counts (new_failures,
	// cleared_failures, changed_configs, render_errors, nodes) that aborts
	// the canary when it holds.
	AbortOn   string    `json:"abort_on,omitempty"`
	TTL       string    `json:"ttl"`
	ExpiresAt time.Time `json:"expires_at"`
	State     string    `json:"state"`
	// EndReason is manual, ttl, abort_on or promoted; EndDetail says more
	// (the reason given, the condition that held).
	EndReason string     `json:"end_reason,omitempty"`
	EndDetail string     `json:"end_detail,omitempty"`
	CreatedBy string     `json:"created_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	EndedBy   string     `json:"ended_by,omitempty"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
	// Summary is the last status computed (by `canary status` or the
	// canary job).
	Summary *CanarySummary `json:"summary,omitempty"`
	// Snapshot names the stored candidate content.
	Snapshot string `json:"snapshot"`
}

// Label is the source label of results evaluated with the candidate.
func (c *Canary) Label() string { return "canary:" + c.Name + "@" + c.Commit }

// CanaryFile is a file of a path candidate, relative to the source's root
// (its sub-directory when it has one).
type CanaryFile struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

// CanaryStartRequest starts a canary. Exactly one of Commit, Branch and
// Files names the candidate.
type CanaryStartRequest struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	// Environment of the source (default: its default environment).
	Environment string       `json:"environment,omitempty"`
	Commit      string       `json:"commit,omitempty"`
	Branch      string       `json:"branch,omitempty"`
	Files       []CanaryFile `json:"files,omitempty"`
	// Dir names the directory the files came from (shown only).
	Dir      string `json:"dir,omitempty"`
	Selector string `json:"selector"`
	TTL      string `json:"ttl"`
	AbortOn  string `json:"abort_on,omitempty"`
}

// CanarySummary counts what a canary changes on its selected nodes.
type CanarySummary struct {
	Nodes           int       `json:"nodes"`
	NewFailures     int       `json:"new_failures"`
	ClearedFailures int       `json:"cleared_failures"`
	ChangedResults  int       `json:"changed_results"`
	ChangedConfigs  int       `json:"changed_configs"`
	RenderErrors    int       `json:"render_errors"`
	Verdict         string    `json:"verdict"`
	Reasons         []string  `json:"reasons,omitempty"`
	At              time.Time `json:"at"`
}

// CanaryRuleChange is one rule whose status differs between baseline and
// candidate on a node: Change is new_failure, cleared or changed.
type CanaryRuleChange struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity,omitempty"`
	Baseline  string `json:"baseline"`
	Candidate string `json:"candidate"`
	Change    string `json:"change"`
	Message   string `json:"message,omitempty"`
}

// CanaryNode is the comparison on one selected node.
type CanaryNode struct {
	Node          string             `json:"node"`
	Rules         []CanaryRuleChange `json:"rules"`
	ConfigChanged bool               `json:"config_changed"`
	Added         int                `json:"added,omitempty"`
	Removed       int                `json:"removed,omitempty"`
	// Diff is the unified diff of the rendered configuration (on request).
	Diff         string   `json:"diff,omitempty"`
	RenderErrors []string `json:"render_errors,omitempty"`
}

// CanaryReport is `canary status`: the canary, the counts and verdict, and
// the comparison node by node.
type CanaryReport struct {
	Canary   Canary          `json:"canary"`
	Summary  CanarySummary   `json:"summary"`
	Nodes    []CanaryNode    `json:"nodes"`
	Problems []ImpactProblem `json:"problems,omitempty"`
}

// CanaryPromoteRequest asks for a canary promotion (PromoteCanary).
type CanaryPromoteRequest struct {
	// Name is the canary's name.
	Name string `json:"name"`
	// Propose proposes the promotion as a change set even when no approval
	// rule covers it; Reason is its description.
	Propose bool   `json:"propose,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Emergency (with Reason) promotes at once even when approval rules
	// cover the promotion; it is flagged for review like any emergency.
	Emergency bool `json:"emergency,omitempty"`
}

// Kinds of a CanaryPromoteResult: the candidate was promoted, or the
// promotion was proposed as a change set (GitPromoteProposed).
const (
	CanaryPromoteDone     = "promoted"
	CanaryPromoteProposed = GitPromoteProposed
)

// CanaryPromoteResult is what a canary promotion did: Kind promoted with
// the canary as it ended, or Kind proposed with the canary (still active)
// and the change set whose apply promotes it.
type CanaryPromoteResult struct {
	Kind      string     `json:"kind"`
	Canary    *Canary    `json:"canary"`
	ChangeSet *ChangeSet `json:"change_set,omitempty"`
}

// CanaryPromotion is a canary promotion as a change set stages it: the
// data of its operation (op promote, kind canary, ref the canary's name),
// with the candidate fixed at proposal time.
type CanaryPromotion struct {
	Canary      string `json:"canary"`
	Source      string `json:"source"`
	Environment string `json:"environment"`
	// Branch is the environment's branch that moves.
	Branch        string `json:"branch"`
	CandidateKind string `json:"candidate_kind"`
	// Commit is the canary's candidate (a commit, or "sha256:…" of the
	// files of a path candidate).
	Commit string `json:"commit"`
}

// Promotion is the canary promotion as approval rules see it: a promotion
// of the source from "canary:NAME" to the environment, so a rule such as
// git_source.to == "production" covers canary and Git promotions alike.
func (p CanaryPromotion) Promotion() GitPromotion {
	return GitPromotion{Name: p.Source, From: "canary:" + p.Canary, To: p.Environment, Branch: p.Branch, Commit: p.Commit}
}

// CanaryService runs canaries.
type CanaryService interface {
	StartCanary(ctx context.Context, req CanaryStartRequest) (*Canary, error)
	GetCanary(ctx context.Context, name string) (*Canary, error)
	// ListCanaries lists the active canaries, or every one with all.
	ListCanaries(ctx context.Context, all bool) ([]Canary, error)
	// CanaryStatus compares candidate and baseline on the selected nodes
	// (with each node's configuration diff when diff is set).
	CanaryStatus(ctx context.Context, name string, diff bool) (*CanaryReport, error)
	// PromoteCanary makes the candidate the environment's active version,
	// or proposes that as a change set when an approval rule covers it (or
	// req.Propose asks); req.Emergency bypasses the rules. A proposal
	// returns Kind "proposed" with the set and the canary, still active.
	PromoteCanary(ctx context.Context, req CanaryPromoteRequest) (*CanaryPromoteResult, error)
	// AbortCanary ends the canary; its nodes go back to the active version.
	AbortCanary(ctx context.Context, name, reason string) (*Canary, error)
}
