package unet

import "context"

// RemediationRequest asks for the commands that turn a running
// configuration into an intended one.
type RemediationRequest struct {
	Running  string `json:"running"`
	Intended string `json:"intended"`
	// Dialect is a configuration dialect (ios, nxos, eos, iosxr, junos,
	// junos-set...) or "auto" (the default), detected from Running.
	Dialect string `json:"dialect,omitempty"`
	// Rollback asks for the commands that take Intended back to Running.
	Rollback bool `json:"rollback,omitempty"`
	// Match restricts the remediation to the statements selected by these
	// match expressions (as in config slice), with their ancestors.
	Match []string `json:"match,omitempty"`
	// Rules is a rule table in TOML that extends the dialect's built-in one.
	Rules string `json:"rules,omitempty"`
}

// RemediationCommand is one command of a remediation, in output order.
type RemediationCommand struct {
	// Command is the command as typed, without indentation.
	Command string `json:"command"`
	// Parents are the section commands it is typed under, outermost first.
	Parents []string `json:"parents"`
	Depth   int      `json:"depth"`
	// Reason is added, removed, replaced, reordered or context.
	Reason string `json:"reason"`
	// Source is the statement the command comes from, Line its line in its
	// input.
	Source string `json:"source,omitempty"`
	Line   int    `json:"line,omitempty"`
}

// Remediation is the list of commands that takes a configuration to
// another one.
type Remediation struct {
	Dialect  string               `json:"dialect"`
	Commands []RemediationCommand `json:"commands"`
	// Stats count the commands by reason (context lines excluded).
	Stats map[string]int `json:"stats"`
	// Text is the remediation as typed on the device: parents before their
	// children, children indented, sectional exits where the dialect has
	// them.
	Text string `json:"text"`
}

// PredictRequest applies commands to a running configuration.
type PredictRequest struct {
	Running string `json:"running"`
	// Commands are the commands to apply, as remediate prints them.
	Commands string `json:"commands"`
	// Dialect as in RemediationRequest.
	Dialect string `json:"dialect,omitempty"`
	// Rules as in RemediationRequest.
	Rules string `json:"rules,omitempty"`
}

// PredictResult is the configuration a device would have after the
// commands.
type PredictResult struct {
	Dialect string `json:"dialect"`
	Config  string `json:"config"`
}

// ConfigService computes remediations and predictions of configurations
// given in the request; it reads nothing stored.
type ConfigService interface {
	Remediate(ctx context.Context, req RemediationRequest) (*Remediation, error)
	Predict(ctx context.Context, req PredictRequest) (*PredictResult, error)
}
