package httpapi

import (
	"net/http"
	"net/url"
	"strings"
)

// Names of the OpenAPI security schemes. Every protected operation accepts
// any one of them; public operations (PermPublic) require none.
const (
	SchemeBearerJWT = "bearerJWT"
	SchemeAPIToken  = "apiToken"
	SchemeOIDC      = "oidc"
)

// SecuritySchemes lists the security schemes of the OpenAPI document, in the
// order operations list them.
func SecuritySchemes() []string {
	return []string{SchemeBearerJWT, SchemeAPIToken, SchemeOIDC}
}

// PlaceholderOIDCDiscoveryURL stands for the OpenID Connect discovery document
// in the OpenAPI document of a server that does not verify OIDC tokens (or
// whose authorizer does not name its issuer). The .invalid top-level domain
// never resolves (RFC 2606).
const PlaceholderOIDCDiscoveryURL = "https://oidc-issuer.invalid/.well-known/openid-configuration"

// OIDCIssuerNamer is implemented by an Authorizer that verifies OpenID Connect
// tokens: the OpenAPI document's oidc scheme then points at the discovery
// document of the issuer it names.
type OIDCIssuerNamer interface {
	// OIDCIssuer returns the issuer URL, e.g. https://sso.example.net/realms/noc.
	OIDCIssuer() string
}

// oidcDiscoveryURL is the OpenID Connect discovery document of the issuer the
// authorizer names, or the placeholder when it names none (or one that is not
// an absolute http(s) URL).
func oidcDiscoveryURL(a Authorizer) string {
	n, ok := a.(OIDCIssuerNamer)
	if !ok {
		return PlaceholderOIDCDiscoveryURL
	}
	issuer := strings.TrimSuffix(n.OIDCIssuer(), "/")
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return PlaceholderOIDCDiscoveryURL
	}
	return issuer + "/.well-known/openid-configuration"
}

// securitySchemes is components.securitySchemes.
func securitySchemes(discovery string) map[string]any {
	oidc := "OpenID Connect: an ID or access token of the server's issuer (auth mode oidc), sent as " +
		"`Authorization: Bearer ...`. The claim the server is configured with (default `groups`) maps to roles."
	if discovery == PlaceholderOIDCDiscoveryURL {
		oidc += " This server names no issuer: the discovery URL is a placeholder; a server in auth mode oidc " +
			"points it at its issuer's `/.well-known/openid-configuration`."
	}
	return map[string]any{
		SchemeBearerJWT: map[string]any{
			"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
			"description": "A short-lived access token (EdDSA-signed JWT; the public keys are at `/.well-known/jwks.json`) " +
				"from `POST /api/v1/auth/login` or its refresh, sent as `Authorization: Bearer ...` (auth mode local).",
		},
		SchemeAPIToken: map[string]any{
			"type": "http", "scheme": "bearer", "bearerFormat": "unet_<id>_<secret>",
			"description": "An API token for automation, created with `unet tokens create` and shown once: " +
				"`unet_<id>_<secret>`, sent as `Authorization: Bearer unet_<id>_<secret>`. A token may be read-only, " +
				"expire, and be limited to source addresses.",
		},
		SchemeOIDC: map[string]any{
			"type": "openIdConnect", "openIdConnectUrl": discovery, "description": oidc,
		},
	}
}

// anyScheme is the security requirement of a protected operation: any one of
// the schemes.
func anyScheme() []any {
	var req []any
	for _, name := range SecuritySchemes() {
		req = append(req, map[string]any{name: []string{}})
	}
	return req
}

// secureOperation declares the security, the permission and the
// authentication and authorization answers of an operation.
func secureOperation(op map[string]any, rt Route) {
	op["x-permission"] = string(rt.Permission)
	responses := op["responses"].(map[string]any)
	responses["429"] = map[string]any{"$ref": "#/components/responses/TooManyRequests"}
	if !healthPath(rt.Path) {
		responses["421"] = map[string]any{"$ref": "#/components/responses/MisdirectedRequest"}
	}
	if rt.Permission == PermPublic {
		op["security"] = []any{}
		op["description"] = "Public: needs no credentials."
		return
	}
	op["security"] = anyScheme()
	op["description"] = "Requires the permission `" + string(rt.Permission) + "` (401 without valid credentials, " +
		"403 when the caller's roles lack it or the object is outside the grant's scope)."
	responses["401"] = map[string]any{"$ref": "#/components/responses/Unauthorized"}
	responses["403"] = map[string]any{"$ref": "#/components/responses/Forbidden"}
}

// authResponses are the components.responses of authentication, authorization
// and rate limiting.
func authResponses(problem map[string]any) map[string]any {
	content := map[string]any{ProblemContentType: map[string]any{"schema": problem}}
	return map[string]any{
		"Unauthorized": map[string]any{
			"description": http.StatusText(http.StatusUnauthorized) + ": no credentials, or credentials that are " +
				"malformed, expired, revoked or of a disabled user (code unauthorized)",
			"headers": map[string]any{"WWW-Authenticate": map[string]any{
				"description": "the scheme to authenticate with, e.g. Bearer",
				"schema":      map[string]any{"type": "string"}}},
			"content": content,
		},
		"Forbidden": map[string]any{
			"description": http.StatusText(http.StatusForbidden) + ": the identity lacks the operation's permission, " +
				"the object is outside the grant's scope, or a read-only token was used for a write (code forbidden)",
			"content": content,
		},
		"MisdirectedRequest": map[string]any{
			"description": http.StatusText(http.StatusMisdirectedRequest) + ": the Host header names none of the " +
				"server's allowed hosts (--allowed-hosts; code forbidden)",
			"content": content,
		},
		"TooManyRequests": map[string]any{
			"description": http.StatusText(http.StatusTooManyRequests) + ": the caller's or the source address's " +
				"rate limit, or login throttling after failures",
			"headers": map[string]any{"Retry-After": map[string]any{
				"description": "seconds to wait before trying again",
				"schema":      map[string]any{"type": "integer"}}},
			"content": content,
		},
	}
}
