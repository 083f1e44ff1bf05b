package httpapi

import (
	"net/http"
	"strings"

	"github.com/unet-dev/unet"
)

// Permission is the one `resource:action` right a route requires.
type Permission string

// Permissions of the API. PermPublic marks routes that need no
// identity at all (health probes, the API description, and the Git webhook
// receiver, which authenticates each delivery by its signature instead).
const (
	PermPublic          Permission = "public"
	PermNodesRead       Permission = "nodes:read"
	PermNodesWrite      Permission = "nodes:write"
	PermLinksRead       Permission = "links:read"
	PermLinksWrite      Permission = "links:write"
	PermLocationsRead   Permission = "locations:read"
	PermLocationsWrite  Permission = "locations:write"
	PermVendorsRead     Permission = "vendors:read"
	PermVendorsWrite    Permission = "vendors:write"
	PermChangesRead     Permission = "changes:read"
	PermInventoryImport Permission = "inventory:import"
	PermInventoryExport Permission = "inventory:export"

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
	PermSecretsRead       Permission = "secrets:read"
	PermSecretsWrite      Permission = "secrets:write"
)

// Permissions lists every permission a route may require: the vocabulary the
// security layer grants to roles.
func Permissions() []Permission {
	return []Permission{PermPublic, PermNodesRead, PermNodesWrite, PermLinksRead, PermLinksWrite, PermLocationsRead,
		PermLocationsWrite, PermVendorsRead, PermVendorsWrite, PermChangesRead, PermInventoryImport, PermInventoryExport,
		PermPoliciesRead, PermPoliciesValidate, PermPoliciesEvaluate, PermPoliciesApply, PermTemplatesRead,
		PermTemplatesValidate, PermTemplatesRender, PermSNMPRead, PermSNMPWrite, PermSNMPPoll,
		PermGitRead, PermGitWrite, PermGitSync, PermGitPromote, PermSecretsRead, PermSecretsWrite}
}

// Authorizer decides whether a request may exercise a permission. It returns
// the actor recorded in the change log for the request's mutations, or an
// *unet.Error with code unauthorized (no valid identity) or forbidden (identity
// lacks the permission).
type Authorizer interface {
	Authorize(r *http.Request, perm Permission) (actor string, err error)
	// Mode names the authentication mode, e.g. "none".
	Mode() string
}

// ActorHeader carries the actor name in auth mode none, so that a remote CLI
// records the same author as a local one.
const ActorHeader = "X-Unet-Actor"

// AnonymousActor is recorded when a request in auth mode none names no actor.
const AnonymousActor = "anonymous"

// NoAuth is auth mode none: every request may do everything and names its own
// actor in the X-Unet-Actor header. It is only safe on a loopback address,
// which the server enforces (see CheckListenAddr).
type NoAuth struct{}

// Mode returns "none".
func (NoAuth) Mode() string { return "none" }

// Authorize allows every permission and returns the actor named by the request.
func (NoAuth) Authorize(r *http.Request, _ Permission) (string, error) {
	a := strings.TrimSpace(r.Header.Get(ActorHeader))
	if a == "" {
		return AnonymousActor, nil
	}
	if len(a) > 128 {
		return "", statusError(http.StatusBadRequest, unet.EINVALID, ActorHeader+" is longer than 128 characters")
	}
	return a, nil
}
