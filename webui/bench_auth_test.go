package webui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

// BenchmarkSignedInPage measures a page served to a signed-in session
// over a 10,000-node inventory, in the server's handler (no network): the
// session's cookies read, the access token verified by the Authorizer,
// the CSRF token computed and the page rendered. BenchmarkSignInPage
// measures the sign-in form.
func BenchmarkSignedInPage(b *testing.B) {
	s := startAuthServer(b, authOptions{})
	importNodes(b, s, 10_000)
	s.addUser(b, "alice", "alice-password-1", unet.RoleViewer)
	br := s.formClient(b)
	if p := br.signIn("alice", "alice-password-1"); p.status != http.StatusSeeOther {
		b.Fatalf("sign-in = %d", p.status)
	}
	u, _ := url.Parse(s.URL + "/ui/")
	cookies := br.c.Jar.Cookies(u)
	h := s.Config.Handler
	serve := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, s.URL+"/ui/", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := serve(); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Signed in as") {
		b.Fatalf("page = %d:\n%s", rec.Code, rec.Body.String())
	}
	b.ReportAllocs()
	for b.Loop() {
		serve()
	}
}

func BenchmarkSignInPage(b *testing.B) {
	s := startAuthServer(b, authOptions{})
	importNodes(b, s, 10_000)
	h := s.Config.Handler
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, s.URL+"/ui/login?next=%2Fui%2F", nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("sign-in page = %d", rec.Code)
		}
	}
}

// importNodes imports n nodes in one location, linked in a chain.
func importNodes(tb testing.TB, s *authServer, n int) {
	tb.Helper()
	bu := &unet.Bundle{Locations: []unet.LocationRecord{{Name: "Lab", Type: "site"}}}
	for i := range n {
		bu.Nodes = append(bu.Nodes, unet.NodeRecord{Name: fmt.Sprintf("node-%05d", i), Vendor: "cisco", Platform: "ios",
			Role: "access", MgmtIP: fmt.Sprintf("10.%d.%d.%d", i/65536, (i/256)%256, i%256), Location: "Lab"})
	}
	if _, err := s.svc.Import(unet.WithActor(context.Background(), "setup"), bu, unet.ImportOptions{}); err != nil {
		tb.Fatal(err)
	}
}
