package webui_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/secret"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/webui"
)

// authServer is a real server in auth mode local (API tokens, password
// sign-ins, client certificates, as unet serve builds it) with the web
// interface, over a real database.
type authServer struct {
	*httptest.Server
	svc *service.Service
	db  *sqlstore.DB
	ui  *webui.UI
	op  *testutil.OIDCProvider
}

// authOptions configure startAuthServer.
type authOptions struct {
	engine  string // sqlstore.SQLite (default) or sqlstore.Postgres
	tls     bool
	session service.SessionConfig
	// oidc, when set, makes the server's auth mode oidc with this
	// provider (its web client, groups mapped: noc=viewer).
	oidc *testutil.OIDCProvider
	// trustedProxies are the server's (TransportOptions.TrustedProxies).
	trustedProxies []netip.Prefix
}

func startAuthServer(t testing.TB, o authOptions) *authServer {
	t.Helper()
	ctx := context.Background()
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	if o.engine == sqlstore.Postgres {
		dbURL = testutil.NewPostgresDB(t)
	}
	db, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	if err := svc.SetTokenPepper([]byte(strings.Repeat("p", 32))); err != nil {
		t.Fatal(err)
	}
	svc.SetArgon2(auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	key, err := secret.ParseKey([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SetSecrets(service.SecretsConfig{Key: key}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetSessionConfig(o.session); err != nil {
		t.Fatal(err)
	}
	var authz httpapi.Authorizer = httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: svc},
		httpapi.JWTAuthenticator{Verifier: svc}, httpapi.CertAuthenticator{Verifier: svc}}}
	wo := webui.Options{Audit: svc}
	if o.oidc != nil {
		a, err := httpapi.NewOIDCAuthenticator(httpapi.OIDCOptions{Issuer: o.oidc.Issuer(), ClientID: testutil.WebClientID,
			RoleMap: map[string][]string{"noc": {unet.RoleViewer}}, Roles: svc, HTTPClient: o.oidc.HTTPClient()})
		if err != nil {
			t.Fatal(err)
		}
		authz = httpapi.OIDCAuth{OIDC: a, Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: svc}}}
		wo.OIDC = &webui.OIDCLogin{Issuer: o.oidc.Issuer(), ClientID: testutil.WebClientID, ClientSecret: testutil.WebClientSecret,
			HTTPClient: o.oidc.HTTPClient()}
	}
	throttle := httpapi.NewLoginThrottle(httpapi.DefaultLoginThrottle, nil)
	wo.Authorizer, wo.LoginThrottle = authz, throttle
	ui, err := webui.New(svc, wo)
	if err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(svc, httpapi.Options{Authorizer: authz, Audit: svc, Secrets: svc, UI: ui.Handler(),
		LoginThrottle: throttle, Transport: httpapi.TransportOptions{TrustedProxies: o.trustedProxies}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(api.Handler())
	if o.tls {
		hs.StartTLS()
	} else {
		hs.Start()
	}
	t.Cleanup(hs.Close)
	if o.oidc != nil {
		o.oidc.AllowRedirect(hs.URL + "/ui/login/oidc/callback")
	}
	return &authServer{Server: hs, svc: svc, db: db, ui: ui, op: o.oidc}
}

// addUser creates a user with a password and roles.
func (s *authServer) addUser(t testing.TB, name, password string, roles ...string) {
	t.Helper()
	ctx := unet.WithActor(context.Background(), "setup")
	if _, err := s.svc.CreateUser(ctx, unet.NewUser{Name: name, Password: password, Roles: roles}); err != nil {
		t.Fatal(err)
	}
}

// auditOf lists the audit entries of actor, newest first.
func (s *authServer) auditOf(t testing.TB, actor string) []unet.AuditEntry {
	t.Helper()
	l, err := s.svc.ListAudit(context.Background(), unet.AuditFilter{Actor: actor})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

// formClient is a client with a cookie jar that does not follow redirects,
// as a browser's tab seen from the server.
type formClient struct {
	t    testing.TB
	s    *authServer
	c    *http.Client
	last page
}

func (s *authServer) formClient(t testing.TB) *formClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *s.Client()
	if s.op != nil {
		c.Transport = s.op.HTTPClient().Transport
	}
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &formClient{t: t, s: s, c: &c}
}

func (b *formClient) do(req *http.Request) page {
	b.t.Helper()
	b.last = readPage(b.t, b.c, req)
	return b.last
}

// get fetches path.
func (b *formClient) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.s.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post posts a form to path, with extra headers as name, value pairs.
func (b *formClient) post(path string, form url.Values, hdr ...string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return b.do(req)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// csrf is the CSRF token of the last page's forms.
func (b *formClient) csrf() string {
	b.t.Helper()
	m := csrfInput.FindStringSubmatch(b.last.body)
	if m == nil || m[1] == "" {
		b.t.Fatalf("no CSRF token in the page:\n%s", b.last.body)
	}
	return m[1]
}

// signIn signs in through the sign-in form and returns the answer to the
// post.
func (b *formClient) signIn(user, password string) page {
	b.t.Helper()
	if p := b.get("/ui/login"); p.status != http.StatusOK {
		b.t.Fatalf("GET /ui/login = %d:\n%s", p.status, p.body)
	}
	return b.post("/ui/login", url.Values{"username": {user}, "password": {password}, "csrf_token": {b.csrf()}})
}

// cookie is the value the jar holds for name under /ui/.
func (b *formClient) cookie(name string) string {
	u, _ := url.Parse(b.s.URL + "/ui/")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie puts a cookie in the jar under /ui/ (value "" removes it).
func (b *formClient) setCookie(name, value string) {
	u, _ := url.Parse(b.s.URL + "/ui/")
	c := &http.Cookie{Name: name, Value: value, Path: "/ui/"}
	if value == "" {
		c.MaxAge = -1
	}
	b.c.Jar.SetCookies(u, []*http.Cookie{c})
}

// setCookies returns the cookies an answer set, by name.
func setCookies(p page) map[string]*http.Cookie {
	resp := http.Response{Header: p.header}
	m := map[string]*http.Cookie{}
	for _, c := range resp.Cookies() {
		m[c.Name] = c
	}
	return m
}

// getURL fetches an absolute URL (the provider's pages).
func (b *formClient) getURL(u string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// followUntil follows the redirects from the last answer until one leads
// to a URL starting with prefix, and returns that URL.
func (b *formClient) followUntil(prefix string) string {
	b.t.Helper()
	for range 10 {
		loc := b.last.header.Get("Location")
		if loc == "" {
			b.t.Fatalf("answer %d without a redirect before %s:\n%s", b.last.status, prefix, b.last.body)
		}
		if strings.HasPrefix(loc, "/") {
			// A path of the provider's (the server's own are under prefix).
			loc = b.s.op.Issuer() + loc
		}
		if strings.HasPrefix(loc, prefix) {
			return loc
		}
		b.getURL(loc)
	}
	b.t.Fatalf("no redirect to %s", prefix)
	return ""
}
