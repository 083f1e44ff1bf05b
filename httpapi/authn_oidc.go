package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
)

// Defaults of OIDC verification.
const (
	// DefaultOIDCRoleClaim is the claim whose values map to roles.
	DefaultOIDCRoleClaim = "groups"
	// DefaultOIDCKeysMaxAge is how long the issuer's keys (JWKS) are used
	// before they are fetched again, whatever tokens are seen: a key the
	// issuer removed stops being accepted within this time even if no token
	// signed by a new key arrives first.
	DefaultOIDCKeysMaxAge = time.Hour
	// oidcRetryDiscovery is how long a failed discovery is remembered before
	// a request tries again, so that a down issuer is not asked on every
	// request.
	oidcRetryDiscovery = 5 * time.Second
	// oidcHTTPTimeout bounds discovery and key requests to the issuer.
	oidcHTTPTimeout = 10 * time.Second
	// maxOIDCUserName bounds the user name taken from a token: the length
	// of the longest sub, the last choice.
	maxOIDCUserName = 255
	// maxOIDCSubject is the longest sub OpenID Connect allows.
	maxOIDCSubject = 255
	// OIDCRoleMapAny is the role-map key that every verified token matches,
	// whatever its claim holds.
	OIDCRoleMapAny = "*"
)

// RoleSource resolves role names (built-in or custom) to roles;
// service.Service is one.
type RoleSource interface {
	GetRole(ctx context.Context, name string) (*unet.Role, error)
}

// OIDCOptions configure the verification of OpenID Connect bearer tokens.
type OIDCOptions struct {
	// Issuer is the issuer URL: https, or http on a loopback address.
	Issuer string
	// ClientID is the client registered at the issuer for μNet; the CLI's
	// device login uses it too.
	ClientID string
	// Audience is the audience a token must carry ("" means ClientID).
	Audience string
	// RoleClaim names the claim mapped to roles ("" means groups). A claim
	// absent under its literal name is looked up as a dotted path
	// (realm_access.roles).
	RoleClaim string
	// RoleMap maps claim values to role names; the key "*" matches every
	// verified token.
	RoleMap map[string][]string
	// Roles resolves the mapped role names to permissions.
	Roles RoleSource
	// HTTPClient reaches the issuer (nil: a client with a 10 s timeout).
	HTTPClient *http.Client
	// KeysMaxAge is how long fetched keys are used before a refetch (0:
	// DefaultOIDCKeysMaxAge). A token with an unknown key id makes the keys
	// be fetched at once in any case.
	KeysMaxAge time.Duration
	// Now is the clock (nil: time.Now); tests set it.
	Now func() time.Time
}

// OIDCAuthenticator verifies OpenID Connect ID and access tokens (JWTs)
// sent as bearer credentials, against the issuer's discovery document and
// keys (JWKS), with github.com/coreos/go-oidc/v3. Discovery happens on first
// use and is retried while the issuer cannot be reached, so that a server
// starts even when its issuer is briefly down.
type OIDCAuthenticator struct {
	opts OIDCOptions

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	device   string // the issuer's device authorization endpoint
	failedAt time.Time
	failure  error
}

// NewOIDCAuthenticator checks the options; it does not reach the issuer
// (see Discover).
func NewOIDCAuthenticator(o OIDCOptions) (*OIDCAuthenticator, error) {
	if err := checkIssuerURL(o.Issuer); err != nil {
		return nil, err
	}
	if strings.TrimSpace(o.ClientID) == "" {
		return nil, unet.Errorf(unet.EINVALID, "OIDC needs a client ID (--oidc-client-id)")
	}
	if o.Audience == "" {
		o.Audience = o.ClientID
	}
	if o.RoleClaim == "" {
		o.RoleClaim = DefaultOIDCRoleClaim
	}
	if o.Roles == nil {
		return nil, unet.Errorf(unet.EINVALID, "OIDC needs a role source")
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: oidcHTTPTimeout}
	}
	if o.KeysMaxAge <= 0 {
		o.KeysMaxAge = DefaultOIDCKeysMaxAge
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &OIDCAuthenticator{opts: o}, nil
}

// checkIssuerURL accepts an absolute https URL, or http on a loopback
// host (a provider on the same machine, or a test): tokens are verified
// with keys fetched from it, which must not be tampered with on the way.
func checkIssuerURL(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return unet.Errorf(unet.EINVALID, "OIDC issuer %q is not an absolute URL such as https://sso.example.net/realms/noc", issuer)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return nil
		}
	}
	return unet.Errorf(unet.EINVALID, "OIDC issuer %q must use https (http only on a loopback address)", issuer)
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Issuer is the configured issuer URL.
func (a *OIDCAuthenticator) Issuer() string { return a.opts.Issuer }

// ClientID is the configured client ID.
func (a *OIDCAuthenticator) ClientID() string { return a.opts.ClientID }

// Discover fetches the issuer's discovery document now (the server calls it
// at start to report a misconfiguration early). It returns the error of
// the last attempt.
func (a *OIDCAuthenticator) Discover(ctx context.Context) error {
	_, err := a.verifierFor(ctx, true)
	return err
}

// DeviceAuthorizationEndpoint is the issuer's device authorization
// endpoint (RFC 8628), "" when the issuer names none or has not been
// reached.
func (a *OIDCAuthenticator) DeviceAuthorizationEndpoint(ctx context.Context) string {
	if _, err := a.verifierFor(ctx, false); err != nil {
		return ""
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.device
}

// discovery is the part of the discovery document read besides what
// go-oidc reads.
type discovery struct {
	Algs   []string `json:"id_token_signing_alg_values_supported"`
	JWKS   string   `json:"jwks_uri"`
	Device string   `json:"device_authorization_endpoint"`
}

// supportedAlgs are the signature algorithms go-oidc verifies.
var supportedAlgs = []string{oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512,
	oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA}

// verifierFor returns the verifier, discovering the issuer first if need
// be. A failed discovery is retried after oidcRetryDiscovery (at once with
// force).
func (a *OIDCAuthenticator) verifierFor(ctx context.Context, force bool) (*oidc.IDTokenVerifier, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.verifier != nil {
		return a.verifier, nil
	}
	if !force && a.failure != nil && a.opts.Now().Sub(a.failedAt) < oidcRetryDiscovery {
		return nil, a.failure
	}
	dctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, a.opts.HTTPClient), oidcHTTPTimeout)
	defer cancel()
	p, err := oidc.NewProvider(dctx, a.opts.Issuer)
	if err != nil {
		a.failedAt = a.opts.Now()
		a.failure = &unet.Error{Code: unet.EUNAVAILABLE,
			Message: fmt.Sprintf("the OIDC issuer %s cannot be reached or its discovery document is wrong: %v", a.opts.Issuer, err), Err: err}
		return nil, a.failure
	}
	var d discovery
	if err := p.Claims(&d); err != nil {
		return nil, &unet.Error{Code: unet.EUNAVAILABLE, Message: "the OIDC discovery document cannot be read", Err: err}
	}
	var algs []string
	for _, alg := range d.Algs {
		if slices.Contains(supportedAlgs, alg) {
			algs = append(algs, alg)
		}
	}
	keyCtx := oidc.ClientContext(context.Background(), a.opts.HTTPClient)
	keys := &refreshingKeySet{maxAge: a.opts.KeysMaxAge, now: a.opts.Now,
		fresh: func() oidc.KeySet { return oidc.NewRemoteKeySet(keyCtx, d.JWKS) }}
	a.verifier = oidc.NewVerifier(a.opts.Issuer, keys, &oidc.Config{ClientID: a.opts.Audience,
		SupportedSigningAlgs: algs, Now: a.opts.Now})
	a.device = d.Device
	a.failure = nil
	return a.verifier, nil
}

// refreshingKeySet is the issuer's key set, fetched anew once it is older
// than maxAge. go-oidc's remote key set refetches on an unknown key id only;
// without a refresh a key the issuer removed would be trusted until restart.
type refreshingKeySet struct {
	maxAge time.Duration
	now    func() time.Time
	fresh  func() oidc.KeySet

	mu   sync.Mutex
	ks   oidc.KeySet
	made time.Time
}

// VerifySignature verifies jwt with the current key set.
func (k *refreshingKeySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	k.mu.Lock()
	if now := k.now(); k.ks == nil || now.Sub(k.made) >= k.maxAge {
		k.ks, k.made = k.fresh(), now
	}
	ks := k.ks
	k.mu.Unlock()
	return ks.VerifySignature(ctx, jwt)
}

// Authenticate verifies the request's bearer token if it is a JWT of the
// configured issuer; other credentials are left to the other
// authenticators.
func (a *OIDCAuthenticator) Authenticate(r *http.Request) (*unet.Principal, error) {
	tok := BearerToken(r)
	if tok == "" || auth.LooksLikeToken(tok) || unverifiedIssuer(tok) != strings.TrimSuffix(a.opts.Issuer, "/") {
		return nil, nil
	}
	return a.Verify(r.Context(), tok)
}

// Verify verifies an OIDC token and returns its principal: the user name
// (preferred_username, else email, else sub), the auth method oidc with the
// subject, and the roles mapped from the role claim. A token that maps to no
// role is still a principal, without permissions.
func (a *OIDCAuthenticator) Verify(ctx context.Context, tok string) (*unet.Principal, error) {
	v, err := a.verifierFor(ctx, false)
	if err != nil {
		return nil, err
	}
	t, err := v.Verify(ctx, tok)
	if err != nil {
		var exp *oidc.TokenExpiredError
		switch {
		case errors.As(err, &exp):
			return nil, unet.Errorf(unet.EUNAUTHORIZED, "OIDC token expired at %s: log in again (unet login --sso)", exp.Expiry.UTC().Format(time.RFC3339))
		case strings.Contains(err.Error(), "audience"):
			return nil, unet.Errorf(unet.EUNAUTHORIZED, "OIDC token is not meant for this server: its audience does not include %q", a.opts.Audience)
		}
		return nil, &unet.Error{Code: unet.EUNAUTHORIZED, Message: "invalid OIDC token: " + strings.TrimPrefix(err.Error(), "oidc: "), Err: err}
	}
	// OpenID Connect Core §2: sub is at most 255 ASCII characters; it goes
	// to the audit log.
	if t.Subject == "" || len(t.Subject) > maxOIDCSubject || strings.ContainsFunc(t.Subject, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "invalid OIDC token: its sub claim is not 1 to 255 printable ASCII characters")
	}
	var claims map[string]any
	if err := t.Claims(&claims); err != nil {
		return nil, &unet.Error{Code: unet.EUNAUTHORIZED, Message: "invalid OIDC token: unreadable claims", Err: err}
	}
	name := oidcUserName(claims, t.Subject)
	if name == "" {
		return nil, unet.Errorf(unet.EUNAUTHORIZED, "invalid OIDC token: no usable preferred_username, email or sub")
	}
	grants := a.grants(claimValues(claims, a.opts.RoleClaim))
	perms, err := a.permissions(ctx, grants)
	if err != nil {
		return nil, err
	}
	return &unet.Principal{User: name, Method: unet.AuthMethodOIDC, Subject: t.Subject, Grants: grants, Permissions: perms}, nil
}

// grants are the roles the claim values map to, in role-map order of
// first appearance.
func (a *OIDCAuthenticator) grants(values []string) []unet.Grant {
	var out []unet.Grant
	add := func(roles []string) {
		for _, r := range roles {
			if !slices.ContainsFunc(out, func(g unet.Grant) bool { return g.Role == r }) {
				out = append(out, unet.Grant{Role: r})
			}
		}
	}
	add(a.opts.RoleMap[OIDCRoleMapAny])
	for _, v := range values {
		add(a.opts.RoleMap[v])
	}
	return out
}

// permissions is the union of the permissions of the granted roles; a role
// that does not exist (a custom role removed since) grants nothing.
func (a *OIDCAuthenticator) permissions(ctx context.Context, grants []unet.Grant) ([]unet.Permission, error) {
	var out []unet.Permission
	for _, g := range grants {
		r, err := a.opts.Roles.GetRole(ctx, g.Role)
		if err != nil {
			if unet.ErrorCode(err) == unet.ENOTFOUND {
				continue
			}
			return nil, fmt.Errorf("roles of an OIDC token: %w", err)
		}
		for _, p := range r.Permissions {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// oidcUserName is the first usable of preferred_username, email and sub: a
// non-empty string of at most 255 bytes without control characters.
func oidcUserName(claims map[string]any, sub string) string {
	for _, c := range []any{claims["preferred_username"], claims["email"], sub} {
		s, _ := c.(string)
		s = strings.TrimSpace(s)
		if s != "" && len(s) <= maxOIDCUserName && !strings.ContainsFunc(s, unicode.IsControl) {
			return s
		}
	}
	return ""
}

// claimValues reads a claim as a list of strings: a string is a list of
// one, a list keeps its string elements. A claim absent under its literal
// name is looked up as a dotted path through nested objects.
func claimValues(claims map[string]any, name string) []string {
	v, ok := claims[name]
	if !ok && strings.Contains(name, ".") {
		var cur any = claims
		for _, part := range strings.Split(name, ".") {
			m, isMap := cur.(map[string]any)
			if !isMap {
				cur = nil
				break
			}
			cur = m[part]
		}
		v = cur
	}
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// unverifiedIssuer reads the iss claim of a JWT without verifying it ("" if
// tok is not a JWT), to choose the authenticator that verifies it.
func unverifiedIssuer(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(payload, &c) != nil {
		return ""
	}
	return strings.TrimSuffix(c.Iss, "/")
}
