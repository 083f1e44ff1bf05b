package httpapi

import (
	"net/http"
	"strings"

	"github.com/unet-dev/unet"
)

// Permission is the one `resource:action` right a route requires. The
// vocabulary lives in the root package (unet.Permissions), where the role
// table uses it; the names below mirror it for the route table.
type Permission = unet.Permission

// Permissions of the API (see unet.Permissions). PermPublic marks routes
// that need no identity at all.
const (
	PermPublic             = unet.PermPublic
	PermNodesRead          = unet.PermNodesRead
	PermNodesWrite         = unet.PermNodesWrite
	PermLinksRead          = unet.PermLinksRead
	PermLinksWrite         = unet.PermLinksWrite
	PermLocationsRead      = unet.PermLocationsRead
	PermLocationsWrite     = unet.PermLocationsWrite
	PermVendorsRead        = unet.PermVendorsRead
	PermVendorsWrite       = unet.PermVendorsWrite
	PermChangesRead        = unet.PermChangesRead
	PermChangesApprove     = unet.PermChangesApprove
	PermInventoryImport    = unet.PermInventoryImport
	PermInventoryExport    = unet.PermInventoryExport
	PermPoliciesRead       = unet.PermPoliciesRead
	PermPoliciesValidate   = unet.PermPoliciesValidate
	PermPoliciesEvaluate   = unet.PermPoliciesEvaluate
	PermPoliciesApply      = unet.PermPoliciesApply
	PermTemplatesRead      = unet.PermTemplatesRead
	PermTemplatesValidate  = unet.PermTemplatesValidate
	PermTemplatesRender    = unet.PermTemplatesRender
	PermSNMPRead           = unet.PermSNMPRead
	PermSNMPWrite          = unet.PermSNMPWrite
	PermSNMPPoll           = unet.PermSNMPPoll
	PermGitRead            = unet.PermGitRead
	PermGitWrite           = unet.PermGitWrite
	PermGitSync            = unet.PermGitSync
	PermGitPromote         = unet.PermGitPromote
	PermCanariesWrite      = unet.PermCanariesWrite
	PermEventsRead         = unet.PermEventsRead
	PermNotificationsRead  = unet.PermNotificationsRead
	PermNotificationsWrite = unet.PermNotificationsWrite
	PermSecretsRead        = unet.PermSecretsRead
	PermSecretsWrite       = unet.PermSecretsWrite
	PermUsersRead          = unet.PermUsersRead
	PermUsersWrite         = unet.PermUsersWrite
	PermRolesRead          = unet.PermRolesRead
	PermRolesWrite         = unet.PermRolesWrite
	PermTokensRead         = unet.PermTokensRead
	PermTokensWrite        = unet.PermTokensWrite
	PermAuditRead          = unet.PermAuditRead
)

// Permissions lists every permission a route may require: the vocabulary the
// security layer grants to roles.
func Permissions() []Permission { return unet.Permissions() }

// Authorizer decides whether a request may exercise a permission. It
// returns the principal whose name the change log records for the request's
// mutations (nil for a public route that needs no identity), or an
// *unet.Error with code unauthorized (no valid identity) or forbidden (the
// identity lacks the permission; the principal is then returned too, for
// the audit log).
type Authorizer interface {
	Authorize(r *http.Request, perm Permission) (*unet.Principal, error)
	// Mode names the authentication mode, e.g. "none".
	Mode() string
}

// ActorHeader carries the actor name in auth mode none, so that a remote CLI
// records the same author as a local one. Other modes ignore it.
const ActorHeader = "X-Unet-Actor"

// AnonymousActor is recorded when a request in auth mode none names no actor.
const AnonymousActor = "anonymous"

// NoAuth is auth mode none: every request may do everything and names its own
// actor in the X-Unet-Actor header. It is only safe on a loopback address,
// which the server enforces (see CheckListenAddr).
type NoAuth struct{}

// Mode returns "none".
func (NoAuth) Mode() string { return "none" }

// Authorize allows every permission and returns the actor named by the
// request, holding every permission.
func (NoAuth) Authorize(r *http.Request, _ Permission) (*unet.Principal, error) {
	a := strings.TrimSpace(r.Header.Get(ActorHeader))
	if a == "" {
		a = AnonymousActor
	}
	if len(a) > 128 {
		return nil, statusError(http.StatusBadRequest, unet.EINVALID, ActorHeader+" is longer than 128 characters")
	}
	return &unet.Principal{User: a, Method: unet.AuthMethodNone, Permissions: unet.GrantablePermissions()}, nil
}
