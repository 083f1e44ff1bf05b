package httpapi_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// matrixSecretsKey is the secrets key of the test servers: it seals the
// JWT signing keys.
func matrixSecretsKey(t testing.TB) *secret.Key {
	t.Helper()
	k, err := secret.ParseKey([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// loginUser creates a user with a password and roles (when missing).
func (s *localServer) loginUser(t *testing.T, user, password string, roles ...string) {
	t.Helper()
	ctx := unet.WithActor(context.Background(), "setup")
	if _, err := s.svc.GetUser(ctx, user); err == nil {
		if err := s.svc.SetPassword(ctx, user, password); err != nil {
			t.Fatal(err)
		}
		return
	}
	if _, err := s.svc.CreateUser(ctx, unet.NewUser{Name: user, Password: password, Roles: roles}); err != nil {
		t.Fatal(err)
	}
}

// login logs in over the API and returns the pair (failing the test on
// any other answer than 200).
func (s *localServer) login(t *testing.T, user, password string) *unet.TokenPair {
	t.Helper()
	resp, b := s.call(t, "POST", "/api/v1/auth/login", "", mustJSON(t, unet.LoginRequest{Username: user, Password: password}))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login %s: %d %s", user, resp.StatusCode, b)
	}
	var p unet.TokenPair
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// auditOf lists the audit entries of actor, newest first.
func (s *localServer) auditOf(t *testing.T, actor string) []unet.AuditEntry {
	t.Helper()
	l, err := s.svc.ListAudit(context.Background(), unet.AuditFilter{Actor: actor})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

func bothEngines(t *testing.T, fn func(t *testing.T, s *localServer)) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) { fn(t, startLocalServer(t, engine)) })
	}
}

// TestLoginJWTAuthorizes: a password login answers a Bearer JWT (EdDSA,
// kid, iss/sub/aud/exp/iat/nbf/jti) that authorizes the user's reads, is
// refused the writes the user's roles lack, and names the user in the
// audit log with method jwt; the login itself is audited with method
// password.
func TestLoginJWTAuthorizes(t *testing.T) {
	bothEngines(t, func(t *testing.T, s *localServer) {
		s.loginUser(t, "vic", "viewer-password-1", "viewer")
		p := s.login(t, "vic", "viewer-password-1")
		if p.TokenType != "Bearer" || p.ExpiresIn != 900 || p.RefreshExpiresIn != 30*24*3600 || p.User != "vic" ||
			!strings.HasPrefix(p.RefreshToken, auth.RefreshTokenPrefix) {
			t.Fatalf("pair: %+v", p)
		}
		tok, _, err := jwt.NewParser().ParseUnverified(p.AccessToken, &jwt.MapClaims{})
		if err != nil {
			t.Fatal(err)
		}
		c := *tok.Claims.(*jwt.MapClaims)
		if tok.Header["alg"] != "EdDSA" || tok.Header["kid"] == "" || c["iss"] != service.JWTIssuer || c["sub"] != "vic" ||
			c["aud"] == nil || c["exp"] == nil || c["iat"] == nil || c["nbf"] == nil || c["jti"] == nil {
			t.Fatalf("header %v claims %v", tok.Header, c)
		}
		if resp, b := s.call(t, "GET", "/api/v1/nodes", p.AccessToken, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET nodes with the JWT: %d %s", resp.StatusCode, b)
		}
		resp, b := s.call(t, "POST", "/api/v1/vendors", p.AccessToken, `{"name":"acme"}`)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "vendors:write") {
			t.Fatalf("viewer write: %d %s", resp.StatusCode, b)
		}
		var methods []string
		for _, e := range s.auditOf(t, "vic") {
			methods = append(methods, e.AuthMethod+"/"+e.Outcome)
		}
		if strings.Join(methods, ",") != "jwt/denied,password/ok" {
			t.Fatalf("audit of vic: %v", methods)
		}
		// A disabled user's access token stops working at once.
		if _, err := s.svc.SetUserDisabled(context.Background(), "vic", true); err != nil {
			t.Fatal(err)
		}
		if resp, b := s.call(t, "GET", "/api/v1/nodes", p.AccessToken, ""); resp.StatusCode != http.StatusUnauthorized ||
			!strings.Contains(string(b), "disabled") {
			t.Fatalf("disabled user's JWT: %d %s", resp.StatusCode, b)
		}
	})
}

// TestLoginFailuresLookAlike: an unknown user, a user without a password
// and a wrong password get the same 401 and message; each is audited as
// denied with method password under the claimed name; a disabled user is
// refused; the token never appears in the audit log.
func TestLoginFailuresLookAlike(t *testing.T) {
	s := startLocalServer(t, sqlstore.SQLite)
	s.loginUser(t, "erin", "engineer-password-1", "engineer")
	if _, err := s.svc.CreateUser(context.Background(), unet.NewUser{Name: "robot"}); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, c := range []unet.LoginRequest{{Username: "erin", Password: "wrong"}, {Username: "nobody", Password: "wrong"},
		{Username: "robot", Password: "wrong"}} {
		resp, b := s.call(t, "POST", "/api/v1/auth/login", "", mustJSON(t, c))
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
			t.Fatalf("%s: %d %s", c.Username, resp.StatusCode, b)
		}
		var p httpapi.Problem
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, p.Detail)
		es := s.auditOf(t, c.Username)
		if len(es) != 1 || es[0].Outcome != unet.OutcomeDenied || es[0].AuthMethod != unet.AuthMethodPassword || es[0].Status != 401 {
			t.Fatalf("audit of %s: %+v", c.Username, es)
		}
	}
	if msgs[0] != msgs[1] || msgs[1] != msgs[2] {
		t.Fatalf("messages differ: %q", msgs)
	}
	if resp, b := s.call(t, "POST", "/api/v1/auth/login", "", `{"username":"erin"}`); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no password: %d %s", resp.StatusCode, b)
	}
	if _, err := s.svc.SetUserDisabled(context.Background(), "erin", true); err != nil {
		t.Fatal(err)
	}
	if resp, b := s.call(t, "POST", "/api/v1/auth/login", "", `{"username":"erin","password":"engineer-password-1"}`); resp.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(string(b), "disabled") {
		t.Fatalf("disabled: %d %s", resp.StatusCode, b)
	}
}

// TestLoginRehashesPassword: a password hashed under older argon2id
// parameters is hashed again under the current ones at the next login.
func TestLoginRehashesPassword(t *testing.T) {
	s := startLocalServer(t, sqlstore.SQLite)
	s.loginUser(t, "erin", "engineer-password-1", "engineer")
	newer := auth.Argon2Params{Memory: 2048, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	s.svc.SetArgon2(newer)
	stored := func() string {
		u, err := s.svc.DB().Reader().GetUser(context.Background(), "erin")
		if err != nil {
			t.Fatal(err)
		}
		return u.PasswordHash
	}
	if !auth.NeedsRehash(stored(), newer) {
		t.Fatal("setup: the hash already has the new parameters")
	}
	p := s.login(t, "erin", "engineer-password-1")
	if auth.NeedsRehash(stored(), newer) {
		t.Fatalf("not re-hashed: %s", stored())
	}
	// The re-hash is not a change of the user: the token just issued works.
	if resp, b := s.call(t, "GET", "/api/v1/nodes", p.AccessToken, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	s.login(t, "erin", "engineer-password-1")
}

func (s *localServer) refresh(t *testing.T, refresh string) (int, *unet.TokenPair, string) {
	t.Helper()
	resp, b := s.call(t, "POST", "/api/v1/auth/refresh", "", mustJSON(t, unet.RefreshRequest{RefreshToken: refresh}))
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil, string(b)
	}
	var p unet.TokenPair
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, &p, ""
}

// TestRefreshRotationAndReuse: every refresh token works once and is
// replaced; presenting a used one revokes its whole family, so that the
// newest token of the session stops working too; another session of the
// same user is untouched; logout ends a session.
func TestRefreshRotationAndReuse(t *testing.T) {
	bothEngines(t, func(t *testing.T, s *localServer) {
		s.loginUser(t, "erin", "engineer-password-1", "engineer")
		first := s.login(t, "erin", "engineer-password-1")
		other := s.login(t, "erin", "engineer-password-1")
		code, second, msg := s.refresh(t, first.RefreshToken)
		if code != 200 || second.RefreshToken == first.RefreshToken {
			t.Fatalf("refresh: %d %s", code, msg)
		}
		if resp, b := s.call(t, "GET", "/api/v1/nodes", second.AccessToken, ""); resp.StatusCode != 200 {
			t.Fatalf("refreshed access token: %d %s", resp.StatusCode, b)
		}
		code, third, msg := s.refresh(t, second.RefreshToken)
		if code != 200 {
			t.Fatalf("second refresh: %d %s", code, msg)
		}
		// The first token again: reuse.
		if code, _, msg := s.refresh(t, first.RefreshToken); code != 401 || !strings.Contains(msg, "already used") {
			t.Fatalf("reuse: %d %s", code, msg)
		}
		es := s.auditOf(t, httpapi.AnonymousActor)
		if len(es) == 0 || es[0].Route != "/api/v1/auth/refresh" || es[0].Outcome != unet.OutcomeDenied ||
			!strings.Contains(es[0].Detail, "session of user erin is revoked") {
			t.Fatalf("the reuse is not audited: %+v", es)
		}
		if code, _, msg := s.refresh(t, third.RefreshToken); code != 401 || !strings.Contains(msg, "session ended") {
			t.Fatalf("newest token of a revoked family: %d %s", code, msg)
		}
		code, otherNext, msg := s.refresh(t, other.RefreshToken)
		if code != 200 {
			t.Fatalf("another session was revoked too: %d %s", code, msg)
		}
		resp, b := s.call(t, "POST", "/api/v1/auth/logout", "", mustJSON(t, unet.RefreshRequest{RefreshToken: otherNext.RefreshToken}))
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("logout: %d %s", resp.StatusCode, b)
		}
		if code, _, _ := s.refresh(t, otherNext.RefreshToken); code != 401 {
			t.Fatalf("refresh after logout: %d", code)
		}
		for _, bad := range []string{"unetr_0123456789abcdef_" + strings.Repeat("a", 52), "garbage", first.AccessToken} {
			if code, _, _ := s.refresh(t, bad); code != 401 {
				t.Fatalf("%q: %d", bad, code)
			}
		}
		// Only the digest is stored.
		id, sec, err := auth.ParseRefreshToken(first.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.svc.DB().Reader().GetRefreshToken(context.Background(), id)
		if err != nil || strings.Contains(st.Digest, sec) || len(st.Digest) != 64 {
			t.Fatalf("stored refresh token: %+v %v", st, err)
		}
	})
}

// TestAccessTokenExpiryAndForeignKey: an access token past its expiry, one
// signed by a key the server never had, and one of another audience are
// refused with 401.
func TestAccessTokenExpiryAndForeignKey(t *testing.T) {
	s := startLocalServer(t, sqlstore.SQLite)
	s.loginUser(t, "erin", "engineer-password-1", "engineer")
	p := s.login(t, "erin", "engineer-password-1")
	forged := forgeJWT(t, "erin", service.JWTAudience, s.clock.now())
	if resp, b := s.call(t, "GET", "/api/v1/nodes", forged, ""); resp.StatusCode != 401 || !strings.Contains(string(b), "unknown key") {
		t.Fatalf("unknown key: %d %s", resp.StatusCode, b)
	}
	// Used once, so that its verified claims are remembered: the memory
	// does not outlive the expiry.
	if resp, b := s.call(t, "GET", "/api/v1/nodes", p.AccessToken, ""); resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	s.clock.add(15*time.Minute + time.Second)
	if resp, b := s.call(t, "GET", "/api/v1/nodes", p.AccessToken, ""); resp.StatusCode != 401 || !strings.Contains(string(b), "expired") {
		t.Fatalf("expired: %d %s", resp.StatusCode, b)
	}
	// The refresh token still works, and buys a token valid now.
	code, next, msg := s.refresh(t, p.RefreshToken)
	if code != 200 {
		t.Fatalf("refresh: %d %s", code, msg)
	}
	if resp, b := s.call(t, "GET", "/api/v1/nodes", next.AccessToken, ""); resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}

// forgeJWT signs a well-formed μNet access token with a key of its own.
func forgeJWT(t testing.TB, user, aud string, now time.Time) string {
	t.Helper()
	kid, priv, err := auth.NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	c := &auth.AccessClaims{}
	c.Issuer, c.Subject, c.Audience = service.JWTIssuer, user, jwt.ClaimStrings{aud}
	c.IssuedAt, c.NotBefore, c.ExpiresAt = jwt.NewNumericDate(now), jwt.NewNumericDate(now), jwt.NewNumericDate(now.Add(time.Hour))
	tok, err := auth.SignAccessToken(priv, kid, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestKeyRotationAcrossReplicas: an admin rotates the signing key through
// one server; a second server on the same database, which had read the old
// key, verifies a token signed with the new one at once (an unknown kid
// makes it re-read the keys), and both keys are published in its JWKS
// until the old one's tokens have expired.
func TestKeyRotationAcrossReplicas(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			a := startLocalServer(t, engine)
			b := a.replica(t)
			a.loginUser(t, "ada", "admin-password-1", "admin")
			old := a.login(t, "ada", "admin-password-1")
			if resp, body := b.call(t, "GET", "/api/v1/nodes", old.AccessToken, ""); resp.StatusCode != 200 {
				t.Fatalf("replica, old key: %d %s", resp.StatusCode, body)
			}
			resp, body := a.call(t, "POST", "/api/v1/auth/keys/rotate", old.AccessToken, "")
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("rotate: %d %s", resp.StatusCode, body)
			}
			var k unet.SigningKey
			if err := json.Unmarshal(body, &k); err != nil {
				t.Fatal(err)
			}
			fresh := a.login(t, "ada", "admin-password-1")
			if kidOf(t, fresh.AccessToken) != k.ID || kidOf(t, old.AccessToken) == k.ID {
				t.Fatalf("new token's kid %s, rotated key %s", kidOf(t, fresh.AccessToken), k.ID)
			}
			for _, tok := range []string{fresh.AccessToken, old.AccessToken} {
				if resp, body := b.call(t, "GET", "/api/v1/nodes", tok, ""); resp.StatusCode != 200 {
					t.Fatalf("replica: %d %s", resp.StatusCode, body)
				}
			}
			resp, body = b.call(t, "GET", "/.well-known/jwks.json", "", "")
			var set unet.JWKSet
			if err := json.Unmarshal(body, &set); err != nil || resp.StatusCode != 200 || len(set.Keys) != 2 {
				t.Fatalf("jwks: %d %s", resp.StatusCode, body)
			}
			for _, jk := range set.Keys {
				if jk.Kty != "OKP" || jk.Crv != "Ed25519" || jk.Alg != "EdDSA" || jk.Use != "sig" || len(jk.X) != 43 {
					t.Fatalf("jwk %+v", jk)
				}
			}
			// After one access token lifetime the old key is gone.
			a.clock.add(16 * time.Minute)
			b.clock.add(16 * time.Minute)
			keys, err := b.svc.ListSigningKeys(context.Background())
			if err != nil || len(keys) != 1 || keys[0].ID != k.ID || !keys[0].Active {
				t.Fatalf("keys after the old tokens expired: %+v %v", keys, err)
			}
			// A viewer may not rotate.
			a.loginUser(t, "vic", "viewer-password-1", "viewer")
			v := a.login(t, "vic", "viewer-password-1")
			if resp, body := a.call(t, "POST", "/api/v1/auth/keys/rotate", v.AccessToken, ""); resp.StatusCode != 403 {
				t.Fatalf("viewer rotate: %d %s", resp.StatusCode, body)
			}
		})
	}
}

func kidOf(t *testing.T, token string) string {
	t.Helper()
	tok, _, err := jwt.NewParser().ParseUnverified(token, &jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := tok.Header["kid"].(string)
	return kid
}

// TestLoginThrottle: after five failures within the window, a user name
// (after twenty, a source address) is locked for 1 s, then 2 s, …: a login in the lock is answered 429 with
// Retry-After without checking the password (the right one included), and
// audited as denied; once the lock has passed the right password works and
// clears the user's count.
func TestLoginThrottle(t *testing.T) {
	s := startLocalServer(t, sqlstore.SQLite)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	th := httpapi.NewLoginThrottle(httpapi.DefaultLoginThrottle, clock)
	api, err := httpapi.New(s.svc, httpapi.Options{Audit: s.svc, LoginThrottle: th,
		Authorizer: httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{httpapi.JWTAuthenticator{Verifier: s.svc}}}})
	if err != nil {
		t.Fatal(err)
	}
	s = s.serving(t, api)
	s.loginUser(t, "erin", "engineer-password-1", "engineer")
	try := func(pw string) (*http.Response, []byte) {
		return s.call(t, "POST", "/api/v1/auth/login", "", mustJSON(t, unet.LoginRequest{Username: "erin", Password: pw}))
	}
	for i := range 6 {
		if resp, b := try("wrong"); resp.StatusCode != 401 {
			t.Fatalf("failure %d: %d %s", i+1, resp.StatusCode, b)
		}
	}
	resp, b := try("engineer-password-1")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("locked: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	es := s.auditOf(t, "erin")
	if es[0].Status != 429 || es[0].Outcome != unet.OutcomeDenied || es[0].AuthMethod != unet.AuthMethodPassword {
		t.Fatalf("audit: %+v", es[0])
	}
	now = now.Add(time.Second)
	if resp, b := try("wrong"); resp.StatusCode != 401 {
		t.Fatalf("after the lock: %d %s", resp.StatusCode, b)
	}
	if resp, _ := try("engineer-password-1"); resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("second lock: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	now = now.Add(2 * time.Second)
	if resp, b := try("engineer-password-1"); resp.StatusCode != 200 {
		t.Fatalf("after the second lock: %d %s", resp.StatusCode, b)
	}
	// The count was cleared: one failure does not lock.
	try("wrong")
	if resp, b := try("engineer-password-1"); resp.StatusCode != 200 {
		t.Fatalf("after success and one failure: %d %s", resp.StatusCode, b)
	}
	// The source address is throttled too, whatever the name, after more
	// failures (20 in all).
	for i := range 13 {
		s.call(t, "POST", "/api/v1/auth/login", "", mustJSON(t, unet.LoginRequest{Username: "spray" + string(rune('a'+i)), Password: "x"}))
	}
	if resp, _ := try("engineer-password-1"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("address not throttled: %d", resp.StatusCode)
	}
}

// TestClientCertificateUser: with a client CA, a verified certificate whose
// subject names an enabled user authenticates as that user (method mtls);
// an unknown or disabled user's certificate is refused with 401, and a
// certificate of another CA fails the handshake.
func TestClientCertificateUser(t *testing.T) {
	s := startLocalServer(t, sqlstore.SQLite)
	s.loginUser(t, "alice", "engineer-password-1", "engineer")
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	srv := newTestCert(t, "server", nil, false, x509.ExtKeyUsageServerAuth)
	srv.write(t, certFile, keyFile)
	ca := newTestCert(t, "clients CA", nil, true, 0)
	alice := newTestCert(t, "alice", ca, false, x509.ExtKeyUsageClientAuth)
	bob := newTestCert(t, "bob", ca, false, x509.ExtKeyUsageClientAuth)
	rogue := newTestCert(t, "alice", newTestCert(t, "rogue CA", nil, true, 0), false, x509.ExtKeyUsageClientAuth)
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	api, err := httpapi.New(s.svc, httpapi.Options{Audit: s.svc, Authorizer: httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{
		httpapi.TokenAuthenticator{Verifier: s.svc}, httpapi.JWTAuthenticator{Verifier: s.svc}, httpapi.CertAuthenticator{Verifier: s.svc}}}})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := serveAPITLS(t, api, certFile, keyFile, pool)
	post := func(c *testCert) (int, string) {
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsClientConfig(t, c, srv)}}
		defer hc.CloseIdleConnections()
		resp, err := hc.Post(base+"/api/v1/vendors", "application/json", strings.NewReader(`{"name":"acme-`+c.cert.Subject.CommonName+`"}`))
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		var p httpapi.Problem
		_ = json.NewDecoder(resp.Body).Decode(&p)
		return resp.StatusCode, p.Detail
	}
	if code, msg := post(alice); code != http.StatusCreated {
		t.Fatalf("alice: %d %s", code, msg)
	}
	es := s.auditOf(t, "alice")
	if len(es) == 0 || es[0].AuthMethod != unet.AuthMethodMTLS || es[0].Outcome != unet.OutcomeOK {
		t.Fatalf("audit: %+v", es)
	}
	if code, msg := post(bob); code != 401 || !strings.Contains(msg, "bob") {
		t.Fatalf("bob (no such user): %d %s", code, msg)
	}
	if code, msg := post(rogue); code != 0 || !strings.Contains(msg, "unknown certificate authority") {
		t.Fatalf("rogue CA: %d %s", code, msg)
	}
	if _, err := s.svc.SetUserDisabled(context.Background(), "alice", true); err != nil {
		t.Fatal(err)
	}
	if code, msg := post(alice); code != 401 || !strings.Contains(msg, "disabled") {
		t.Fatalf("disabled alice: %d %s", code, msg)
	}
}

// serving returns a server of the same service with another handler.
func (s *localServer) serving(t *testing.T, api *httpapi.Server) *localServer {
	t.Helper()
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(hs.Close)
	return &localServer{Server: hs, svc: s.svc, clock: s.clock, url: s.url}
}

// replica starts a second server on the database of s, with its own
// service (and so its own view of the keys and users) and clock.
func (s *localServer) replica(t *testing.T) *localServer {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, s.url)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	if err := svc.SetTokenPepper(matrixPepper); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetSecrets(service.SecretsConfig{Key: matrixSecretsKey(t)}); err != nil {
		t.Fatal(err)
	}
	c := &testClock{t: s.clock.now()}
	svc.SetClock(c.now)
	api, err := httpapi.New(svc, httpapi.Options{Audit: svc,
		Authorizer: httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{httpapi.JWTAuthenticator{Verifier: svc}}}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(func() {
		hs.Close()
		db.Close()
	})
	return &localServer{Server: hs, svc: svc, clock: c, url: s.url}
}
