package webui

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// OIDCLogin configures the OpenID Connect sign-in of auth mode oidc: the
// authorization code flow with PKCE, state and nonce, to Issuer. The ID
// token it obtains becomes the session's bearer credential, as the CLI's
// SSO login sends it; the Authorizer verifies it on every page.
type OIDCLogin struct {
	// Issuer is the OpenID provider's issuer URL.
	Issuer string
	// ClientID and ClientSecret are the server's client at the provider
	// (a public client has no secret).
	ClientID     string
	ClientSecret string
	// RedirectURL is the callback registered at the provider
	// (https://HOST/ui/login/oidc/callback; default: derived from the
	// request's Host, https when the request came over TLS).
	RedirectURL string
	// HTTPClient reaches the provider (default http.DefaultClient).
	HTTPClient *http.Client
}

// OIDCCallbackPath is where the OpenID provider sends the browser back
// after a sign-in: the path of the redirect URL to register there.
const OIDCCallbackPath = oidcCallbackPath

// The paths of the OpenID Connect sign-in.
const (
	oidcStartPath    = Prefix + "login/oidc"
	oidcCallbackPath = Prefix + "login/oidc/callback"
	// cookieOIDC holds the state, nonce and PKCE verifier of a sign-in
	// under way, signed with the CSRF key, for the callback only.
	cookieOIDC = "unet_oidc"
	// oidcFlowTTL bounds the time a user may take at the provider.
	oidcFlowTTL = 10 * time.Minute
)

// oidcScopes are the scopes the sign-in asks for: an ID token with the
// user's name and email.
var oidcScopes = []string{oidc.ScopeOpenID, "profile", "email"}

// oidcClient is the discovered provider of the sign-in.
type oidcClient struct {
	mu       sync.Mutex
	provider *oidc.Provider
}

// routesOIDC registers the OpenID Connect sign-in, when configured.
func (u *UI) routesOIDC() {
	if u.opts.OIDC == nil {
		return
	}
	u.handle("GET "+oidcStartPath, unet.PermPublic, u.oidcStart)
	u.handle("GET "+oidcCallbackPath, unet.PermPublic, u.oidcCallback)
}

// oidcFlowState is what the flow cookie carries from the start of a
// sign-in to its callback.
type oidcFlowState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
	Redirect string `json:"r"`
	Expires  int64  `json:"e"`
}

// providerCtx is ctx with the provider's HTTP client.
func (u *UI) providerCtx(ctx context.Context) context.Context {
	if hc := u.opts.OIDC.HTTPClient; hc != nil {
		return oidc.ClientContext(ctx, hc)
	}
	return ctx
}

// oidcProvider discovers the provider once (a failure is tried again at
// the next sign-in).
func (u *UI) oidcProvider(ctx context.Context) (*oidc.Provider, error) {
	c := &u.oidc
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, nil
	}
	p, err := oidc.NewProvider(u.providerCtx(ctx), u.opts.OIDC.Issuer)
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: "the identity provider " + u.opts.OIDC.Issuer + " cannot be reached; try again later", Err: err}
	}
	c.provider = p
	return p, nil
}

func (u *UI) oauth2Config(p *oidc.Provider, redirect string) *oauth2.Config {
	o := u.opts.OIDC
	return &oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: redirect, Scopes: oidcScopes}
}

// redirectURL is the callback URL the provider sends the browser back to.
func (u *UI) redirectURL(r *http.Request) string {
	if u.opts.OIDC.RedirectURL != "" {
		return u.opts.OIDC.RedirectURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + oidcCallbackPath
}

// oidcStart answers GET /ui/login/oidc: a new state, nonce and PKCE
// verifier go in the flow cookie, and the browser to the provider's
// authorization endpoint.
func (u *UI) oidcStart(w http.ResponseWriter, r *http.Request) error {
	p, err := u.oidcProvider(r.Context())
	if err != nil {
		return err
	}
	st := oidcFlowState{Verifier: oauth2.GenerateVerifier(), Next: safeNext(r.URL.Query().Get("next")),
		Redirect: u.redirectURL(r), Expires: time.Now().Add(oidcFlowTTL).Unix()}
	if st.State, err = newCSRFValue(); err == nil {
		st.Nonce, err = newCSRFValue()
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: cookieOIDC, Value: u.sealFlow(st), Path: oidcCallbackPath,
		MaxAge: int(oidcFlowTTL / time.Second), HttpOnly: true, Secure: httpapi.OverTLS(r),
		// The provider sends the browser back with a top-level GET from
		// its own site: a Strict cookie would not come with it.
		SameSite: http.SameSiteLaxMode})
	to := u.oauth2Config(p, st.Redirect).AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier))
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// oidcCallback answers the provider's redirect: the state must be the flow
// cookie's, the code is exchanged with the PKCE verifier (and the client
// secret), the ID token verified (issuer, audience, expiry, signature,
// nonce), and it becomes the session's credential until it expires.
func (u *UI) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, &http.Cookie{Name: cookieOIDC, Path: oidcCallbackPath, MaxAge: -1, HttpOnly: true,
		Secure: httpapi.OverTLS(r), SameSite: http.SameSiteLaxMode})
	v := u.loginView(r)
	fail := func(msg string, err error) error {
		if err != nil {
			u.log.WarnContext(r.Context(), "OpenID Connect sign-in failed", "reason", msg, "error", err)
		}
		v.Error = "the sign-in with " + v.Issuer + " failed: " + msg + "; try again"
		return u.render(w, r, http.StatusUnauthorized, "login", view{Title: "Sign in", Page: v})
	}
	st, ok := u.openFlow(cookieValue(r, cookieOIDC))
	q := r.URL.Query()
	switch {
	case !ok:
		return fail("the sign-in took too long or did not start here", nil)
	case !hmac.Equal([]byte(q.Get("state")), []byte(st.State)):
		return fail("the answer does not belong to this sign-in", nil)
	case q.Get("error") != "":
		return fail("the identity provider refused it ("+q.Get("error")+")", nil)
	case q.Get("code") == "":
		return fail("the identity provider sent no code", nil)
	}
	p, err := u.oidcProvider(r.Context())
	if err != nil {
		return err
	}
	ctx := u.providerCtx(r.Context())
	tok, err := u.oauth2Config(p, st.Redirect).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return fail("the code was not accepted", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return fail("the identity provider sent no ID token", nil)
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: u.opts.OIDC.ClientID}).Verify(ctx, raw)
	if err != nil {
		return fail("the ID token is not valid", err)
	}
	if !hmac.Equal([]byte(idt.Nonce), []byte(st.Nonce)) {
		return fail("the ID token does not belong to this sign-in", errors.New("nonce mismatch"))
	}
	age := int(time.Until(idt.Expiry) / time.Second)
	if age <= 0 {
		return fail("the ID token has expired", nil)
	}
	if _, err := startSession(w, r, raw, "", age); err != nil {
		return err
	}
	// The browser came here through the provider's redirect, a navigation
	// from another site: the SameSite=Strict cookies just set would not
	// come with a redirect now. A page of this site that moves on by
	// itself sends them.
	w.Header().Set("Refresh", "0; url="+st.Next)
	v.Continue = st.Next
	return u.render(w, r, http.StatusOK, "login", view{Title: "Signed in", Page: v})
}

// sealFlow encodes and signs a flow state for its cookie.
func (u *UI) sealFlow(st oidcFlowState) string {
	b, _ := json.Marshal(st)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + u.flowMAC(payload)
}

// openFlow checks and decodes a flow cookie.
func (u *UI) openFlow(v string) (oidcFlowState, bool) {
	var st oidcFlowState
	payload, mac, ok := strings.Cut(v, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(u.flowMAC(payload))) {
		return st, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(b, &st) != nil || time.Now().Unix() > st.Expires || st.State == "" {
		return st, false
	}
	return st, true
}

func (u *UI) flowMAC(payload string) string {
	m := hmac.New(sha256.New, u.csrfKey)
	m.Write([]byte("unet web interface OpenID Connect sign-in\x00"))
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
