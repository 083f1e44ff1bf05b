package testutil

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// OIDC client IDs of the in-process provider. PublicClientID is the client
// the server and the CLI's device login use (no secret, device grant);
// MinterClientID is a confidential client whose client-credentials grant
// mints tokens for a chosen subject and audience (see OIDCProvider.Token).
const (
	PublicClientID = "unet"
	MinterClientID = "minter"
	minterSecret   = "minter-secret"
)

// OIDCUser is a user of the in-process provider.
type OIDCUser struct {
	Subject  string
	Username string // preferred_username ("" leaves it out)
	Email    string // "" leaves it out
	Groups   []string
}

// OIDCProvider is a real OpenID provider (github.com/zitadel/oidc/v3/pkg/op)
// served over TLS on a random loopback port, with an in-memory storage:
// discovery, JWKS, the token endpoint (client credentials, device code) and
// the device authorization endpoint are the library's own.
type OIDCProvider struct {
	server *httptest.Server
	store  *opStorage
}

// StartOIDCProvider starts a provider for the test; it stops at cleanup.
func StartOIDCProvider(t testing.TB) *OIDCProvider {
	t.Helper()
	st := &opStorage{users: map[string]OIDCUser{}, devices: map[string]*deviceEntry{}, userCodes: map[string]string{},
		refresh: map[string]*refreshReq{}}
	if err := st.rotate(false); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	hs.StartTLS()
	issuer := hs.URL
	cfg := &op.Config{
		CryptoKey:                sha256.Sum256([]byte("unet test provider")),
		DefaultLogoutRedirectURI: "/",
		CodeMethodS256:           true,
		GrantTypeRefreshToken:    true,
		SupportedUILocales:       nil,
		DeviceAuthorization: op.DeviceAuthorizationConfig{
			Lifetime: 5 * time.Minute, PollInterval: time.Second,
			UserFormPath: "/device", UserCode: op.UserCodeBase20,
		},
	}
	p, err := op.NewProvider(cfg, st, op.StaticIssuer(issuer))
	if err != nil {
		hs.Close()
		t.Fatal(err)
	}
	hs.Config.Handler = st.withSignIn(p, issuer)
	t.Cleanup(hs.Close)
	return &OIDCProvider{server: hs, store: st}
}

// Issuer is the provider's issuer URL (https on loopback).
func (p *OIDCProvider) Issuer() string { return p.server.URL }

// HTTPClient is a client that trusts the provider's certificate.
func (p *OIDCProvider) HTTPClient() *http.Client { return p.server.Client() }

// Server is the provider's TLS test server (for its certificate).
func (p *OIDCProvider) Server() *httptest.Server { return p.server }

// AddUser adds (or replaces) a user.
func (p *OIDCProvider) AddUser(u OIDCUser) {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.users[u.Subject] = u
}

// RotateKeys makes a new signing key current. With keepOld the previous
// keys stay published in the JWKS; without, only the new key is.
func (p *OIDCProvider) RotateKeys(t testing.TB, keepOld bool) {
	t.Helper()
	if err := p.store.rotate(keepOld); err != nil {
		t.Fatal(err)
	}
}

// TokenSpec chooses what a minted token says.
type TokenSpec struct {
	Subject string
	// Audience defaults to PublicClientID.
	Audience string
	// Expired mints a token that expired ten minutes ago.
	Expired bool
}

// Token mints a signed JWT access token through the provider's token
// endpoint (client-credentials grant of the minter client): issuer, subject,
// audience, expiry and the user's claims (groups, preferred_username,
// email) as the spec says.
func (p *OIDCProvider) Token(t testing.TB, s TokenSpec) string {
	t.Helper()
	aud := s.Audience
	if aud == "" {
		aud = PublicClientID
	}
	scopes := []string{"sub:" + s.Subject, "aud:" + aud}
	if s.Expired {
		scopes = append(scopes, "expired")
	}
	form := url.Values{"grant_type": {string(oidc.GrantTypeClientCredentials)}, "scope": {strings.Join(scopes, " ")}}
	req, err := http.NewRequest(http.MethodPost, p.Issuer()+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(MinterClientID, minterSecret)
	resp, err := p.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.AccessToken == "" {
		t.Fatalf("provider minted no token: %d %s %s", resp.StatusCode, out.Error, out.Description)
	}
	return out.AccessToken
}

// ApproveDevice completes the device authorization of userCode as the user
// subject, as the user would on the provider's verification page.
func (p *OIDCProvider) ApproveDevice(userCode, subject string) error {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	e, ok := p.store.devices[p.store.userCodes[userCode]]
	if !ok {
		return fmt.Errorf("user code %q not found", userCode)
	}
	e.state.Subject, e.state.Done, e.state.AuthTime = subject, true, time.Now()
	return nil
}

// DenyDevice refuses the device authorization of userCode, as the user
// would on the provider's verification page.
func (p *OIDCProvider) DenyDevice(userCode string) error {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	e, ok := p.store.devices[p.store.userCodes[userCode]]
	if !ok {
		return fmt.Errorf("user code %q not found", userCode)
	}
	e.state.Denied = true
	return nil
}

// opStorage is the provider's in-memory storage: users, three fixed
// clients, signing keys, device authorizations and the authorization
// requests of the code flow (oidcop_code.go). Grants the tests do not use
// (token exchange, JWT profile) are refused.
type opStorage struct {
	mu        sync.Mutex
	users     map[string]OIDCUser
	keys      []*sigKey // published; the last is current
	devices   map[string]*deviceEntry
	userCodes map[string]string
	refresh   map[string]*refreshReq
	seq       int
	code      codeFlow
}

// refreshReq is what a refresh token stands for.
type refreshReq struct {
	subject, clientID string
	scopes, audience  []string
	authTime          time.Time
}

func (r *refreshReq) GetAMR() []string             { return nil }
func (r *refreshReq) GetAudience() []string        { return r.audience }
func (r *refreshReq) GetAuthTime() time.Time       { return r.authTime }
func (r *refreshReq) GetClientID() string          { return r.clientID }
func (r *refreshReq) GetScopes() []string          { return r.scopes }
func (r *refreshReq) GetSubject() string           { return r.subject }
func (r *refreshReq) SetCurrentScopes(sc []string) { r.scopes = sc }

type deviceEntry struct {
	state *op.DeviceAuthorizationState
}

type sigKey struct {
	id  string
	key *ecdsa.PrivateKey
}

func (k *sigKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (k *sigKey) Key() any                                    { return k.key }
func (k *sigKey) ID() string                                  { return k.id }

type pubKey struct{ k *sigKey }

func (p pubKey) ID() string                         { return p.k.id }
func (p pubKey) Algorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (p pubKey) Use() string                        { return "sig" }
func (p pubKey) Key() any                           { return &p.k.key.PublicKey }

func (s *opStorage) rotate(keepOld bool) error {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	nk := &sigKey{id: hex.EncodeToString(b), key: k}
	if keepOld {
		s.keys = append(s.keys, nk)
	} else {
		s.keys = []*sigKey{nk}
	}
	return nil
}

var errUnsupported = errors.New("not supported by the test provider")

// tokenReq is the token request of a minted token.
type tokenReq struct {
	subject  string
	audience []string
	scopes   []string
}

func (r *tokenReq) GetSubject() string    { return r.subject }
func (r *tokenReq) GetAudience() []string { return r.audience }
func (r *tokenReq) GetScopes() []string   { return r.scopes }

// CreateAccessToken gives the token an id and its expiry: an hour, or ten
// minutes ago for a request with the "expired" scope.
func (s *opStorage) CreateAccessToken(_ context.Context, r op.TokenRequest) (string, time.Time, error) {
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("at-%d", s.seq)
	s.mu.Unlock()
	if slices.Contains(r.GetScopes(), "expired") {
		return id, time.Now().Add(-10 * time.Minute), nil
	}
	return id, time.Now().Add(time.Hour), nil
}

// CreateAccessAndRefreshTokens issues a refresh token beside the access
// token (device logins with offline_access, refreshes); a refresh token is
// single-use: the one exchanged is dropped.
func (s *opStorage) CreateAccessAndRefreshTokens(ctx context.Context, r op.TokenRequest, current string) (string, string, time.Time, error) {
	id, exp, err := s.CreateAccessToken(ctx, r)
	if err != nil {
		return "", "", time.Time{}, err
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", "", time.Time{}, err
	}
	rr := &refreshReq{subject: r.GetSubject(), scopes: r.GetScopes(), audience: r.GetAudience(), authTime: time.Now()}
	if c, ok := r.(interface{ GetClientID() string }); ok {
		rr.clientID = c.GetClientID()
	}
	rt := "rt-" + hex.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.refresh, current)
	s.refresh[rt] = rr
	return id, rt, exp, nil
}

// TokenRequestByRefreshToken returns what a refresh token stands for.
func (s *opStorage) TokenRequestByRefreshToken(_ context.Context, rt string) (op.RefreshTokenRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.refresh[rt]
	if !ok {
		return nil, errors.New("unknown refresh token")
	}
	cp := *r
	return &cp, nil
}
func (s *opStorage) TerminateSession(context.Context, string, string) error { return nil }
func (s *opStorage) RevokeToken(context.Context, string, string, string) *oidc.Error {
	return oidc.ErrUnsupportedGrantType()
}
func (s *opStorage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *opStorage) SigningKey(context.Context) (op.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[len(s.keys)-1], nil
}

func (s *opStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.ES256}, nil
}

func (s *opStorage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]op.Key, 0, len(s.keys))
	for _, k := range s.keys {
		out = append(out, pubKey{k})
	}
	return out, nil
}

func (s *opStorage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	switch id {
	case PublicClientID:
		return &opClient{id: id, public: true}, nil
	case MinterClientID:
		return &opClient{id: id}, nil
	case WebClientID:
		return &opClient{id: id, web: s.webRedirects()}, nil
	}
	return nil, fmt.Errorf("client %q not found", id)
}

func (s *opStorage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if (id == MinterClientID && secret == minterSecret) || (id == WebClientID && secret == WebClientSecret) {
		return nil
	}
	return errors.New("invalid client")
}

func (s *opStorage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest puts the user's claims in ID tokens.
func (s *opStorage) SetUserinfoFromRequest(_ context.Context, ui *oidc.UserInfo, r op.IDTokenRequest, _ []string) error {
	s.mu.Lock()
	u, ok := s.users[r.GetSubject()]
	s.mu.Unlock()
	if !ok {
		return nil
	}
	ui.Subject = u.Subject
	ui.PreferredUsername = u.Username
	ui.Email = u.Email
	if u.Groups != nil {
		ui.AppendClaims("groups", u.Groups)
	}
	return nil
}

func (s *opStorage) SetUserinfoFromToken(context.Context, *oidc.UserInfo, string, string, string) error {
	return nil
}
func (s *opStorage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return nil
}

// GetPrivateClaimsFromScopes puts the user's claims in access tokens.
func (s *opStorage) GetPrivateClaimsFromScopes(_ context.Context, subject, _ string, _ []string) (map[string]any, error) {
	s.mu.Lock()
	u, ok := s.users[subject]
	s.mu.Unlock()
	if !ok {
		return nil, nil
	}
	c := map[string]any{}
	if u.Username != "" {
		c["preferred_username"] = u.Username
	}
	if u.Email != "" {
		c["email"] = u.Email
	}
	if u.Groups != nil {
		c["groups"] = u.Groups
	}
	return c, nil
}

func (s *opStorage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errUnsupported
}
func (s *opStorage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errUnsupported
}
func (s *opStorage) Health(context.Context) error { return nil }

// ClientCredentials authenticates the minter client.
func (s *opStorage) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	if err := s.AuthorizeClientIDSecret(ctx, id, secret); err != nil {
		return nil, err
	}
	return &opClient{id: id}, nil
}

// ClientCredentialsTokenRequest reads the subject and audience of the token
// to mint from the scopes "sub:…" and "aud:…".
func (s *opStorage) ClientCredentialsTokenRequest(_ context.Context, _ string, scopes []string) (op.TokenRequest, error) {
	r := &tokenReq{scopes: scopes}
	for _, sc := range scopes {
		if v, ok := strings.CutPrefix(sc, "sub:"); ok {
			r.subject = v
		}
		if v, ok := strings.CutPrefix(sc, "aud:"); ok {
			r.audience = append(r.audience, v)
		}
	}
	return r, nil
}

// StoreDeviceAuthorization records a device authorization.
func (s *opStorage) StoreDeviceAuthorization(_ context.Context, clientID, deviceCode, userCode string, expires time.Time, scopes []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.userCodes[userCode]; ok {
		return op.ErrDuplicateUserCode
	}
	s.devices[deviceCode] = &deviceEntry{state: &op.DeviceAuthorizationState{ClientID: clientID, Scopes: scopes, Expires: expires}}
	s.userCodes[userCode] = deviceCode
	return nil
}

// GetDeviceAuthorizatonState returns a copy of the device authorization's
// state (the provider may change what it gets).
func (s *opStorage) GetDeviceAuthorizatonState(_ context.Context, clientID, deviceCode string) (*op.DeviceAuthorizationState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.devices[deviceCode]
	if !ok || e.state.ClientID != clientID {
		return nil, errors.New("device code not found")
	}
	st := *e.state
	return &st, nil
}

// opClient is a client of the test provider.
type opClient struct {
	id     string
	public bool
	web    []string // the redirect URIs of the web client (authorization code flow)
}

func (c *opClient) GetID() string                    { return c.id }
func (c *opClient) RedirectURIs() []string           { return c.web }
func (c *opClient) PostLogoutRedirectURIs() []string { return nil }
func (c *opClient) ApplicationType() op.ApplicationType {
	if c.id == WebClientID {
		return op.ApplicationTypeWeb
	}
	return op.ApplicationTypeNative
}
func (c *opClient) AuthMethod() oidc.AuthMethod {
	if c.public {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}
func (c *opClient) ResponseTypes() []oidc.ResponseType {
	if c.id == WebClientID {
		return []oidc.ResponseType{oidc.ResponseTypeCode}
	}
	return nil
}
func (c *opClient) GrantTypes() []oidc.GrantType {
	switch {
	case c.public:
		return []oidc.GrantType{oidc.GrantTypeDeviceCode, oidc.GrantTypeRefreshToken}
	case c.id == WebClientID:
		return []oidc.GrantType{oidc.GrantTypeCode}
	}
	return []oidc.GrantType{oidc.GrantTypeClientCredentials}
}
func (c *opClient) LoginURL(id string) string           { return signInPath + "?id=" + url.QueryEscape(id) }
func (c *opClient) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }
func (c *opClient) IDTokenLifetime() time.Duration      { return time.Hour }
func (c *opClient) DevMode() bool                       { return false }
func (c *opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *opClient) IsScopeAllowed(string) bool           { return true }
func (c *opClient) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *opClient) ClockSkew() time.Duration             { return 0 }
