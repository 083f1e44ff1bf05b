package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// benchHandler is the API handler over a SQLite file holding n nodes.
func benchHandler(b *testing.B, n int) (http.Handler, *unet.Node) {
	h, node, _ := benchSetup(b, n)
	return h, node
}

func benchSetup(b *testing.B, n int) (http.Handler, *unet.Node, unet.Service) {
	b.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	svc := service.New(db)
	if _, err := svc.Import(ctx, bundle(n), unet.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	node, err := svc.GetNode(ctx, "node-00042")
	if err != nil {
		b.Fatal(err)
	}
	srv, err := httpapi.New(svc, httpapi.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return srv.Handler(), node, svc
}

// BenchmarkServiceGetNode is the same read without HTTP: the difference to
// BenchmarkGetNode is the API layer's own cost.
func BenchmarkServiceGetNode(b *testing.B) {
	_, n, svc := benchSetup(b, 1000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := svc.GetNode(ctx, n.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchGet(b *testing.B, h http.Handler, path string) {
	req := httptest.NewRequest("GET", path, nil)
	req.Host = "localhost" // one of the server's default allowed hosts
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("%s: %d %s", path, w.Code, w.Body)
			}
		}
	})
}

// The in-process cost of the API's hot read paths (no network), over SQLite.
func BenchmarkGetNode(b *testing.B) {
	h, n := benchHandler(b, 1000)
	benchGet(b, h, "/api/v1/nodes/"+n.ID)
}

func BenchmarkListNodes100(b *testing.B) {
	h, _ := benchHandler(b, 1000)
	benchGet(b, h, "/api/v1/nodes?limit=100")
}

func BenchmarkHealthz(b *testing.B) {
	h, _ := benchHandler(b, 50)
	benchGet(b, h, "/healthz")
}

// BenchmarkGetNodeAuth is GET /api/v1/nodes/{id} in auth mode none and, in
// the same run, in auth mode local with an API token (a viewer's): the cost
// of authenticating each request.
func BenchmarkGetNodeAuth(b *testing.B) {
	_, n, svc := benchSetup(b, 1000)
	local := svc.(*service.Service)
	if err := local.SetTokenPepper([]byte("bench-pepper-0123456789abcdef012345")); err != nil {
		b.Fatal(err)
	}
	ctx := unet.WithActor(context.Background(), "bench")
	if _, err := local.CreateUser(ctx, unet.NewUser{Name: "viewer", Roles: []string{unet.RoleViewer}}); err != nil {
		b.Fatal(err)
	}
	tok, err := local.CreateToken(ctx, unet.TokenRequest{User: "viewer"})
	if err != nil {
		b.Fatal(err)
	}
	none, err := httpapi.New(svc, httpapi.Options{})
	if err != nil {
		b.Fatal(err)
	}
	withToken, err := httpapi.New(svc, httpapi.Options{Audit: local,
		Authorizer: httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: local}}}})
	if err != nil {
		b.Fatal(err)
	}
	path := "/api/v1/nodes/" + n.ID
	b.Run("none", func(b *testing.B) { benchGet(b, none.Handler(), path) })
	b.Run("token", func(b *testing.B) {
		req := httptest.NewRequest("GET", path, nil)
		req.Host = "localhost" // one of the server's default allowed hosts
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				w := httptest.NewRecorder()
				withToken.Handler().ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", path, w.Code, w.Body)
				}
			}
		})
	})
}
