package webui_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/webui"
)

// uiServer is a real API server with the web interface on a random
// loopback port over a real SQLite file.
type uiServer struct {
	*httptest.Server
	db  *sqlstore.DB
	svc *service.Service
	ui  *webui.UI
	// tab is a client with a cookie jar that does not follow redirects,
	// as a browser's tab seen from the server.
	tab *http.Client
}

// startUI starts a server; o and wo configure the API and the interface
// (their Authorizers default to auth mode none).
func startUI(t testing.TB, o httpapi.Options, wo webui.Options) *uiServer {
	t.Helper()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "unet.db")
	db, err := sqlstore.Open(ctx, "sqlite://"+file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	if wo.Authorizer == nil && o.Authorizer != nil {
		wo.Authorizer = o.Authorizer
	}
	ui, err := webui.New(svc, wo)
	if err != nil {
		t.Fatal(err)
	}
	o.UI = ui.Handler()
	if o.Secrets == nil {
		o.Secrets = svc
	}
	api, err := httpapi.New(svc, o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(func() {
		hs.Close()
		db.Close()
	})
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	tab := *hs.Client()
	tab.Jar = jar
	tab.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &uiServer{Server: hs, db: db, svc: svc, ui: ui, tab: &tab}
}

// page is an answer read in full.
type page struct {
	status int
	header http.Header
	body   string
}

// get fetches path without following redirects.
func (s *uiServer) get(t testing.TB, path string) page {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return readPage(t, s.tab, req)
}

// csrfToken is the CSRF token of the tab's forms, read from the page at
// path.
func (s *uiServer) csrfToken(t testing.TB, path string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(s.get(t, path).body)
	if m == nil {
		t.Fatalf("the page %s has no CSRF token", path)
	}
	return m[1]
}

// readPage sends req through a copy of c that does not follow redirects and
// reads the answer in full.
func readPage(t testing.TB, c *http.Client, req *http.Request) page {
	t.Helper()
	nc := *c
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := nc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(b)}
}
