package webui_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/templates"
	"github.com/unet-dev/unet/webui"
)

// csServer is a real server in auth mode local (API tokens) with the web
// interface, over a fresh database of one engine.
type csServer struct {
	*httptest.Server
	svc *service.Service
}

// csPolicies are the rules of the change set tests: a core node needs a
// model, and every Cisco node gets a template printing its role.
var csPolicies = []unet.PolicyFile{{Name: "10-review.rules", Content: `RULE "core-has-model" SEVERITY high
WHEN node.role == "core"
THEN ASSERT node.model == "big"

RULE "template-cisco" SEVERITY info
WHEN node.vendor == "cisco"
THEN APPLY "cisco/base.j2"
`}}

var csTemplates = fstest.MapFS{"cisco/base.j2": {Data: []byte("hostname {{ node.name }}\nrole {{ node.role }}\n")}}

// startCSServer starts the server on engine (sqlstore.SQLite or
// sqlstore.Postgres) with the test rules and templates.
func startCSServer(t testing.TB, engine string) *csServer {
	t.Helper()
	ctx := context.Background()
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	if engine == sqlstore.Postgres {
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
	if err := svc.SetTokenPepper([]byte("webui-changes-pepper-0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	svc.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) { return csPolicies, "test", nil })
	svc.SetTemplateEnv(templates.New(csTemplates, templates.Options{}))
	auth := httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: svc}}}
	ui, err := webui.New(svc, webui.Options{Authorizer: auth})
	if err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(svc, httpapi.Options{Authorizer: auth, Secrets: svc, UI: ui.Handler()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(hs.Close)
	return &csServer{Server: hs, svc: svc}
}

// csEnsurePostgres makes sure UNET_TEST_POSTGRES names a cluster: the one
// given, or one started for the test and stopped after it.
func csEnsurePostgres(t testing.TB) {
	t.Helper()
	if os.Getenv(testutil.PostgresEnv) != "" {
		return
	}
	u, stop, err := testutil.StartPostgres()
	if err != nil {
		t.Fatalf("no PostgreSQL for the test: %v (set %s)", err, testutil.PostgresEnv)
	}
	t.Cleanup(stop)
	t.Setenv(testutil.PostgresEnv, u)
}

// csCtx is the context of the tests' direct service calls.
func csCtx(actor string) context.Context {
	return unet.WithActor(context.Background(), actor)
}

// userToken creates a user with roles and returns an API token of it.
func (s *csServer) userToken(t testing.TB, user string, roles ...string) string {
	t.Helper()
	ctx := csCtx("setup")
	if _, err := s.svc.CreateUser(ctx, unet.NewUser{Name: user, Roles: roles}); err != nil {
		t.Fatal(err)
	}
	tok, err := s.svc.CreateToken(ctx, unet.TokenRequest{User: user})
	if err != nil {
		t.Fatal(err)
	}
	return tok.Token
}

// do sends a request with the token, without following redirects.
func (s *csServer) do(t testing.TB, method, path, token string, form url.Values) page {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return readPage(t, s.Client(), req)
}

// getOK fetches a page as token and fails unless it is 200.
func (s *csServer) getOK(t testing.TB, path, token string) string {
	t.Helper()
	p := s.do(t, http.MethodGet, path, token, nil)
	if p.status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, p.status, p.body)
	}
	return p.body
}

var csCSRFField = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// post posts a form of the review page as token: it fetches the page
// first and sends back the CSRF token found in it (any value when the page
// has no form for this caller, as a forged post would).
func (s *csServer) post(t testing.TB, pagePath, action, token string, form url.Values) page {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", "forged")
	if m := csCSRFField.FindStringSubmatch(s.do(t, http.MethodGet, pagePath, token, nil).body); m != nil {
		form.Set("csrf_token", m[1])
	}
	return s.do(t, http.MethodPost, action, token, form)
}

// csHasForm reports whether html holds a form posting to action.
func csHasForm(html, action string) bool {
	return strings.Contains(html, `<form method="post" action="`+action+`"`)
}
