package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
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
	benchBearer(b, h, path, "")
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
// the same run, in auth mode local with an API token (a viewer's) and with
// the access token (JWT) of a viewer's password login: the cost of
// authenticating each request.
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
	if err := local.SetSecrets(service.SecretsConfig{Key: matrixSecretsKey(b)}); err != nil {
		b.Fatal(err)
	}
	local.SetArgon2(auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err := local.SetPassword(ctx, "viewer", "viewer-password-1"); err != nil {
		b.Fatal(err)
	}
	pair, err := local.Login(ctx, unet.LoginRequest{Username: "viewer", Password: "viewer-password-1"})
	if err != nil {
		b.Fatal(err)
	}
	none, err := httpapi.New(svc, httpapi.Options{})
	if err != nil {
		b.Fatal(err)
	}
	withToken, err := httpapi.New(svc, httpapi.Options{Audit: local,
		Authorizer: httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: local},
			httpapi.JWTAuthenticator{Verifier: local}}}})
	if err != nil {
		b.Fatal(err)
	}
	// The same with the rate limits on (buckets too large to refuse
	// anything): the cost of the bucket lookup per request.
	limited, err := httpapi.New(svc, httpapi.Options{Audit: local,
		Limits:     httpapi.RateLimits{Identity: httpapi.RateLimit{Rate: 1e9, Burst: 1e9}, IP: httpapi.RateLimit{Rate: 1e9, Burst: 1e9}},
		Authorizer: httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: local}}}})
	if err != nil {
		b.Fatal(err)
	}
	path := "/api/v1/nodes/" + n.ID
	b.Run("none", func(b *testing.B) { benchGet(b, none.Handler(), path) })
	b.Run("jwt", func(b *testing.B) { benchBearer(b, withToken.Handler(), path, pair.AccessToken) })
	b.Run("token", func(b *testing.B) { benchBearer(b, withToken.Handler(), path, tok.Token) })
	b.Run("token+limits", func(b *testing.B) { benchBearer(b, limited.Handler(), path, tok.Token) })
	// The verification alone (HMAC, cached row, checks), outside HTTP.
	b.Run("verify", func(b *testing.B) {
		src := netip.MustParseAddr("127.0.0.1")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := local.AuthenticateToken(ctx, tok.Token, src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchBearer serves GET path in parallel, with a bearer credential unless
// it is "".
func benchBearer(b *testing.B, h http.Handler, path, credential string) {
	b.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Host = "localhost" // one of the server's default allowed hosts
	if credential != "" {
		req.Header.Set("Authorization", "Bearer "+credential)
	}
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
