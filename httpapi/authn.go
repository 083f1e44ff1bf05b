package httpapi

import (
	"context"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
)

// Authenticator turns the credential of a request into a principal. It
// answers (nil, nil) when the request carries no credential it understands,
// so that authenticators chain: API tokens now; JWTs, OIDC tokens and client
// certificates later, each its own Authenticator.
type Authenticator interface {
	Authenticate(r *http.Request) (*unet.Principal, error)
}

// TokenVerifier verifies API tokens (service.Service is one).
type TokenVerifier interface {
	AuthenticateToken(ctx context.Context, token string, source netip.Addr) (*unet.Principal, error)
}

// BearerToken returns the credential of an "Authorization: Bearer …"
// header ("" without one).
func BearerToken(r *http.Request) string {
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(cred)
}

// SourceAddr is the address a request came from, as the per-token
// allow-lists see it: ClientAddr, the client behind trusted proxies (the
// same address the audit log, the rate limits and the global allow-list
// use).
func SourceAddr(r *http.Request) netip.Addr { return ClientAddr(r) }

// TokenAuthenticator authenticates API tokens (unet_<id>_<secret>) sent as
// bearer credentials.
type TokenAuthenticator struct {
	Verifier TokenVerifier
}

// Authenticate verifies the request's API token, if it carries one.
func (a TokenAuthenticator) Authenticate(r *http.Request) (*unet.Principal, error) {
	tok := BearerToken(r)
	if !auth.LooksLikeToken(tok) {
		return nil, nil
	}
	return a.Verifier.AuthenticateToken(r.Context(), tok, SourceAddr(r))
}

// LocalAuth is auth mode local: every non-public route needs a credential
// one of the authenticators accepts, and the principal must hold the route's
// permission. X-Unet-Actor is ignored: the actor is the principal.
type LocalAuth struct {
	Authenticators []Authenticator
}

// Mode returns "local".
func (LocalAuth) Mode() string { return "local" }

// Authorize authenticates the request and checks perm.
func (l LocalAuth) Authorize(r *http.Request, perm Permission) (*unet.Principal, error) {
	if perm == PermPublic {
		return nil, nil
	}
	var p *unet.Principal
	for _, a := range l.Authenticators {
		got, err := a.Authenticate(r)
		if err != nil {
			return nil, err
		}
		if got != nil {
			p = got
			break
		}
	}
	if p == nil {
		if r.Header.Get("Authorization") != "" {
			return nil, unet.Errorf(unet.EUNAUTHORIZED, "unsupported credential: send Authorization: Bearer with an API token (unet_<id>_<secret>) or an access token of unet login")
		}
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "authentication required: log in (unet login) or send Authorization: Bearer with an API token (unet tokens create)")
	}
	if !p.Can(perm) {
		if p.ReadOnly && !perm.ReadOnly() && slices.Contains(p.Permissions, perm) {
			return p, unet.Errorf(unet.EFORBIDDEN, "permission %s denied: API token %s is read-only", perm, p.TokenID)
		}
		return p, unet.Errorf(unet.EFORBIDDEN, "permission %s denied: user %s has no role that grants it", perm, p.User)
	}
	return p, nil
}

// actorOf is the change-log actor of a principal.
func actorOf(p *unet.Principal) string {
	if p == nil || p.User == "" {
		return AnonymousActor
	}
	return p.User
}

// AuthChallenge is the WWW-Authenticate header of every 401 answer.
const AuthChallenge = `Bearer realm="unet"`
