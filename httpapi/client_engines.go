package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/unet-dev/unet"
)

var (
	_ unet.PolicyService   = (*Client)(nil)
	_ unet.TemplateService = (*Client)(nil)
	_ unet.SNMPService     = (*Client)(nil)
)

// ValidatePolicies checks rule files on the server.
func (c *Client) ValidatePolicies(ctx context.Context, files []unet.PolicyFile) ([]unet.FieldError, error) {
	rep, err := fetch[ValidationReport](ctx, c, call{method: http.MethodPost, path: BasePath + "/policies/validate", body: PolicyValidateRequest{Files: files}})
	if err != nil {
		return nil, err
	}
	if len(rep.Errors) == 0 {
		return nil, nil
	}
	return rep.Errors, nil
}

// PolicyWarnings returns the server checker's warnings on valid rule files.
func (c *Client) PolicyWarnings(ctx context.Context, files []unet.PolicyFile) ([]unet.FieldError, error) {
	rep, err := fetch[ValidationReport](ctx, c, call{method: http.MethodPost, path: BasePath + "/policies/validate", body: PolicyValidateRequest{Files: files}})
	if err != nil {
		return nil, err
	}
	if len(rep.Errors) > 0 {
		return nil, unet.Invalid("the rule files have errors", rep.Errors...)
	}
	if len(rep.Warnings) == 0 {
		return nil, nil
	}
	return rep.Warnings, nil
}

// EvaluatePolicies evaluates rules on the server.
func (c *Client) EvaluatePolicies(ctx context.Context, req unet.PolicyEvalRequest) (*unet.PolicyEvalReport, error) {
	return fetch[unet.PolicyEvalReport](ctx, c, call{method: http.MethodPost, path: BasePath + "/policies/evaluate", body: req})
}

// ApplyPolicies writes the SETs of the rules on the server.
func (c *Client) ApplyPolicies(ctx context.Context, req unet.PolicyApplyRequest) (*unet.PolicyApplyReport, error) {
	return fetch[unet.PolicyApplyReport](ctx, c, call{method: http.MethodPost, path: BasePath + "/policies/apply", body: req})
}

// ListPolicyResults lists stored results.
func (c *Client) ListPolicyResults(ctx context.Context, f unet.PolicyResultFilter) (*unet.List[unet.PolicyResult], error) {
	q := pageQuery(url.Values{}, f.Page)
	setIf(q, "node", f.Node)
	setIf(q, "rule", f.Rule)
	setIf(q, "status", f.Status)
	setIf(q, "severity", f.Severity)
	setIf(q, "kind", f.Kind)
	return fetch[unet.List[unet.PolicyResult]](ctx, c, call{method: http.MethodGet, path: BasePath + "/policies/results", query: q})
}

// SummarizePolicyResults counts the stored results on the server.
func (c *Client) SummarizePolicyResults(ctx context.Context, f unet.PolicyResultSummaryFilter) (*unet.PolicyResultSummary, error) {
	q := url.Values{}
	if f.Top != 0 {
		q.Set("top", strconv.Itoa(f.Top))
	}
	return fetch[unet.PolicyResultSummary](ctx, c, call{method: http.MethodGet, path: BasePath + "/policies/results/summary", query: q})
}

// ListComplianceHistory lists compliance changes.
func (c *Client) ListComplianceHistory(ctx context.Context, f unet.ComplianceHistoryFilter) (*unet.List[unet.ComplianceChange], error) {
	q := pageQuery(url.Values{}, f.Page)
	setIf(q, "node", f.Node)
	setIf(q, "rule", f.Rule)
	if !f.Since.IsZero() {
		q.Set("since", f.Since.UTC().Format(time.RFC3339Nano))
	}
	return fetch[unet.List[unet.ComplianceChange]](ctx, c, call{method: http.MethodGet, path: BasePath + "/policies/history", query: q})
}

// ListTemplates lists the server's templates.
func (c *Client) ListTemplates(ctx context.Context) ([]unet.TemplateInfo, error) {
	l, err := fetch[unet.List[unet.TemplateInfo]](ctx, c, call{method: http.MethodGet, path: BasePath + "/templates"})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// ValidateTemplates checks the server's templates.
func (c *Client) ValidateTemplates(ctx context.Context) ([]unet.FieldError, error) {
	rep, err := fetch[ValidationReport](ctx, c, call{method: http.MethodPost, path: BasePath + "/templates/validate"})
	if err != nil {
		return nil, err
	}
	return rep.Errors, nil
}

// RenderNode renders a node's templates on the server.
func (c *Client) RenderNode(ctx context.Context, req unet.TemplateRequest) (*unet.RenderResult, error) {
	ref := req.Node
	req.Node = ""
	return fetch[unet.RenderResult](ctx, c, call{method: http.MethodPost, path: itemPath("nodes", ref) + "/render", body: req})
}

// DiffNode compares a node's templates with a running configuration.
func (c *Client) DiffNode(ctx context.Context, req unet.TemplateDiffRequest) (*unet.TemplateDiffResult, error) {
	ref := req.Node
	req.Node = ""
	return fetch[unet.TemplateDiffResult](ctx, c, call{method: http.MethodPost, path: itemPath("nodes", ref) + "/diff", body: req})
}

// Remediate computes a remediation on the server.
func (c *Client) Remediate(ctx context.Context, req unet.RemediationRequest) (*unet.Remediation, error) {
	return fetch[unet.Remediation](ctx, c, call{method: http.MethodPost, path: BasePath + "/config/remediate", body: req})
}

// Predict applies commands to a configuration on the server.
func (c *Client) Predict(ctx context.Context, req unet.PredictRequest) (*unet.PredictResult, error) {
	return fetch[unet.PredictResult](ctx, c, call{method: http.MethodPost, path: BasePath + "/config/predict", body: req})
}

// CreateSNMPProfile adds a profile.
func (c *Client) CreateSNMPProfile(ctx context.Context, p *unet.SNMPProfile, o unet.WriteOptions) (*unet.SNMPProfile, error) {
	return fetch[unet.SNMPProfile](ctx, c, call{method: http.MethodPost, path: BasePath + "/snmp/profiles", query: writeQuery(o.Reason), body: p})
}

// ListSNMPProfiles lists profiles.
func (c *Client) ListSNMPProfiles(ctx context.Context) ([]unet.SNMPProfile, error) {
	l, err := fetch[unet.List[unet.SNMPProfile]](ctx, c, call{method: http.MethodGet, path: BasePath + "/snmp/profiles"})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// GetSNMPProfile shows a profile.
func (c *Client) GetSNMPProfile(ctx context.Context, name string) (*unet.SNMPProfile, error) {
	return fetch[unet.SNMPProfile](ctx, c, call{method: http.MethodGet, path: BasePath + "/snmp/profiles/" + url.PathEscape(name)})
}

// DeleteSNMPProfile deletes a profile.
func (c *Client) DeleteSNMPProfile(ctx context.Context, name string, o unet.DeleteOptions) error {
	return c.do(ctx, call{method: http.MethodDelete, path: BasePath + "/snmp/profiles/" + url.PathEscape(name), query: writeQuery(o.Reason)})
}

// PollNode polls a node from the server.
func (c *Client) PollNode(ctx context.Context, ref, profile string) (*unet.NodeStatus, error) {
	q := url.Values{}
	setIf(q, "profile", profile)
	return fetch[unet.NodeStatus](ctx, c, call{method: http.MethodPost, path: itemPath("nodes", ref) + "/poll", query: q})
}

// GetNodeStatus returns a node's polled state.
func (c *Client) GetNodeStatus(ctx context.Context, ref string) (*unet.NodeStatus, error) {
	return fetch[unet.NodeStatus](ctx, c, call{method: http.MethodGet, path: itemPath("nodes", ref) + "/status"})
}

// ListNodeInterfaces returns a node's polled interfaces.
func (c *Client) ListNodeInterfaces(ctx context.Context, ref string) ([]unet.InterfaceStatus, error) {
	l, err := fetch[unet.List[unet.InterfaceStatus]](ctx, c, call{method: http.MethodGet, path: itemPath("nodes", ref) + "/interfaces"})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// ListNodeHistory returns a node's status history.
func (c *Client) ListNodeHistory(ctx context.Context, ref string, since time.Time) ([]unet.StatusSnapshot, error) {
	q := url.Values{}
	if !since.IsZero() {
		q.Set("since", since.UTC().Format(time.RFC3339Nano))
	}
	l, err := fetch[unet.List[unet.StatusSnapshot]](ctx, c, call{method: http.MethodGet, path: itemPath("nodes", ref) + "/history", query: q})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// ListDrift lists version drift.
func (c *Client) ListDrift(ctx context.Context) ([]unet.DriftEntry, error) {
	l, err := fetch[unet.List[unet.DriftEntry]](ctx, c, call{method: http.MethodGet, path: BasePath + "/drift"})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}
