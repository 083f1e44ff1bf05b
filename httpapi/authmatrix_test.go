package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

var matrixPepper = []byte("matrix-pepper-0123456789abcdef012345")

// testClock is a settable clock for the service.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// localServer is a real server in auth mode local (API tokens) over a fresh
// database of one engine, recording the audit log.
type localServer struct {
	*httptest.Server
	svc   *service.Service
	clock *testClock
	url   string // the database
}

func startLocalServer(t *testing.T, engine string) *localServer {
	t.Helper()
	svc, url := newIdentityService(t, engine, matrixPepper)
	svc.SetArgon2(auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err := svc.SetSecrets(service.SecretsConfig{Key: matrixSecretsKey(t)}); err != nil {
		t.Fatal(err)
	}
	c := &testClock{t: time.Now().UTC().Truncate(time.Microsecond)}
	svc.SetClock(c.now)
	api, err := httpapi.New(svc, httpapi.Options{Secrets: svc, Audit: svc,
		Authorizer: httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: svc},
			httpapi.JWTAuthenticator{Verifier: svc}, httpapi.CertAuthenticator{Verifier: svc}}}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(hs.Close)
	return &localServer{Server: hs, svc: svc, clock: c, url: url}
}

// userToken creates a user with roles and returns a token of it.
func (s *localServer) userToken(t *testing.T, user string, roles []string, req unet.TokenRequest) *unet.NewAPIToken {
	t.Helper()
	ctx := unet.WithActor(context.Background(), "setup")
	if _, err := s.svc.GetUser(ctx, user); err != nil {
		if _, err := s.svc.CreateUser(ctx, unet.NewUser{Name: user, Roles: roles}); err != nil {
			t.Fatal(err)
		}
	}
	req.User = user
	tok, err := s.svc.CreateToken(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (s *localServer) call(t *testing.T, method, path, token, body string, hdr ...string) (*http.Response, []byte) {
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
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestRouteRoleCredentialMatrix walks every route of the route table ×
// every built-in role × {no credentials, expired token, revoked token,
// valid token, valid read-only token, access token of a login (JWT),
// expired JWT, JWT signed by a key the server never had} on a real server in auth mode local,
// on both engines, and checks the answer against the permission table: bad
// or missing credentials get 401; a valid token whose roles lack the
// route's permission gets 403 (a read-only token also for any permission
// that is not a read); a token that holds it gets neither. A route whose
// permission is not enforced fails it.
func TestRouteRoleCredentialMatrix(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			s := startLocalServer(t, engine)
			type creds struct{ expired, revoked, valid, readOnly, jwt, jwtExpired, jwtForged string }
			byRole := map[string]creds{}
			soon := s.clock.now().Add(time.Hour)
			for _, r := range unet.BuiltinRoles() {
				user := "u-" + r.Name
				var c creds
				c.expired = s.userToken(t, user, []string{r.Name}, unet.TokenRequest{ExpiresAt: &soon}).Token
				s.loginUser(t, user, "matrix-password-1")
				c.jwtExpired = s.login(t, user, "matrix-password-1").AccessToken
				c.jwtForged = forgeJWT(t, user, service.JWTAudience, s.clock.now().Add(2*time.Hour))
				rv := s.userToken(t, user, nil, unet.TokenRequest{})
				if err := s.svc.RevokeToken(context.Background(), rv.ID); err != nil {
					t.Fatal(err)
				}
				c.revoked = rv.Token
				c.valid = s.userToken(t, user, nil, unet.TokenRequest{}).Token
				c.readOnly = s.userToken(t, user, nil, unet.TokenRequest{ReadOnly: true}).Token
				byRole[r.Name] = c
			}
			s.clock.add(2 * time.Hour) // the expired tokens are now past their expiry
			for name, c := range byRole {
				c.jwt = s.login(t, "u-"+name, "matrix-password-1").AccessToken
				byRole[name] = c
			}
			api, err := httpapi.New(s.svc, httpapi.Options{})
			if err != nil {
				t.Fatal(err)
			}
			routes := api.Routes()
			if len(routes) < 70 {
				t.Fatalf("only %d routes", len(routes))
			}
			checked := 0
			for _, rt := range routes {
				path := strings.NewReplacer("{ref}", "x", "{id}", "x", "{name}", "x", "{source}", "x", "{role}", "x").Replace(rt.Path)
				body := ""
				if rt.Body != nil {
					body = "{}"
				}
				public := rt.Permission == httpapi.PermPublic
				for _, role := range unet.BuiltinRoles() {
					c := byRole[role.Name]
					holds := false
					for _, p := range role.Permissions {
						holds = holds || p == rt.Permission
					}
					for _, st := range []struct {
						name, token string
						want        string // "401", "403" or "ok" (neither)
					}{
						{"no credentials", "", "401"},
						{"expired", c.expired, "401"},
						{"revoked", c.revoked, "401"},
						{"valid", c.valid, map[bool]string{true: "ok", false: "403"}[holds]},
						{"read-only", c.readOnly, map[bool]string{true: "ok", false: "403"}[holds && rt.Permission.ReadOnly()]},
						{"JWT", c.jwt, map[bool]string{true: "ok", false: "403"}[holds]},
						{"expired JWT", c.jwtExpired, "401"},
						{"JWT of an unknown key", c.jwtForged, "401"},
					} {
						want := st.want
						if public {
							want = "ok"
						}
						resp, b := s.call(t, rt.Method, path, st.token, body)
						got := "ok"
						switch resp.StatusCode {
						case http.StatusUnauthorized:
							got = "401"
						case http.StatusForbidden:
							got = "403"
						}
						checked++
						if got != want {
							t.Errorf("%s %s as %s with %s (permission %s): status %d, want %s: %s", rt.Method, rt.Path, role.Name,
								st.name, rt.Permission, resp.StatusCode, want, b)
							continue
						}
						if got == "401" && resp.Header.Get("WWW-Authenticate") == "" {
							t.Errorf("%s %s: 401 without WWW-Authenticate", rt.Method, rt.Path)
						}
						if got == "403" && !strings.Contains(string(b), string(rt.Permission)) {
							t.Errorf("%s %s: 403 does not name permission %s: %s", rt.Method, rt.Path, rt.Permission, b)
						}
					}
				}
			}
			t.Logf("%d requests checked", checked)
		})
	}
}

// TestLocalAuthActorAuditAndHeaders: in auth mode local the change log
// records the token's user whatever X-Unet-Actor says, and the audit log
// holds the mutation and the refusals, never the token.
func TestLocalAuthActorAuditAndHeaders(t *testing.T) {
	s := startLocalServer(t, sqlstore.SQLite)
	eng := s.userToken(t, "erin", []string{"engineer"}, unet.TokenRequest{})
	view := s.userToken(t, "vic", []string{"viewer"}, unet.TokenRequest{})
	admin := s.userToken(t, "ada", []string{"admin"}, unet.TokenRequest{})

	resp, b := s.call(t, http.MethodPost, "/api/v1/vendors", eng.Token, `{"name":"acme"}`, httpapi.ActorHeader, "mallory")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create vendor: %d %s", resp.StatusCode, b)
	}
	resp, b = s.call(t, http.MethodGet, "/api/v1/changes", view.Token, "")
	var changes unet.List[unet.Change]
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &changes) != nil || len(changes.Items) != 1 || changes.Items[0].Actor != "erin" {
		t.Fatalf("change log actor: %d %s", resp.StatusCode, b)
	}
	resp, b = s.call(t, http.MethodPost, "/api/v1/vendors", view.Token, `{"name":"other"}`)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Content-Type") != httpapi.ProblemContentType ||
		!strings.Contains(string(b), "vendors:write") {
		t.Fatalf("viewer write: %d %s", resp.StatusCode, b)
	}
	resp, _ = s.call(t, http.MethodGet, "/api/v1/nodes", "unet_0000000000000000_"+strings.Repeat("a", 52), "")
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != httpapi.AuthChallenge {
		t.Fatalf("unknown token: %d %v", resp.StatusCode, resp.Header)
	}
	// Authentication comes first: an anonymous caller learns nothing about
	// a route's parameters or limits.
	resp, _ = s.call(t, http.MethodGet, "/api/v1/nodes?nosuch=1", "", "")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown parameter without a token: %d", resp.StatusCode)
	}
	resp, _ = s.call(t, http.MethodGet, "/api/v1/nodes?nosuch=1", view.Token, "")
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown parameter with a token: %d", resp.StatusCode)
	}
	resp, _ = s.call(t, http.MethodGet, "/api/v1/nodes", "", "", httpapi.ActorHeader, "ada")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("X-Unet-Actor without a token: %d", resp.StatusCode)
	}
	resp, b = s.call(t, http.MethodGet, "/api/v1/audit", view.Token, "")
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer reads the audit log: %d %s", resp.StatusCode, b)
	}
	resp, b = s.call(t, http.MethodGet, "/api/v1/audit?outcome=denied", admin.Token, "")
	var audit unet.List[unet.AuditEntry]
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &audit) != nil {
		t.Fatalf("audit: %d %s", resp.StatusCode, b)
	}
	if len(audit.Items) != 5 {
		t.Fatalf("want 5 denials, got %d: %s", len(audit.Items), b)
	}
	last := audit.Items[len(audit.Items)-1]
	if last.Actor != "vic" || last.Permission != unet.PermVendorsWrite || last.Status != 403 || last.Route != "/api/v1/vendors" ||
		last.Method != http.MethodPost || last.SourceIP != "127.0.0.1" || last.RequestID == "" || !strings.HasPrefix(last.AuthMethod, "token:") {
		t.Fatalf("denial entry: %+v", last)
	}
	resp, b = s.call(t, http.MethodGet, "/api/v1/audit?outcome=ok&actor=erin", admin.Token, "")
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &audit) != nil || len(audit.Items) != 1 || audit.Items[0].Status != 201 {
		t.Fatalf("mutation entry: %d %s", resp.StatusCode, b)
	}
	all, err := s.svc.ListAudit(context.Background(), unet.AuditFilter{Page: unet.Page{Limit: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(all)
	for _, tok := range []string{eng.Token, view.Token, admin.Token} {
		_, secret, _ := auth.ParseToken(tok)
		if strings.Contains(string(raw), secret) {
			t.Fatal("the audit log holds a token secret")
		}
	}
}

// TestAuditSurvivesClientDisconnect: a mutating request whose client goes
// away before the answer is still recorded.
func TestAuditSurvivesClientDisconnect(t *testing.T) {
	s := startLocalServer(t, sqlstore.SQLite)
	eng := s.userToken(t, "erin", []string{"engineer"}, unet.TokenRequest{})
	// The client sends a write and hangs up without waiting for the answer:
	// the server sees its connection close while it works.
	conn, err := net.Dial("tcp", s.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/v1/vendors HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"name\":\"v2\"}\r\n", eng.Token)
	conn.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		l, err := s.svc.ListAudit(context.Background(), unet.AuditFilter{Actor: "erin"})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Items) == 1 && l.Items[0].Route == "/api/v1/vendors" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the request of a departed client is not in the audit log: %+v", l.Items)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// newIdentityService opens a fresh, migrated database of engine (closed
// with the test) and returns its service with the token pepper set, and the
// database URL.
func newIdentityService(t *testing.T, engine string, pepper []byte) (*service.Service, string) {
	t.Helper()
	ctx := context.Background()
	url := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	if engine == sqlstore.Postgres {
		url = testutil.NewPostgresDB(t)
	}
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	if err := svc.SetTokenPepper(pepper); err != nil {
		t.Fatal(err)
	}
	return svc, url
}
