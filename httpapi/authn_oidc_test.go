package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// oidcPepper keys the API tokens of the OIDC test servers.
var oidcPepper = []byte("0123456789abcdef0123456789abcdef-oidc")

// oidcServer is a real μNet server in auth mode oidc, over a fresh database
// of one engine, trusting an in-process OpenID provider.
type oidcServer struct {
	*httptest.Server
	svc  *service.Service
	op   *testutil.OIDCProvider
	auth *httpapi.OIDCAuthenticator
}

func startOIDCServer(t *testing.T, engine string, op *testutil.OIDCProvider, mod func(*httpapi.OIDCOptions)) *oidcServer {
	t.Helper()
	svc, _ := newIdentityService(t, engine, oidcPepper)
	o := httpapi.OIDCOptions{Issuer: op.Issuer(), ClientID: testutil.PublicClientID, Roles: svc, HTTPClient: op.HTTPClient(),
		RoleMap: map[string][]string{"noc-viewers": {"viewer"}, "noc-engineers": {"engineer"}}}
	if mod != nil {
		mod(&o)
	}
	a, err := httpapi.NewOIDCAuthenticator(o)
	if err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(svc, httpapi.Options{Secrets: svc, Audit: svc,
		Authorizer: httpapi.OIDCAuth{OIDC: a, Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: svc}}}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(hs.Close)
	return &oidcServer{Server: hs, svc: svc, op: op, auth: a}
}

// call sends a request with a bearer token ("" for none) and returns the
// status and the body.
func (s *oidcServer) call(t *testing.T, method, path, token, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func (s *oidcServer) expect(t *testing.T, method, path, token, body string, status int, contains string) {
	t.Helper()
	got, b := s.call(t, method, path, token, body)
	if got != status || !strings.Contains(b, contains) {
		t.Fatalf("%s %s: %d %s; want %d containing %q", method, path, got, b, status, contains)
	}
}

func addOIDCUsers(op *testutil.OIDCProvider) {
	op.AddUser(testutil.OIDCUser{Subject: "sub-vic", Username: "vic", Email: "vic@example.net", Groups: []string{"noc-viewers"}})
	op.AddUser(testutil.OIDCUser{Subject: "sub-erin", Username: "erin", Groups: []string{"staff", "noc-engineers"}})
	op.AddUser(testutil.OIDCUser{Subject: "sub-mail", Email: "mail@example.net", Groups: []string{"noc-viewers"}})
	op.AddUser(testutil.OIDCUser{Subject: "sub-bare", Groups: []string{"noc-viewers"}})
	op.AddUser(testutil.OIDCUser{Subject: "sub-guest", Username: "guest", Groups: []string{"visitors"}})
	op.AddUser(testutil.OIDCUser{Subject: "sub-nogroups", Username: "nogroups"})
}

// TestOIDCTokensFromInProcessProvider runs auth mode oidc against a real
// OpenID provider: roles from the groups claim, the change log and the
// audit log under the OIDC user, and the refusals of expired, foreign and
// wrongly addressed tokens. On both database engines.
func TestOIDCTokensFromInProcessProvider(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			op := testutil.StartOIDCProvider(t)
			addOIDCUsers(op)
			s := startOIDCServer(t, engine, op, nil)
			ctx := context.Background()
			vic := op.Token(t, testutil.TokenSpec{Subject: "sub-vic"})
			erin := op.Token(t, testutil.TokenSpec{Subject: "sub-erin"})

			// The viewer reads and is refused a write.
			s.expect(t, "GET", "/api/v1/nodes", vic, "", 200, `"items"`)
			s.expect(t, "POST", "/api/v1/vendors", vic, `{"name":"acme"}`, 403, "permission vendors:write denied: user vic")
			// The engineer writes; the change log names the OIDC user.
			s.expect(t, "POST", "/api/v1/vendors", erin, `{"name":"acme"}`, 201, `"acme"`)
			ch, err := s.svc.ListChanges(ctx, unet.ChangeFilter{Object: "vendor/acme"})
			if err != nil {
				t.Fatal(err)
			}
			if len(ch.Items) != 1 || ch.Items[0].Actor != "erin" {
				t.Fatalf("change log of vendor/acme: %+v, want one change by erin", ch.Items)
			}

			// User names: preferred_username, else email, else sub.
			s.expect(t, "POST", "/api/v1/vendors", op.Token(t, testutil.TokenSpec{Subject: "sub-mail"}), `{"name":"x"}`, 403, "user mail@example.net")
			s.expect(t, "POST", "/api/v1/vendors", op.Token(t, testutil.TokenSpec{Subject: "sub-bare"}), `{"name":"x"}`, 403, "user sub-bare")

			// No mapped group (or no groups claim): authenticated, forbidden
			// everywhere but the public routes.
			guest := op.Token(t, testutil.TokenSpec{Subject: "sub-guest"})
			s.expect(t, "GET", "/api/v1/nodes", guest, "", 403, "user guest has no role")
			s.expect(t, "GET", "/api/v1/nodes", op.Token(t, testutil.TokenSpec{Subject: "sub-nogroups"}), "", 403, "user nogroups has no role")
			s.expect(t, "GET", "/healthz", guest, "", 200, "ok")

			// Refusals: expired, wrong audience, another issuer, no token,
			// garbage.
			s.expect(t, "GET", "/api/v1/nodes", op.Token(t, testutil.TokenSpec{Subject: "sub-erin", Expired: true}), "", 401, "OIDC token expired at")
			s.expect(t, "GET", "/api/v1/nodes", op.Token(t, testutil.TokenSpec{Subject: "sub-erin", Audience: "another-app"}), "", 401, "audience")
			other := testutil.StartOIDCProvider(t)
			addOIDCUsers(other)
			s.expect(t, "GET", "/api/v1/nodes", other.Token(t, testutil.TokenSpec{Subject: "sub-erin"}), "", 401, "another issuer")
			s.expect(t, "GET", "/api/v1/nodes", "", "", 401, "unet login --sso")
			s.expect(t, "GET", "/api/v1/nodes", "not-a-token", "", 401, "unsupported credential")
			forged := erin[:strings.LastIndex(erin, ".")+1] + "AAAA"
			s.expect(t, "GET", "/api/v1/nodes", forged, "", 401, "invalid OIDC token")

			// API tokens still work in mode oidc (automation).
			sctx := unet.WithActor(ctx, "setup")
			if _, err := s.svc.CreateUser(sctx, unet.NewUser{Name: "robot", Roles: []string{"viewer"}}); err != nil {
				t.Fatal(err)
			}
			tok, err := s.svc.CreateToken(sctx, unet.TokenRequest{User: "robot"})
			if err != nil {
				t.Fatal(err)
			}
			s.expect(t, "GET", "/api/v1/nodes", tok.Token, "", 200, `"items"`)

			// The audit log: the engineer's write and the viewer's refusal,
			// with auth method oidc:<sub>.
			au, err := s.svc.ListAudit(ctx, unet.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			found := map[string]bool{}
			for _, e := range au.Items {
				found[e.Actor+" "+e.AuthMethod+" "+e.Outcome+" "+string(e.Permission)] = true
			}
			for _, want := range []string{
				"erin oidc:sub-erin ok vendors:write",
				"vic oidc:sub-vic denied vendors:write",
				"guest oidc:sub-guest denied nodes:read",
			} {
				if !found[want] {
					t.Errorf("audit log lacks %q: %v", want, found)
				}
			}
			for _, e := range au.Items {
				if strings.Contains(e.Detail, erin) || strings.Contains(e.Detail, vic) {
					t.Errorf("audit entry holds a token: %+v", e)
				}
			}
		})
	}
}

// TestOIDCKeyRotation: after the provider rotates its signing key, tokens
// of the new key verify (go-oidc fetches the keys again on an unknown key
// id), tokens of a key still published keep verifying, and tokens of a key
// the provider removed fail.
func TestOIDCKeyRotation(t *testing.T) {
	op := testutil.StartOIDCProvider(t)
	addOIDCUsers(op)
	s := startOIDCServer(t, sqlstore.SQLite, op, nil)
	first := op.Token(t, testutil.TokenSpec{Subject: "sub-vic"})
	s.expect(t, "GET", "/api/v1/nodes", first, "", 200, `"items"`)

	op.RotateKeys(t, true) // new key; the first still published
	second := op.Token(t, testutil.TokenSpec{Subject: "sub-vic"})
	s.expect(t, "GET", "/api/v1/nodes", second, "", 200, `"items"`)
	s.expect(t, "GET", "/api/v1/nodes", first, "", 200, `"items"`)

	op.RotateKeys(t, false) // new key; the older ones removed
	third := op.Token(t, testutil.TokenSpec{Subject: "sub-vic"})
	s.expect(t, "GET", "/api/v1/nodes", third, "", 200, `"items"`)
	s.expect(t, "GET", "/api/v1/nodes", first, "", 401, "invalid OIDC token")
	s.expect(t, "GET", "/api/v1/nodes", second, "", 401, "invalid OIDC token")
}

// TestOIDCRemovedKeyExpiresWithTheKeyCache: a key the provider removed is
// no longer trusted once the fetched keys are older than KeysMaxAge, even
// when no token of a new key came first.
func TestOIDCRemovedKeyExpiresWithTheKeyCache(t *testing.T) {
	op := testutil.StartOIDCProvider(t)
	addOIDCUsers(op)
	clock := &testClock{t: time.Now()}
	s := startOIDCServer(t, sqlstore.SQLite, op, func(o *httpapi.OIDCOptions) {
		o.KeysMaxAge = time.Minute
		o.Now = clock.now
	})
	tok := op.Token(t, testutil.TokenSpec{Subject: "sub-vic"})
	s.expect(t, "GET", "/api/v1/nodes", tok, "", 200, `"items"`)
	op.RotateKeys(t, false)
	s.expect(t, "GET", "/api/v1/nodes", tok, "", 200, `"items"`) // keys still cached
	clock.add(2 * time.Minute)
	s.expect(t, "GET", "/api/v1/nodes", tok, "", 401, "invalid OIDC token")
}

// TestOIDCRoleClaimAndWildcard: the "*" entry gives every verified token a
// role, and a group may map to a more privileged one (nested and
// namespaced claims: TestOIDCClaimValues).
func TestOIDCRoleClaimAndWildcard(t *testing.T) {
	op := testutil.StartOIDCProvider(t)
	addOIDCUsers(op)
	s := startOIDCServer(t, sqlstore.SQLite, op, func(o *httpapi.OIDCOptions) {
		o.RoleMap = map[string][]string{"*": {"viewer"}, "visitors": {"engineer"}}
	})
	s.expect(t, "GET", "/api/v1/nodes", op.Token(t, testutil.TokenSpec{Subject: "sub-nogroups"}), "", 200, `"items"`)
	s.expect(t, "POST", "/api/v1/vendors", op.Token(t, testutil.TokenSpec{Subject: "sub-nogroups"}), `{"name":"x"}`, 403, "has no role that grants it")
	s.expect(t, "POST", "/api/v1/vendors", op.Token(t, testutil.TokenSpec{Subject: "sub-guest"}), `{"name":"x"}`, 201, `"x"`)
}

// TestAuthConfigRoute: the public route names the mode and, in mode oidc,
// the issuer, the client and the device authorization endpoint.
func TestAuthConfigRoute(t *testing.T) {
	op := testutil.StartOIDCProvider(t)
	s := startOIDCServer(t, sqlstore.SQLite, op, nil)
	_, b := s.call(t, "GET", "/api/v1/auth/config", "", "")
	var c httpapi.AuthConfig
	if err := json.Unmarshal([]byte(b), &c); err != nil {
		t.Fatal(err)
	}
	want := httpapi.AuthConfig{Mode: "oidc", Issuer: op.Issuer(), ClientID: testutil.PublicClientID,
		DeviceAuthorizationEndpoint: op.Issuer() + "/device_authorization"}
	if c != want {
		t.Fatalf("auth config %+v, want %+v", c, want)
	}

	plain := startServer(t, httpapi.Options{})
	a := plain.send(t, "GET", "/api/v1/auth/config", nil)
	if a.status != 200 || strings.TrimSpace(string(a.body)) != `{"mode":"none"}` {
		t.Fatalf("mode none: %d %s", a.status, a.body)
	}
}

// TestOIDCIssuerUnreachable: a server whose issuer does not answer starts,
// answers OIDC tokens 503 (unavailable, not a wrong credential) and the
// OpenAPI document still names the issuer.
func TestOIDCIssuerUnreachable(t *testing.T) {
	op := testutil.StartOIDCProvider(t)
	addOIDCUsers(op)
	tok := op.Token(t, testutil.TokenSpec{Subject: "sub-vic"})
	issuer := op.Issuer()
	op.Server().Close()
	s := startOIDCServer(t, sqlstore.SQLite, op, nil)
	if err := s.auth.Discover(context.Background()); err == nil {
		t.Fatal("discovery of a stopped issuer succeeded")
	}
	s.expect(t, "GET", "/api/v1/nodes", tok, "", 503, "cannot be reached")
	s.expect(t, "GET", "/api/v1/openapi.json", "", "", 200, issuer+"/.well-known/openid-configuration")
}

// TestOIDCSubjectBounds: a sub longer than OpenID Connect allows (it goes
// to the audit log) is refused.
func TestOIDCSubjectBounds(t *testing.T) {
	op := testutil.StartOIDCProvider(t)
	s := startOIDCServer(t, sqlstore.SQLite, op, func(o *httpapi.OIDCOptions) {
		o.RoleMap = map[string][]string{"*": {"viewer"}}
	})
	s.expect(t, "GET", "/api/v1/nodes", op.Token(t, testutil.TokenSpec{Subject: strings.Repeat("s", 255)}), "", 200, `"items"`)
	s.expect(t, "GET", "/api/v1/nodes", op.Token(t, testutil.TokenSpec{Subject: strings.Repeat("s", 256)}), "", 401, "sub claim")
}
