package cli

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"net/url"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/webui"
)

// uiCSRFKey is the key of the web interface's CSRF tokens: derived from
// the token pepper when one is configured, so that every replica of a
// server computes the same tokens; nil (a random key of the process)
// without one.
func (a *app) uiCSRFKey(ctx context.Context, cfg *serveConfig) ([]byte, error) {
	ref := a.tokenPepperRef(cfg)
	if ref == "" {
		return nil, nil
	}
	b, err := secret.LoadMaterial(ctx, "token pepper", ref, a.lookupEnv)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, b)
	m.Write([]byte("unet web interface CSRF key"))
	return m.Sum(nil), nil
}

// uiOIDC is the web interface's OpenID Connect sign-in of auth mode oidc:
// the same issuer, client and trusted CAs as the server's token checks,
// with the client secret (when configured) for the code exchange.
func (a *app) uiOIDC(ctx context.Context, s *oidcSettings) (*webui.OIDCLogin, error) {
	if s == nil {
		return nil, nil
	}
	o := &webui.OIDCLogin{Issuer: s.issuer, ClientID: s.clientID, RedirectURL: s.redirectURL}
	if s.clientSecret != "" {
		b, err := secret.LoadMaterial(ctx, "OIDC client secret", s.clientSecret, a.lookupEnv)
		if err != nil {
			return nil, &unet.Error{Code: unet.EINVALID, Message: err.Error(), Err: err}
		}
		o.ClientSecret = string(b)
	}
	hc, err := s.httpClient()
	if err != nil {
		return nil, err
	}
	o.HTTPClient = hc
	return o, nil
}

// checkOIDCRedirectURL refuses a redirect URL that is not the web
// interface's callback on an http(s) address.
func checkOIDCRedirectURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != webui.OIDCCallbackPath || u.RawQuery != "" || u.Fragment != "" {
		return usagef("--oidc-redirect-url %q: want the web interface's callback, https://HOST%s", v, webui.OIDCCallbackPath)
	}
	return nil
}
