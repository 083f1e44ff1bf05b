package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TestScopedEventReadsOverHTTP: a viewer scoped to EMEA gets 403 from the
// event route, as a page and as a stream (resuming or not), instead of the
// events of every scope; an unscoped viewer reads them.
func TestScopedEventReadsOverHTTP(t *testing.T) {
	s := startLocalServer(t, sqlstore.SQLite)
	ctx := unet.WithActor(context.Background(), "setup")
	for _, l := range []unet.Location{{Name: "APAC", Type: "region"}, {Name: "SIN", Type: "site", ParentID: "APAC"}} {
		if _, err := s.svc.CreateLocation(ctx, &l, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	scoped := s.userToken(t, "sam", nil, unet.TokenRequest{})
	if _, err := s.svc.GrantRole(ctx, "sam", unet.Grant{Role: unet.RoleViewer, Scope: `location.path MATCHES "^EMEA(/|$)"`}); err != nil {
		t.Fatal(err)
	}
	view := s.userToken(t, "vic", []string{"viewer"}, unet.TokenRequest{})

	get := func(token string, hdr ...string) (int, string) {
		t.Helper()
		rctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(rctx, http.MethodGet, s.URL+"/api/v1/events?after=0", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body) // a stream ends at the timeout
		return resp.StatusCode, string(b)
	}
	for _, hdr := range [][]string{nil, {"Accept", "text/event-stream"}, {"Accept", "text/event-stream", "Last-Event-ID", "0"}} {
		code, body := get(scoped.Token, hdr...)
		if code != http.StatusForbidden || strings.Contains(body, "SIN") || !strings.Contains(body, "unscoped") {
			t.Fatalf("scoped viewer, headers %v: %d %s", hdr, code, body)
		}
	}
	if code, body := get(view.Token); code != http.StatusOK || !strings.Contains(body, "APAC/SIN") {
		t.Fatalf("unscoped viewer: %d %s", code, body)
	}
	if code, body := get(view.Token, "Accept", "text/event-stream", "Last-Event-ID", "0"); code != http.StatusOK || !strings.Contains(body, "APAC/SIN") {
		t.Fatalf("unscoped viewer's stream: %d %s", code, body)
	}
}
