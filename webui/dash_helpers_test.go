package webui_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/webui"
)

// engines are the storage engines the dashboard tests run on.
var engines = []string{sqlstore.SQLite, sqlstore.Postgres}

// authUI is a real server in auth mode local (API tokens), recording the
// audit log, with the web interface, over a fresh database of one engine.
type authUI struct {
	*httptest.Server
	svc *service.Service
	// stop begins the interface's shutdown: its live streams end.
	stop func()
}

// startAuthUI starts a server whose API and pages authenticate API tokens.
func startAuthUI(t testing.TB, engine string) *authUI {
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
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	if err := svc.SetTokenPepper([]byte("dashboard-test-pepper-0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	auth := httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: svc}}}
	stop := make(chan struct{})
	var once sync.Once
	stopUI := func() { once.Do(func() { close(stop) }) }
	ui, err := webui.New(svc, webui.Options{Authorizer: auth, Stop: stop, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(svc, httpapi.Options{Authorizer: auth, Audit: svc, Secrets: svc, UI: ui.Handler()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(func() {
		stopUI()
		hs.Close()
		db.Close()
	})
	return &authUI{Server: hs, svc: svc, stop: stopUI}
}

// setup is the context of test setup calls made on the service directly.
func setup() context.Context { return unet.WithActor(context.Background(), "setup") }

// token creates a user with roles and returns an API token of it.
func (s *authUI) token(t testing.TB, user string, roles ...string) string {
	t.Helper()
	if _, err := s.svc.CreateUser(setup(), unet.NewUser{Name: user, Roles: roles}); err != nil {
		t.Fatal(err)
	}
	tok, err := s.svc.CreateToken(setup(), unet.TokenRequest{User: user})
	if err != nil {
		t.Fatal(err)
	}
	return tok.Token
}

// as fetches path with a token (none: anonymous), without following
// redirects.
func (s *authUI) as(t testing.TB, token, method, path, body string) page {
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
	return readPage(t, s.Client(), req)
}

// inventory is n nodes of vendor cisco; the even ones have a model.
func inventory(n int) *unet.Bundle {
	b := &unet.Bundle{Locations: []unet.LocationRecord{{Name: "Lab", Type: "site"}}}
	for i := 0; i < n; i++ {
		r := unet.NodeRecord{Name: fmt.Sprintf("node-%05d", i), Vendor: "cisco", Platform: "ios", Role: "access",
			MgmtIP: fmt.Sprintf("10.%d.%d.%d", i/65536, (i/256)%256, i%256), Location: "Lab"}
		if i%2 == 0 {
			r.Model = "c9300"
		}
		b.Nodes = append(b.Nodes, r)
	}
	return b
}

// dashRules are the rules the dashboard tests store results of: the odd
// nodes fail model-set (critical); every node passes role-set (high); the
// location fails site-described (medium).
var dashRules = []unet.PolicyFile{{Name: "dash.rules", Content: `RULE "model-set" SEVERITY critical WHEN node.vendor == "cisco" THEN ASSERT node.model IS NOT NULL
RULE "role-set" SEVERITY high WHEN node.vendor == "cisco" THEN ASSERT node.role == "access"
RULE "site-described" SEVERITY medium WHEN location.type == "site" THEN ASSERT location.description IS NOT NULL
`}}

// storeResults evaluates dashRules and stores the results.
func storeResults(t testing.TB, svc unet.Service) {
	t.Helper()
	if _, err := svc.EvaluatePolicies(setup(), unet.PolicyEvalRequest{Files: dashRules, Source: "test", Store: true}); err != nil {
		t.Fatal(err)
	}
}

// cells returns the texts of the cells of the table row whose header cell
// is name, tags removed.
func cells(t testing.TB, body, name string) []string {
	t.Helper()
	re := regexp.MustCompile(`<tr><th scope="row">` + regexp.QuoteMeta(name) + `</th>(.*?)</tr>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no row %q in:\n%s", name, body)
	}
	var out []string
	for _, c := range regexp.MustCompile(`<td>(.*?)</td>`).FindAllStringSubmatch(m[1], -1) {
		out = append(out, regexp.MustCompile(`<[^>]*>`).ReplaceAllString(c[1], ""))
	}
	return out
}

// testLog writes a server's log into the test's.
type testLog struct{ t testing.TB }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
