package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// ssoScopes are the scopes a device login asks for: an ID token with the
// user's name and email, and a refresh token where the issuer allows it.
var ssoScopes = []string{oidc.ScopeOpenID, "profile", "email", oidc.ScopeOfflineAccess}

// ssoTokens are the result of a device login.
type ssoTokens struct {
	// Bearer is what the CLI sends to the server: the ID token, whose
	// audience is the client ID the server checks (the access token's
	// audience differs between issuers), else the access token.
	Bearer       string
	RefreshToken string
	Expiry       time.Time
	Issuer       string
	ClientID     string
	// User is the name the server will record (preferred_username, else
	// email, else sub).
	User string
}

// fetchAuthConfig asks the server how to log in (GET /api/v1/auth/config).
func fetchAuthConfig(ctx context.Context, hc *http.Client, server string) (*httpapi.AuthConfig, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(server, "/")+httpapi.BasePath+"/auth/config", nil)
	if err != nil {
		return nil, usagef("--server: %v", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("cannot reach %s: %v", server, err), Err: err}
	}
	defer func() { _ = resp.Body.Close() }() // read only
	if resp.StatusCode != http.StatusOK {
		return nil, unet.Errorf(unet.EUNAVAILABLE, "%s answered %s to %s/auth/config: is it a μNet server of this version?", server, resp.Status, httpapi.BasePath)
	}
	var c httpapi.AuthConfig
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&c); err != nil {
		return nil, unet.Errorf(unet.EUNAVAILABLE, "%s: unreadable auth config: %v", server, err)
	}
	return &c, nil
}

// deviceLogin logs in with the OAuth 2.0 Device Authorization Grant (RFC
// 8628) at the issuer the server names: it shows the user where to go and
// which code to confirm on prompt, polls the issuer's token endpoint until
// the user has approved (or denied, or the code expired), verifies the ID
// token it gets and returns the tokens. serverClient reaches the server,
// issuerClient the issuer.
func deviceLogin(ctx context.Context, server string, serverClient, issuerClient *http.Client, prompt io.Writer) (*ssoTokens, error) {
	conf, err := fetchAuthConfig(ctx, serverClient, server)
	if err != nil {
		return nil, err
	}
	if conf.Mode != "oidc" || conf.Issuer == "" || conf.ClientID == "" {
		return nil, unet.Errorf(unet.EINVALID, "%s is in auth mode %s, not oidc: log in without --sso, or use an API token (--token)", server, conf.Mode)
	}
	ictx := oidc.ClientContext(ctx, issuerClient)
	p, err := oidc.NewProvider(ictx, conf.Issuer)
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("the issuer %s cannot be reached: %v", conf.Issuer, err), Err: err}
	}
	ep := p.Endpoint()
	if ep.DeviceAuthURL == "" {
		return nil, unet.Errorf(unet.EUNAVAILABLE, "the issuer %s offers no device authorization endpoint (RFC 8628): enable the device flow for client %s, or use an API token", conf.Issuer, conf.ClientID)
	}
	// A public client: its ID goes in the form (RFC 6749 §2.3.1), never in
	// a Basic header with an empty secret, which some issuers refuse.
	ep.AuthStyle = oauth2.AuthStyleInParams
	oc := &oauth2.Config{ClientID: conf.ClientID, Endpoint: ep, Scopes: ssoScopes}
	da, err := oc.DeviceAuth(ictx)
	if err != nil {
		return nil, oauthError("device authorization", conf.Issuer, err)
	}
	where := da.VerificationURIComplete
	if where == "" {
		where = da.VerificationURI
	}
	if _, err := fmt.Fprintf(prompt, "To log in to %s, open\n\n    %s\n\nand confirm the code %s\n", server, where, da.UserCode); err != nil {
		return nil, err
	}
	tok, err := oc.DeviceAccessToken(ictx, da)
	if err != nil {
		return nil, oauthError("device login", conf.Issuer, err)
	}
	return verifiedTokens(ictx, p, conf.Issuer, conf.ClientID, tok)
}

// verifiedTokens checks the ID token of an issuer's token answer (issuer,
// audience, signature, expiry) and returns what the CLI keeps; an answer
// without an ID token keeps the access token.
func verifiedTokens(ctx context.Context, p *oidc.Provider, issuer, clientID string, tok *oauth2.Token) (*ssoTokens, error) {
	out := &ssoTokens{Bearer: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry,
		Issuer: issuer, ClientID: clientID}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return out, nil
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: clientID}).Verify(ctx, raw)
	if err != nil {
		return nil, &unet.Error{Code: unet.EUNAUTHORIZED, Message: "the issuer's ID token does not verify: " + err.Error(), Err: err}
	}
	var claims struct {
		Username string `json:"preferred_username"`
		Email    string `json:"email"`
	}
	if err := idt.Claims(&claims); err != nil {
		return nil, &unet.Error{Code: unet.EUNAUTHORIZED, Message: "unreadable ID token claims", Err: err}
	}
	out.Bearer, out.Expiry, out.User = raw, idt.Expiry, pick(claims.Username, claims.Email, idt.Subject)
	return out, nil
}

// ssoRefreshMargin is how long before its expiry a stored OIDC token is
// refreshed.
const ssoRefreshMargin = 30 * time.Second

// refreshSSO exchanges the refresh token of stored OIDC credentials at the
// issuer for new tokens (the issuer may rotate the refresh token) and
// returns the new credentials.
func refreshSSO(ctx context.Context, c credentials, issuerClient *http.Client) (credentials, error) {
	ictx := oidc.ClientContext(ctx, issuerClient)
	p, err := oidc.NewProvider(ictx, c.Issuer)
	if err != nil {
		return c, &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("the issuer %s cannot be reached: %v", c.Issuer, err), Err: err}
	}
	ep := p.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInParams
	oc := &oauth2.Config{ClientID: c.ClientID, Endpoint: ep, Scopes: ssoScopes}
	tok, err := oc.TokenSource(ictx, &oauth2.Token{RefreshToken: c.RefreshToken, Expiry: time.Unix(1, 0)}).Token()
	if err != nil {
		return c, oauthError("refresh", c.Issuer, err)
	}
	t, err := verifiedTokens(ictx, p, c.Issuer, c.ClientID, tok)
	if err != nil {
		return c, err
	}
	c.AccessToken, c.ExpiresAt, c.User = t.Bearer, t.Expiry.UTC(), pick(t.User, c.User)
	if t.RefreshToken != "" {
		c.RefreshToken = t.RefreshToken
	}
	return c, nil
}

// oauthError maps an OAuth error of the issuer: a denied or expired device
// code is an authentication failure (exit 69), anything else the issuer
// being unusable.
func oauthError(what, issuer string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		switch re.ErrorCode {
		case "access_denied":
			return &unet.Error{Code: unet.EUNAUTHORIZED, Message: what + ": the login was denied at " + issuer, Err: err}
		case "expired_token":
			return &unet.Error{Code: unet.EUNAUTHORIZED, Message: what + ": the code expired before it was confirmed; run unet login --sso again", Err: err}
		case "unauthorized_client", "invalid_client":
			return &unet.Error{Code: unet.EUNAUTHORIZED, Message: fmt.Sprintf("%s: the issuer %s refuses the client: %s", what, issuer, pick(re.ErrorDescription, re.ErrorCode)), Err: err}
		}
		return &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("%s at %s: %s", what, issuer, pick(re.ErrorDescription, re.ErrorCode, err.Error())), Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &unet.Error{Code: unet.EUNAVAILABLE, Message: fmt.Sprintf("%s at %s: %v", what, issuer, err), Err: err}
}
