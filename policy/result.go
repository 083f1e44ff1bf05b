package policy

import (
	"fmt"
	"strings"
)

// ObjectKind is the kind of object a rule targets.
type ObjectKind string

// Object kinds.
const (
	KindNode     ObjectKind = "node"
	KindLink     ObjectKind = "link"
	KindLocation ObjectKind = "location"
)

// Severity of a rule: info, low, medium (default), high or critical.
type Severity string

// Severities in increasing order.
const (
	SeverityInfo     Severity = "info"
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Rank orders severities from 0 (info) to 4 (critical); unknown is -1.
func (s Severity) Rank() int {
	for i, n := range severityNames {
		if string(s) == n {
			return i
		}
	}
	return -1
}

// Status is the outcome of one rule for one object.
type Status string

// Rule outcomes.
const (
	// StatusPass: the condition held and every ASSERT held (or the rule
	// only sets values and applies templates).
	StatusPass Status = "pass"
	// StatusFail: the condition held and an ASSERT was violated.
	StatusFail Status = "fail"
	// StatusError: the rule could not be evaluated (e.g. a SET through a
	// non-object value).
	StatusError Status = "error"
	// StatusNotApplicable: the condition did not hold.
	StatusNotApplicable Status = "not_applicable"
)

// RuleInfo describes a compiled rule.
type RuleInfo struct {
	// ID is the RULE name, else "<file>:<n>".
	ID       string     `json:"id"`
	Severity Severity   `json:"severity"`
	Kind     ObjectKind `json:"object_kind"`
	File     string     `json:"file"`
	Line     int        `json:"line"`
	Col      int        `json:"col"`
	// Text is the canonical one-line form of the rule.
	Text string `json:"text"`
}

// RuleResult is the outcome of one rule for one object.
type RuleResult struct {
	Rule     *RuleInfo
	Status   Status
	Expected any
	Actual   any
	Message  string
	// Warnings lists type mismatches met while evaluating the rule.
	Warnings []string
	// Explain is the evaluation trace, present when requested.
	Explain []ExplainStep
}

// ExplainStep is one evaluated sub-condition, in evaluation order.
type ExplainStep struct {
	// Expr is the canonical text of the sub-condition.
	Expr string `json:"expr"`
	// Result is its truth value.
	Result bool `json:"result"`
	// Actual is the value of its left side (null when missing).
	Actual any `json:"actual"`
	// Depth is the nesting depth of the sub-condition.
	Depth int `json:"depth"`
	// Phase is "when" for the rule condition, "assert" for assertions.
	Phase string `json:"phase"`
}

// SetOp is one SET performed during an evaluation.
type SetOp struct {
	Rule string `json:"rule"`
	// Path is the dotted custom_data path (without the custom_data prefix).
	Path  string `json:"path"`
	Value any    `json:"value"`
	File  string `json:"file"`
	Line  int    `json:"line"`
}

// Evaluation is the outcome of all rules of a program for one object.
type Evaluation struct {
	Kind       ObjectKind
	ObjectID   string
	ObjectName string
	// Results has one entry per rule of the object's kind, in rule order.
	Results []RuleResult
	// CustomData is the effective custom_data after every SET. Without
	// SETs it is the input's own map; treat it as read-only.
	CustomData map[string]any
	// Sets lists the SET operations in order.
	Sets []SetOp
	// SetValues counts the elements the SETs copied (see MaxSetValues): at
	// least one per SET.
	SetValues int
	// Templates lists the APPLY'd templates, without duplicates, in order.
	Templates []string
}

// Result is one (object, rule) result in the stable JSON shape used by
// `unet policy eval -o json`, the API and stored results.
type Result struct {
	ObjectKind ObjectKind    `json:"object_kind"`
	ObjectID   string        `json:"object_id"`
	ObjectName string        `json:"object_name"`
	Rule       string        `json:"rule"`
	Severity   Severity      `json:"severity"`
	Status     Status        `json:"status"`
	Expected   any           `json:"expected"`
	Actual     any           `json:"actual"`
	Message    string        `json:"message"`
	File       string        `json:"file"`
	Line       int           `json:"line"`
	Warnings   []string      `json:"warnings,omitempty"`
	Explain    []ExplainStep `json:"explain,omitempty"`
}

// Result converts a rule result of the evaluation into the JSON shape.
func (ev *Evaluation) Result(i int) Result {
	r := &ev.Results[i]
	return Result{
		ObjectKind: ev.Kind,
		ObjectID:   ev.ObjectID,
		ObjectName: ev.ObjectName,
		Rule:       r.Rule.ID,
		Severity:   r.Rule.Severity,
		Status:     r.Status,
		Expected:   exportValue(r.Expected),
		Actual:     exportValue(r.Actual),
		Message:    r.Message,
		File:       r.Rule.File,
		Line:       r.Rule.Line,
		Warnings:   r.Warnings,
		Explain:    r.Explain,
	}
}

// AllResults converts every rule result into the JSON shape.
func (ev *Evaluation) AllResults() []Result {
	out := make([]Result, len(ev.Results))
	for i := range ev.Results {
		out[i] = ev.Result(i)
	}
	return out
}

// Counts tallies the results by status.
func (ev *Evaluation) Counts() map[Status]int {
	m := map[Status]int{}
	for i := range ev.Results {
		m[ev.Results[i].Status]++
	}
	return m
}

// ParseSeverity parses a severity name (case-insensitive).
func ParseSeverity(s string) (Severity, bool) {
	for _, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(n), true
		}
	}
	return "", false
}

// ExplainText renders an explain trace, one sub-condition per line,
// indented by depth: `node.vendor == "cisco" → true (actual "cisco")`.
func ExplainText(steps []ExplainStep) string {
	var b strings.Builder
	for _, s := range steps {
		b.WriteString(strings.Repeat("  ", s.Depth))
		if s.Phase == "assert" {
			b.WriteString("ASSERT ")
		}
		fmt.Fprintf(&b, "%s → %t (actual %s)\n", s.Expr, s.Result, valueText(s.Actual))
	}
	return b.String()
}

// Warnings lists every type-mismatch warning of the evaluation as
// "<rule id>: <warning>", in rule order.
func (ev *Evaluation) Warnings() []string {
	var out []string
	for i := range ev.Results {
		for _, w := range ev.Results[i].Warnings {
			out = append(out, ev.Results[i].Rule.ID+": "+w)
		}
	}
	return out
}
