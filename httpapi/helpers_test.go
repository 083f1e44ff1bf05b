package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// testServer is a real API server on a random loopback port over a real
// SQLite file.
type testServer struct {
	*httptest.Server
	api  *httpapi.Server
	db   *sqlstore.DB
	svc  *service.Service
	file string
}

func startServer(t testing.TB, o httpapi.Options) *testServer {
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
	svc.SetGitAllowLocalURLs(true) // the tests' Git repositories are local
	if o.Secrets == nil {
		o.Secrets = svc
	}
	if o.Ready == nil {
		o.Ready = httpapi.DatabaseReady(db, file)
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
	return &testServer{Server: hs, api: api, db: db, svc: svc, file: file}
}

// answer is a response read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) problem(t *testing.T) httpapi.Problem {
	t.Helper()
	if ct := a.header.Get("Content-Type"); ct != httpapi.ProblemContentType {
		t.Fatalf("Content-Type = %q, want %s (body %s)", ct, httpapi.ProblemContentType, a.body)
	}
	var p httpapi.Problem
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("problem body %s: %v", a.body, err)
	}
	if p.Status != a.status {
		t.Errorf("problem status %d, answer status %d", p.Status, a.status)
	}
	return p
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

// send performs a request; body is JSON-encoded unless it is []byte or a string.
func (ts *testServer) send(t *testing.T, method, path string, body any, headers ...string) answer {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

// client returns an httpapi.Client of the server.
func (ts *testServer) client(t *testing.T, actor string) *httpapi.Client {
	t.Helper()
	c, err := httpapi.NewClient(ts.URL, httpapi.ClientOptions{Actor: actor})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// bundle makes an inventory of n nodes in one site, with a link between each
// consecutive pair.
func bundle(n int) *unet.Bundle {
	b := &unet.Bundle{Locations: []unet.LocationRecord{{Name: "Lab", Type: "site"}}}
	for i := 0; i < n; i++ {
		b.Nodes = append(b.Nodes, unet.NodeRecord{Name: fmt.Sprintf("node-%05d", i), Vendor: "cisco", Platform: "ios",
			Role: "access", MgmtIP: fmt.Sprintf("10.%d.%d.%d", i/65536, (i/256)%256, i%256), Location: "Lab"})
		if i > 0 {
			b.Links = append(b.Links, unet.LinkRecord{ANode: fmt.Sprintf("node-%05d", i-1), AInterface: "Gi0/1",
				ZNode: fmt.Sprintf("node-%05d", i), ZInterface: "Gi0/2"})
		}
	}
	return b
}

func newHTTPTest(s *httpapi.Server) *httptest.Server { return httptest.NewServer(s.Handler()) }
