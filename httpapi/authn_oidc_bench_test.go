package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
)

// BenchmarkGetNodeOIDC is GET /api/v1/nodes/{id} in auth mode none and, in
// the same run, in auth mode oidc with a viewer's token of an in-process
// provider (ES256): the cost of verifying an OIDC token on each request
// (the provider's keys are fetched once, before the timer starts).
func BenchmarkGetNodeOIDC(b *testing.B) {
	_, n, svc := benchSetup(b, 1000)
	local := svc.(*service.Service)
	op := testutil.StartOIDCProvider(b)
	op.AddUser(testutil.OIDCUser{Subject: "sub-vic", Username: "vic", Groups: []string{"noc-viewers"}})
	a, err := httpapi.NewOIDCAuthenticator(httpapi.OIDCOptions{Issuer: op.Issuer(), ClientID: testutil.PublicClientID,
		Roles: local, HTTPClient: op.HTTPClient(), RoleMap: map[string][]string{"noc-viewers": {"viewer"}}})
	if err != nil {
		b.Fatal(err)
	}
	none, err := httpapi.New(svc, httpapi.Options{})
	if err != nil {
		b.Fatal(err)
	}
	withOIDC, err := httpapi.New(svc, httpapi.Options{Audit: local, Authorizer: httpapi.OIDCAuth{OIDC: a}})
	if err != nil {
		b.Fatal(err)
	}
	path := "/api/v1/nodes/" + n.ID
	req := httptest.NewRequest("GET", path, nil)
	req.Host = "localhost" // one of the server's default allowed hosts
	req.Header.Set("Authorization", "Bearer "+op.Token(b, testutil.TokenSpec{Subject: "sub-vic"}))
	w := httptest.NewRecorder()
	withOIDC.Handler().ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("%s with an OIDC token: %d %s", path, w.Code, w.Body)
	}
	b.Run("none", func(b *testing.B) { benchGet(b, none.Handler(), path) })
	b.Run("oidc", func(b *testing.B) {
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				w := httptest.NewRecorder()
				withOIDC.Handler().ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", path, w.Code, w.Body)
				}
			}
		})
	})
}
