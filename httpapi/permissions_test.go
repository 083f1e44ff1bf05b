package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

func newTestServer(t *testing.T, o Options) *Server {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "unet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := New(service.New(db), o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// denyAll records the permission each request asked for and refuses all but
// public routes.
type denyAll struct {
	mu    sync.Mutex
	asked []Permission
}

func (d *denyAll) Mode() string { return "test" }

func (d *denyAll) Authorize(r *http.Request, p Permission) (*unet.Principal, error) {
	d.mu.Lock()
	d.asked = append(d.asked, p)
	d.mu.Unlock()
	if p == PermPublic {
		return &unet.Principal{User: "probe"}, nil
	}
	return nil, unet.Errorf(unet.EFORBIDDEN, "permission %s denied", p)
}

// sessionOperations are the public routes whose body carries the
// credential (a password, a refresh token).
var sessionOperations = map[string]bool{"login": true, "refreshToken": true, "logout": true}

func TestEveryRouteHasOnePermission(t *testing.T) {
	s := newTestServer(t, Options{})
	known := map[Permission]bool{}
	for _, p := range Permissions() {
		known[p] = true
	}
	for _, r := range s.Routes() {
		if r.Permission == "" {
			t.Errorf("route %s %s has no permission", r.Method, r.Path)
		}
		if !known[r.Permission] {
			t.Errorf("route %s %s has unknown permission %q", r.Method, r.Path, r.Permission)
		}
		// The webhook receiver is public: each delivery is authenticated by
		// its signature with the source's webhook secret instead. Login,
		// refresh and logout are public: the body carries the credential.
		if r.Permission == PermPublic && strings.HasPrefix(r.Path, BasePath) && r.OperationID != "getOpenAPI" &&
			r.OperationID != "receiveGitWebhook" && r.OperationID != "getAuthConfig" && !sessionOperations[r.OperationID] {
			t.Errorf("inventory route %s %s is public", r.Method, r.Path)
		}
		write := r.Method != http.MethodGet
		if strings.HasSuffix(string(r.Permission), ":read") && write {
			t.Errorf("route %s %s writes with a read permission", r.Method, r.Path)
		}
	}
}

func TestRouteWithoutPermissionIsRefused(t *testing.T) {
	s := newTestServer(t, Options{})
	s.mux = http.NewServeMux()
	err := s.register([]Route{{Method: http.MethodGet, Path: "/api/v1/widgets", OperationID: "listWidgets",
		handle: func(w http.ResponseWriter, r *http.Request) error { return nil }}})
	if err == nil || !strings.Contains(err.Error(), "declares no permission") {
		t.Fatalf("register without permission: %v", err)
	}
}

// TestAuthorizerIsConsultedWithTheTable sends one request to every route and
// checks that the authorizer was asked for exactly the route's permission and
// that its refusal is answered 403 before the handler runs.
func TestAuthorizerIsConsultedWithTheTable(t *testing.T) {
	d := &denyAll{}
	s := newTestServer(t, Options{Authorizer: d})
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	for _, r := range s.Routes() {
		path := strings.NewReplacer("{ref}", "x", "{id}", "x").Replace(r.Path)
		var body *strings.Reader
		if r.Body != nil {
			body = strings.NewReader(`{}`)
		} else {
			body = strings.NewReader("")
		}
		req, _ := http.NewRequest(r.Method, hs.URL+path, body)
		d.mu.Lock()
		d.asked = nil
		d.mu.Unlock()
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		d.mu.Lock()
		asked := append([]Permission(nil), d.asked...)
		d.mu.Unlock()
		if len(asked) != 1 || asked[0] != r.Permission {
			t.Errorf("%s %s: authorizer asked for %v, want [%s]", r.Method, r.Path, asked, r.Permission)
		}
		want := http.StatusForbidden
		switch {
		case r.OperationID == "receiveGitWebhook":
			want = http.StatusNotFound // public, but source {source} does not exist
		case sessionOperations[r.OperationID]:
			want = http.StatusUnprocessableEntity // public, but {} names no credential
		case r.Permission == PermPublic:
			want = http.StatusOK
		}
		if resp.StatusCode != want {
			t.Errorf("%s %s: status %d, want %d", r.Method, r.Path, resp.StatusCode, want)
		}
	}
}

func TestListenAddrInAuthModeNone(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:0": true, "[::1]:8080": true, "127.1.2.3:80": true,
		"0.0.0.0:8080": false, ":8080": false, "[::]:8080": false, "192.0.2.10:8080": false, "example.com:80": false,
		"nonsense": false,
	} {
		err := CheckListenAddr(addr, NoAuth{})
		if (err == nil) != ok {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if err := CheckListenAddr("0.0.0.0:8080", NoAuth{}); err == nil || !strings.Contains(err.Error(), "auth mode none") {
		t.Errorf("message: %v", err)
	}
}
