package remediation

import (
	"github.com/unet-dev/unet/configtree"
)

// Reasons a command is part of a remediation.
const (
	// ReasonAdded: the statement is in the target and not in the source.
	ReasonAdded = "added"
	// ReasonRemoved: the statement is in the source and not in the target;
	// the command is its negation.
	ReasonRemoved = "removed"
	// ReasonReplaced: an idempotent command whose new value replaces the
	// old one without a negation, or a section that is rewritten.
	ReasonReplaced = "replaced"
	// ReasonReordered: a statement of an order-sensitive section that is
	// present on both sides but at another position.
	ReasonReordered = "reordered"
	// ReasonContext: a parent printed only so that its children apply in
	// the right section (it changes nothing by itself).
	ReasonContext = "context"
)

// Options select what Remediate computes.
type Options struct {
	// Dialect is a configtree dialect name (aliases accepted). "auto" is
	// resolved from the trees.
	Dialect string
	// Rules overrides the built-in table of the dialect; nil uses
	// Builtin(Dialect). Use Builtin(d).Extend(user) for "--rules FILE".
	Rules *Rules
	// Rollback computes the commands that take INTENDED back to RUNNING.
	Rollback bool
	// Match restricts the remediation to statements selected by these
	// expressions (with their ancestors as context), as in config slice.
	Match []*configtree.Match
}

// Command is one line of a remediation, in output order.
type Command struct {
	// Text is the command as typed on the device, without indentation.
	Text string `json:"command"`
	// Parents are the section commands it is typed under, outermost first
	// (empty for top-level commands and for set/delete commands).
	Parents []string `json:"parents"`
	// Depth is len(Parents).
	Depth int `json:"depth"`
	// Reason is one of the Reason constants.
	Reason string `json:"reason"`
	// Source is the statement the command comes from ("" for context
	// lines): the removed/replaced running statement or the added
	// intended one, as its key.
	Source string `json:"source,omitempty"`
	// Line is the 1-based line of Source in its input (0 when unknown);
	// for curly-brace JunOS, the line of the statement the set command
	// comes from.
	Line int `json:"line,omitempty"`

	// exit is the command that leaves this section in text output with
	// exits ("" when the command has no children in the remediation);
	// exitUp prints it at the parent's indentation.
	exit   string
	exitUp bool
}

// Result is a computed remediation.
type Result struct {
	Dialect string `json:"dialect"`
	// Commands in the order they are to be typed: every parent before its
	// children, context lines included.
	Commands []Command `json:"commands"`
	// Stats count commands by reason (context lines excluded).
	Stats map[string]int `json:"stats"`

	indent int
}

// Predict applies commands (text, one per line, indented under their
// sections as Remediate's WriteText prints them; set/delete lines for
// JunOS) to running the way the device would, and returns the resulting
// configuration tree.
func Predict(running *configtree.Tree, commands string, rules *Rules) (*configtree.Tree, error) {
	return predict(running, commands, rules)
}

// Equivalent reports whether two configurations are the same up to the
// ordering the dialect does not care about (everything but order-sensitive
// sections), after the rules' normalisation (dropped lines, substitutions).
// When they differ, it returns the first difference as a human-readable
// path.
func Equivalent(a, b *configtree.Tree, rules *Rules) (bool, string) {
	return equivalent(a, b, rules)
}
