package unet

import "context"

// TemplateRequest selects what to render for a node.
type TemplateRequest struct {
	// Node is a node reference.
	Node string `json:"node"`
	// Templates to render; empty means the templates assigned by policy APPLY,
	// in order.
	Templates []string `json:"templates,omitempty"`
	// Vars are user variables, visible as `vars` in templates.
	Vars map[string]any `json:"vars,omitempty"`
	// PolicyFiles are the rules whose SETs and APPLYs shape the node; empty uses
	// the service's policy source (when one is configured).
	PolicyFiles []PolicyFile `json:"policy_files,omitempty"`
}

// RenderedTemplate is one template rendered for a node.
type RenderedTemplate struct {
	Template string `json:"template"`
	// Headers are the template-match expressions the template owns.
	Headers []string `json:"headers"`
	Output  string   `json:"output"`
}

// RenderResult is the rendering of all requested templates for a node.
type RenderResult struct {
	Node  string             `json:"node"`
	Parts []RenderedTemplate `json:"parts"`
	// Warnings are said about the rendering as a whole, for example that no
	// policies were applied to templates named by the caller (so the values
	// rules SET are missing).
	Warnings []string `json:"warnings,omitempty"`
}

// TemplateDiffRequest compares rendered templates with a running configuration.
type TemplateDiffRequest struct {
	TemplateRequest
	Running string `json:"running"`
	// Context is the number of unchanged lines around each change (default 3).
	Context int `json:"context,omitempty"`
	// Remediation asks for the commands that take the running
	// configuration to the rendered one, within the templates' headers.
	Remediation bool `json:"remediation,omitempty"`
	// Rules is a rule table in TOML that extends the dialect's built-in
	// remediation rules (with Remediation).
	Rules string `json:"rules,omitempty"`
}

// TemplateDiff is the comparison of one template with its slice of the running
// configuration.
type TemplateDiff struct {
	Template string   `json:"template"`
	Headers  []string `json:"headers"`
	// Owned is false for a template without headers: it is rendered only.
	Owned bool `json:"owned"`
	Equal bool `json:"equal"`
	// Intended is the rendered template; Running the running slice it owns.
	Intended string `json:"intended"`
	Running  string `json:"running"`
	// Diff is a unified diff from running to intended ("" when equal).
	Diff    string `json:"diff"`
	Added   int    `json:"added"`
	Removed int    `json:"removed"`
}

// TemplateDiffResult is the outcome of a template diff for a node.
type TemplateDiffResult struct {
	Node      string         `json:"node"`
	Dialect   string         `json:"dialect"`
	Equal     bool           `json:"equal"`
	Templates []TemplateDiff `json:"templates"`
	// Remediation, when asked for, holds the commands that take the
	// running configuration to the rendered one: every template with
	// headers, restricted to what the headers select.
	Remediation *Remediation `json:"remediation,omitempty"`
}

// TemplateInfo describes a template of the template source.
type TemplateInfo struct {
	Name    string   `json:"name"`
	Partial bool     `json:"partial"`
	Headers []string `json:"headers"`
}

// TemplateService renders templates for nodes and compares them with running
// configurations.
type TemplateService interface {
	ListTemplates(ctx context.Context) ([]TemplateInfo, error)
	ValidateTemplates(ctx context.Context) ([]FieldError, error)
	RenderNode(ctx context.Context, req TemplateRequest) (*RenderResult, error)
	DiffNode(ctx context.Context, req TemplateDiffRequest) (*TemplateDiffResult, error)
}
