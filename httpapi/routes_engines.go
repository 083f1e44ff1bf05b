package httpapi

import (
	"net/http"

	"github.com/unet-dev/unet"
)

// ValidationReport is the answer of the validate endpoints: every problem with
// its file and position (empty when everything is valid), and the warnings of
// valid policies (rules whose meaning may not be the intended one).
type ValidationReport struct {
	Valid    bool              `json:"valid"`
	Errors   []unet.FieldError `json:"errors"`
	Warnings []unet.FieldError `json:"warnings,omitempty"`
}

// PolicyValidateRequest carries rule files to check.
type PolicyValidateRequest struct {
	Files []unet.PolicyFile `json:"files"`
}

func nodeRef() []Param { return refParam("node ID, name or FQDN") }

// engineRoutes are the routes of policies, templates and SNMP.
func (s *Server) engineRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: BasePath + "/policies/evaluate", Permission: PermPoliciesEvaluate, OperationID: "evaluatePolicies",
			Tag: "policies", Summary: "Evaluate rules against the inventory (the rules in the body, or the server's policy source)",
			Body: unet.PolicyEvalRequest{}, Long: true, Status: http.StatusOK, Result: unet.PolicyEvalReport{}, BodyLimit: s.opts.MaxEngineTextBytes, handle: s.engineLimited(s.evaluatePolicies)},
		{Method: http.MethodPost, Path: BasePath + "/policies/apply", Permission: PermPoliciesApply, OperationID: "applyPolicies",
			Tag: "policies", Summary: "Write the custom_data that rules SET into the nodes, as one tracked change batch",
			Query: []Param{emergencyParam()}, Body: unet.PolicyApplyRequest{}, Long: true, Status: http.StatusOK, Result: unet.PolicyApplyReport{}, BodyLimit: s.opts.MaxEngineTextBytes, handle: s.engineLimited(s.applyPolicies)},
		{Method: http.MethodPost, Path: BasePath + "/policies/validate", Permission: PermPoliciesValidate, OperationID: "validatePolicies",
			Tag: "policies", Summary: "Parse and check rule files; every error positioned as file, line:col",
			Body: PolicyValidateRequest{}, Status: http.StatusOK, Result: ValidationReport{}, BodyLimit: s.opts.MaxEngineTextBytes, handle: s.engineLimited(s.validatePolicies)},
		{Method: http.MethodGet, Path: BasePath + "/policies/results", Permission: PermPoliciesRead, OperationID: "listPolicyResults",
			Tag: "policies", Summary: "Stored results, one per (object, rule)",
			Query: append([]Param{
				{Name: "node", Type: "string", Description: "only this node"},
				{Name: "rule", Type: "string", Description: "only this rule"},
				{Name: "status", Type: "string", Description: "pass, fail, error or not_applicable"},
				{Name: "severity", Type: "string", Description: "only this severity"},
				{Name: "kind", Type: "string", Description: "node, link or location"},
			}, pageParams()...),
			Status: http.StatusOK, Result: unet.List[unet.PolicyResult]{}, handle: s.listPolicyResults},
		{Method: http.MethodGet, Path: BasePath + "/policies/results/summary", Permission: PermPoliciesRead, OperationID: "summarizePolicyResults",
			Tag: "policies", Summary: "Stored results counted by severity, rule and status, and the nodes failing critical or high rules",
			Query:  []Param{{Name: "top", Type: "integer", Description: "how many failing nodes to list (default 20, at most 1000)"}},
			Status: http.StatusOK, Result: unet.PolicyResultSummary{}, handle: s.summarizePolicyResults},
		{Method: http.MethodGet, Path: BasePath + "/policies/history", Permission: PermPoliciesRead, OperationID: "listComplianceHistory",
			Tag: "policies", Summary: "Compliance state changes, newest first",
			Query: append([]Param{
				{Name: "node", Type: "string", Description: "only this node"},
				{Name: "rule", Type: "string", Description: "only this rule"},
				{Name: "since", Type: "date-time", Description: "only changes at or after this time"},
			}, pageParams()...),
			Status: http.StatusOK, Result: unet.List[unet.ComplianceChange]{}, handle: s.listComplianceHistory},

		{Method: http.MethodGet, Path: BasePath + "/templates", Permission: PermTemplatesRead, OperationID: "listTemplates",
			Tag: "templates", Summary: "Templates of the server's template source and the slices they own",
			Status: http.StatusOK, Result: unet.List[unet.TemplateInfo]{}, handle: s.listTemplates},
		{Method: http.MethodPost, Path: BasePath + "/templates/validate", Permission: PermTemplatesValidate, OperationID: "validateTemplates",
			Tag: "templates", Summary: "Check every template: syntax, includes, headers, filters",
			Status: http.StatusOK, Result: ValidationReport{}, BodyLimit: s.opts.MaxEngineTextBytes, handle: s.engineLimited(s.validateTemplates)},
		{Method: http.MethodGet, Path: BasePath + "/nodes/{ref}/render", Permission: PermTemplatesRender, OperationID: "renderNode",
			Tag: "templates", Summary: "Render a node's templates (default: those assigned by policy APPLY); Accept: text/plain answers the configuration text", PathParams: nodeRef(),
			Query:  []Param{{Name: "template", Type: "string", Description: "template to render (repeatable)"}},
			Status: http.StatusOK, Result: unet.RenderResult{}, BodyLimit: s.opts.MaxEngineTextBytes, handle: s.engineLimited(s.renderNodeGet)},
		{Method: http.MethodPost, Path: BasePath + "/nodes/{ref}/render", Permission: PermTemplatesRender, OperationID: "renderNodeWith",
			Tag: "templates", Summary: "Render a node's templates with templates, variables and rules given in the body", PathParams: nodeRef(),
			Body: unet.TemplateRequest{}, Status: http.StatusOK, Result: unet.RenderResult{}, BodyLimit: s.opts.MaxEngineTextBytes, handle: s.engineLimited(s.renderNodePost)},
		{Method: http.MethodPost, Path: BasePath + "/nodes/{ref}/diff", Permission: PermTemplatesRender, OperationID: "diffNode",
			Tag: "templates", Summary: "Render, slice the running configuration in the body by each template's headers, diff", PathParams: nodeRef(),
			Body: unet.TemplateDiffRequest{}, Status: http.StatusOK, Result: unet.TemplateDiffResult{}, BodyLimit: s.opts.MaxEngineTextBytes, handle: s.engineLimited(s.diffNode)},

		{Method: http.MethodPost, Path: BasePath + "/config/remediate", Permission: PermTemplatesRender, OperationID: "remediateConfig",
			Tag: "templates", Summary: "The commands that turn the running configuration in the body into the intended one (or back, with rollback)",
			Body: unet.RemediationRequest{}, Status: http.StatusOK, Result: unet.Remediation{}, BodyLimit: s.opts.MaxEngineTextBytes, handle: s.engineLimited(s.remediateConfig)},
		{Method: http.MethodPost, Path: BasePath + "/config/predict", Permission: PermTemplatesRender, OperationID: "predictConfig",
			Tag: "templates", Summary: "The configuration a device would have after the commands in the body are applied to the running configuration",
			Body: unet.PredictRequest{}, Status: http.StatusOK, Result: unet.PredictResult{}, BodyLimit: s.opts.MaxEngineTextBytes, handle: s.engineLimited(s.predictConfig)},

		{Method: http.MethodGet, Path: BasePath + "/snmp/profiles", Permission: PermSNMPRead, OperationID: "listSNMPProfiles",
			Tag: "snmp", Summary: "SNMP profiles (secret references, never secret values)",
			Status: http.StatusOK, Result: unet.List[unet.SNMPProfile]{}, handle: s.listSNMPProfiles},
		{Method: http.MethodPost, Path: BasePath + "/snmp/profiles", Permission: PermSNMPWrite, OperationID: "createSNMPProfile",
			Tag: "snmp", Summary: "Add an SNMP profile", Query: []Param{reasonParam()}, Body: unet.SNMPProfile{},
			Status: http.StatusCreated, Result: unet.SNMPProfile{}, handle: s.createSNMPProfile},
		{Method: http.MethodGet, Path: BasePath + "/snmp/profiles/{name}", Permission: PermSNMPRead, OperationID: "getSNMPProfile",
			Tag: "snmp", Summary: "Show an SNMP profile", PathParams: []Param{{Name: "name", Type: "string", Description: "profile name"}},
			Status: http.StatusOK, Result: unet.SNMPProfile{}, handle: s.getSNMPProfile},
		{Method: http.MethodDelete, Path: BasePath + "/snmp/profiles/{name}", Permission: PermSNMPWrite, OperationID: "deleteSNMPProfile",
			Tag: "snmp", Summary: "Delete an SNMP profile no node or location uses", PathParams: []Param{{Name: "name", Type: "string", Description: "profile name"}},
			Query: []Param{reasonParam()}, Status: http.StatusNoContent, handle: s.deleteSNMPProfile},
		{Method: http.MethodPost, Path: BasePath + "/nodes/{ref}/poll", Permission: PermSNMPPoll, OperationID: "pollNode",
			Tag: "snmp", Summary: "Poll a node now and store what it answered", PathParams: nodeRef(),
			Query:  []Param{{Name: "profile", Type: "string", Description: "profile instead of the node's effective one"}},
			Status: http.StatusOK, Result: unet.NodeStatus{}, Long: true, handle: s.pollNode},
		{Method: http.MethodGet, Path: BasePath + "/nodes/{ref}/status", Permission: PermSNMPRead, OperationID: "getNodeStatus",
			Tag: "snmp", Summary: "A node's polled state", PathParams: nodeRef(),
			Status: http.StatusOK, Result: unet.NodeStatus{}, handle: s.getNodeStatus},
		{Method: http.MethodGet, Path: BasePath + "/nodes/{ref}/interfaces", Permission: PermSNMPRead, OperationID: "listNodeInterfaces",
			Tag: "snmp", Summary: "A node's polled interfaces", PathParams: nodeRef(),
			Status: http.StatusOK, Result: unet.List[unet.InterfaceStatus]{}, handle: s.listNodeInterfaces},
		{Method: http.MethodGet, Path: BasePath + "/nodes/{ref}/history", Permission: PermSNMPRead, OperationID: "listNodeHistory",
			Tag: "snmp", Summary: "A node's status history, newest first", PathParams: nodeRef(),
			Query:  []Param{{Name: "since", Type: "date-time", Description: "only entries at or after this time"}},
			Status: http.StatusOK, Result: unet.List[unet.StatusSnapshot]{}, handle: s.listNodeHistory},
		{Method: http.MethodGet, Path: BasePath + "/drift", Permission: PermSNMPRead, OperationID: "listDrift",
			Tag: "snmp", Summary: "Nodes whose detected software version differs from the desired one",
			Status: http.StatusOK, Result: unet.List[unet.DriftEntry]{}, handle: s.listDrift},
	}
}
