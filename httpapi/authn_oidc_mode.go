package httpapi

import (
	"context"
	"net/http"
	"slices"

	"github.com/unet-dev/unet"
)

// OIDCAuth is auth mode oidc: like mode local, every non-public route needs
// a credential and the principal must hold the route's permission, but the
// credential is an OpenID Connect token of the configured issuer, whose
// role claim maps to roles. API tokens (Authenticators, for automation) are
// accepted too.
type OIDCAuth struct {
	OIDC *OIDCAuthenticator
	// Authenticators are tried before the OIDC one (API tokens).
	Authenticators []Authenticator
}

// Mode returns "oidc".
func (OIDCAuth) Mode() string { return "oidc" }

// OIDCIssuer names the issuer, for the OpenAPI document's oidc scheme.
func (o OIDCAuth) OIDCIssuer() string {
	if o.OIDC == nil {
		return ""
	}
	return o.OIDC.Issuer()
}

// Authorize authenticates the request with the API token authenticators,
// then the OIDC one, and checks perm.
func (o OIDCAuth) Authorize(r *http.Request, perm Permission) (*unet.Principal, error) {
	if perm == PermPublic {
		return nil, nil
	}
	if r.Header.Get("Authorization") == "" {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "authentication required: log in with unet login --sso, or send Authorization: Bearer with an OIDC token of %s or an API token", o.OIDCIssuer())
	}
	chain := append([]Authenticator(nil), o.Authenticators...)
	if o.OIDC != nil {
		chain = append(chain, o.OIDC)
	}
	var p *unet.Principal
	for _, a := range chain {
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
		if iss := unverifiedIssuer(BearerToken(r)); iss != "" {
			return nil, unet.Errorf(unet.EUNAUTHORIZED, "token of another issuer: this server accepts OIDC tokens of %s", o.OIDCIssuer())
		}
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "unsupported credential: send Authorization: Bearer with an OIDC token of %s or an API token", o.OIDCIssuer())
	}
	if p.Can(perm) {
		return p, nil
	}
	switch {
	case p.Method == unet.AuthMethodOIDC && len(p.Grants) == 0:
		return p, unet.Errorf(unet.EFORBIDDEN, "permission %s denied: user %s has no role: no value of its token's role claim is mapped to a role (--oidc-role-map)", perm, p.User)
	case p.ReadOnly && !perm.ReadOnly() && slices.Contains(p.Permissions, perm):
		return p, unet.Errorf(unet.EFORBIDDEN, "permission %s denied: API token %s is read-only", perm, p.TokenID)
	}
	return p, unet.Errorf(unet.EFORBIDDEN, "permission %s denied: user %s has no role that grants it", perm, p.User)
}

// AuthConfig is what a client needs to know to log in: the auth mode and,
// in mode oidc, the issuer and the client ID for the device flow.
type AuthConfig struct {
	Mode                        string `json:"mode"`
	Issuer                      string `json:"issuer,omitempty"`
	ClientID                    string `json:"client_id,omitempty"`
	DeviceAuthorizationEndpoint string `json:"device_authorization_endpoint,omitempty"`
}

// AuthConfigurer is implemented by an Authorizer that tells clients more
// than its mode (OIDCAuth: the issuer).
type AuthConfigurer interface {
	AuthConfig(ctx context.Context) AuthConfig
}

// AuthConfig names the issuer, the client ID and, once the issuer has
// been reached, its device authorization endpoint.
func (o OIDCAuth) AuthConfig(ctx context.Context) AuthConfig {
	c := AuthConfig{Mode: o.Mode()}
	if o.OIDC != nil {
		c.Issuer, c.ClientID = o.OIDC.Issuer(), o.OIDC.ClientID()
		c.DeviceAuthorizationEndpoint = o.OIDC.DeviceAuthorizationEndpoint(ctx)
	}
	return c
}
