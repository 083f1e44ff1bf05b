package unet

import (
	"slices"
	"strings"
)

// Permission is one `resource:action` right. Every API route requires
// exactly one (httpapi's route table); roles are sets of them.
type Permission string

// The permission vocabulary. PermPublic marks routes that need no identity
// at all (health probes, the API description, and the Git webhook receiver,
// which authenticates each delivery by its signature instead); it is never
// granted.
const (
	PermPublic         Permission = "public"
	PermNodesRead      Permission = "nodes:read"
	PermNodesWrite     Permission = "nodes:write"
	PermLinksRead      Permission = "links:read"
	PermLinksWrite     Permission = "links:write"
	PermLocationsRead  Permission = "locations:read"
	PermLocationsWrite Permission = "locations:write"
	PermVendorsRead    Permission = "vendors:read"
	PermVendorsWrite   Permission = "vendors:write"
	PermChangesRead    Permission = "changes:read"
	PermChangesApprove Permission = "changes:approve"
	// PermChangesPropose stages change sets; applying one also needs the
	// write permissions of what it touches, checked per operation.
	PermChangesPropose   Permission = "changes:propose"
	PermChangesApply     Permission = "changes:apply"
	PermChangesForce     Permission = "changes:force"
	PermChangesEmergency Permission = "changes:emergency"
	PermChangesReview    Permission = "changes:review"
	PermApprovalsRead    Permission = "approvals:read"
	PermApprovalsWrite   Permission = "approvals:write"
	PermInventoryImport  Permission = "inventory:import"
	PermInventoryExport  Permission = "inventory:export"

	PermPoliciesRead      Permission = "policies:read"
	PermPoliciesValidate  Permission = "policies:validate"
	PermPoliciesEvaluate  Permission = "policies:evaluate"
	PermPoliciesApply     Permission = "policies:apply"
	PermTemplatesRead     Permission = "templates:read"
	PermTemplatesValidate Permission = "templates:validate"
	PermTemplatesRender   Permission = "templates:render"
	PermSNMPRead          Permission = "snmp:read"
	PermSNMPWrite         Permission = "snmp:write"
	PermSNMPPoll          Permission = "snmp:poll"
	PermGitRead           Permission = "git:read"
	PermGitWrite          Permission = "git:write"
	PermGitSync           Permission = "git:sync"
	PermGitPromote        Permission = "git:promote"
	// PermCanariesWrite starts and aborts canaries (reading them is
	// git:read, promoting one git:promote).
	PermCanariesWrite Permission = "canaries:write"
	// PermEventsRead reads the event log and its stream.
	PermEventsRead Permission = "events:read"
	// PermNotificationsRead lists notification subscriptions and their
	// deliveries; PermNotificationsWrite adds, removes and tests them.
	PermNotificationsRead  Permission = "notifications:read"
	PermNotificationsWrite Permission = "notifications:write"
	PermSecretsRead        Permission = "secrets:read"
	PermSecretsWrite       Permission = "secrets:write"

	PermUsersRead  Permission = "users:read"
	PermUsersWrite Permission = "users:write"
	PermRolesRead  Permission = "roles:read"
	PermRolesWrite Permission = "roles:write"
	// PermTokensRead and PermTokensWrite cover a user's own API tokens;
	// listing, creating or revoking another user's tokens also needs
	// PermUsersWrite.
	PermTokensRead  Permission = "tokens:read"
	PermTokensWrite Permission = "tokens:write"
	PermAuditRead   Permission = "audit:read"
)

// Permissions lists the whole vocabulary, PermPublic included.
func Permissions() []Permission {
	return []Permission{PermPublic, PermNodesRead, PermNodesWrite, PermLinksRead, PermLinksWrite, PermLocationsRead,
		PermLocationsWrite, PermVendorsRead, PermVendorsWrite, PermChangesRead, PermChangesApprove, PermChangesPropose,
		PermChangesApply, PermChangesForce, PermChangesEmergency, PermChangesReview, PermApprovalsRead, PermApprovalsWrite,
		PermInventoryImport, PermInventoryExport, PermPoliciesRead, PermPoliciesValidate, PermPoliciesEvaluate, PermPoliciesApply,
		PermTemplatesRead, PermTemplatesValidate, PermTemplatesRender, PermSNMPRead, PermSNMPWrite, PermSNMPPoll,
		PermGitRead, PermGitWrite, PermGitSync, PermGitPromote, PermCanariesWrite, PermEventsRead,
		PermNotificationsRead, PermNotificationsWrite, PermSecretsRead, PermSecretsWrite, PermUsersRead, PermUsersWrite, PermRolesRead, PermRolesWrite, PermTokensRead, PermTokensWrite, PermAuditRead}
}

// GrantablePermissions is the vocabulary without PermPublic: what admin
// holds.
func GrantablePermissions() []Permission {
	var all []Permission
	for _, p := range Permissions() {
		if p != PermPublic {
			all = append(all, p)
		}
	}
	return all
}

// KnownPermission reports whether p is in the vocabulary and may be granted
// (PermPublic may not).
func KnownPermission(p Permission) bool {
	return p != PermPublic && slices.Contains(Permissions(), p)
}

// ReadOnly reports whether p only reads: its action is read or export. A
// read-only API token is refused every other permission.
func (p Permission) ReadOnly() bool {
	_, action, _ := strings.Cut(string(p), ":")
	return action == "read" || action == "export"
}

// Built-in role names.
const (
	RoleViewer   = "viewer"
	RoleOperator = "operator"
	RoleEngineer = "engineer"
	RoleApprover = "approver"
	RoleAdmin    = "admin"
)

var (
	viewerPerms = []Permission{PermNodesRead, PermLinksRead, PermLocationsRead, PermVendorsRead, PermChangesRead, PermApprovalsRead,
		PermInventoryExport, PermPoliciesRead, PermTemplatesRead, PermSNMPRead, PermGitRead, PermEventsRead,
		PermTokensRead, PermTokensWrite}
	operatorPerms = append(slices.Clone(viewerPerms), PermPoliciesValidate, PermPoliciesEvaluate,
		PermTemplatesValidate, PermTemplatesRender, PermSNMPPoll, PermGitSync, PermNotificationsRead)
	engineerPerms = append(slices.Clone(operatorPerms), PermNodesWrite, PermLinksWrite, PermLocationsWrite,
		PermVendorsWrite, PermInventoryImport, PermPoliciesApply, PermSNMPWrite, PermGitWrite, PermGitPromote,
		PermSecretsRead, PermSecretsWrite, PermChangesPropose, PermChangesApply, PermCanariesWrite, PermNotificationsWrite)
	approverPerms = append(slices.Clone(viewerPerms), PermChangesApprove, PermChangesApply, PermChangesReview)
)

// BuiltinRoles returns the built-in roles, least to most privileged. They
// cannot be changed or removed; admin holds every permission.
func BuiltinRoles() []Role {
	all := GrantablePermissions()
	return []Role{
		{Name: RoleViewer, Description: "read the inventory, policies, templates, SNMP state, Git sources, the change log and events; export; own API tokens", Permissions: slices.Clone(viewerPerms), BuiltIn: true},
		{Name: RoleOperator, Description: "viewer + validate, evaluate and render; SNMP polls and Git syncs; list notifications", Permissions: slices.Clone(operatorPerms), BuiltIn: true},
		{Name: RoleEngineer, Description: "operator + inventory, policy, SNMP and Git writes, import, promotion, canaries, notifications, stored secrets; propose and apply change sets", Permissions: slices.Clone(engineerPerms), BuiltIn: true},
		{Name: RoleApprover, Description: "viewer + approve, reject and apply change sets; review emergency changes", Permissions: slices.Clone(approverPerms), BuiltIn: true},
		{Name: RoleAdmin, Description: "every permission: users, roles, tokens of everyone, the audit log", Permissions: all, BuiltIn: true},
	}
}

// BuiltinRole returns the built-in role of that name.
func BuiltinRole(name string) (Role, bool) {
	for _, r := range BuiltinRoles() {
		if r.Name == name {
			return r, true
		}
	}
	return Role{}, false
}
