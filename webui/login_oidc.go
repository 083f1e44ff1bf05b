package webui

import "net/http"

// OIDCLogin configures the OpenID Connect sign-in of auth mode oidc: the
// authorization code flow with PKCE, state and nonce, to Issuer.
type OIDCLogin struct {
	// Issuer is the OpenID provider's issuer URL.
	Issuer string
	// ClientID and ClientSecret are the server's client at the provider
	// (a public client has no secret).
	ClientID     string
	ClientSecret string
	// RedirectURL is the callback registered at the provider
	// (https://HOST/ui/login/oidc/callback; default: derived from the
	// request's Host and scheme).
	RedirectURL string
	// HTTPClient reaches the provider (default http.DefaultClient).
	HTTPClient *http.Client
}

// routesOIDC registers the OpenID Connect sign-in.
func (u *UI) routesOIDC() {}
