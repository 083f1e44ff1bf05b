package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// startLimitedServer is a real server in auth mode local over a fresh
// database of one engine with the given limits and trusted proxies,
// recording the audit log.
func startLimitedServer(t *testing.T, engine string, limits httpapi.RateLimits, trusted ...string) *localServer {
	t.Helper()
	svc, _ := newIdentityService(t, engine, matrixPepper)
	svc.SetArgon2(auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	proxies, err := httpapi.ParseTrustedProxies(trusted)
	if err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(svc, httpapi.Options{Secrets: svc, Audit: svc, Limits: limits,
		Transport:  httpapi.TransportOptions{TrustedProxies: proxies},
		Authorizer: httpapi.LocalAuth{Authenticators: []httpapi.Authenticator{httpapi.TokenAuthenticator{Verifier: svc}}}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(hs.Close)
	return &localServer{Server: hs, svc: svc}
}

// slow is a bucket that does not refill during a test: one request per
// 100 s after the burst.
func slow(burst int) httpapi.RateLimit { return httpapi.RateLimit{Rate: 0.01, Burst: burst} }

// deniedEntries lists the audit log's denied entries with status.
func deniedEntries(t *testing.T, svc *service.Service, status int) []unet.AuditEntry {
	t.Helper()
	l, err := svc.ListAudit(context.Background(), unet.AuditFilter{Outcome: unet.OutcomeDenied})
	if err != nil {
		t.Fatal(err)
	}
	var out []unet.AuditEntry
	for _, e := range l.Items {
		if e.Status == status {
			out = append(out, e)
		}
	}
	return out
}

// checkTooMany checks a 429 answer: problem+json, code unavailable and a
// Retry-After of whole seconds within the bucket's refill time.
func checkTooMany(t *testing.T, resp *http.Response, body []byte, maxWait int) {
	t.Helper()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != httpapi.ProblemContentType {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.Contains(string(body), `"code":"unavailable"`) || !strings.Contains(string(body), "rate limit of") {
		t.Errorf("problem %s", body)
	}
	ra, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > maxWait {
		t.Errorf("Retry-After %q, want whole seconds in 1..%d", resp.Header.Get("Retry-After"), maxWait)
	}
}

// TestRateLimitPerIdentity: a user's requests share one bucket, whatever
// the token; past its burst the answer is 429 with Retry-After, recorded in
// the audit log (once: further refusals within the minute are counted into
// the next entry); another user's bucket is untouched. Both engines.
func TestRateLimitPerIdentity(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			s := startLimitedServer(t, engine, httpapi.RateLimits{Identity: slow(3), IP: slow(1)})
			alice1 := s.userToken(t, "alice", []string{unet.RoleViewer}, unet.TokenRequest{}).Token
			alice2 := s.userToken(t, "alice", nil, unet.TokenRequest{}).Token
			bob := s.userToken(t, "bob", []string{unet.RoleViewer}, unet.TokenRequest{}).Token
			for i, tok := range []string{alice1, alice2, alice1} {
				if resp, body := s.call(t, "GET", "/api/v1/nodes", tok, ""); resp.StatusCode != http.StatusOK {
					t.Fatalf("request %d: %d %s", i+1, resp.StatusCode, body)
				}
			}
			resp, body := s.call(t, "GET", "/api/v1/nodes", alice2, "")
			checkTooMany(t, resp, body, 100)
			if !strings.Contains(string(body), "user alice") {
				t.Errorf("problem does not name the user: %s", body)
			}
			resp, body = s.call(t, "GET", "/api/v1/nodes", alice1, "")
			checkTooMany(t, resp, body, 100)
			// Authenticated users are not limited by their address.
			for range 3 {
				if resp, body := s.call(t, "GET", "/api/v1/nodes", bob, ""); resp.StatusCode != http.StatusOK {
					t.Fatalf("bob: %d %s", resp.StatusCode, body)
				}
			}
			got := deniedEntries(t, s.svc, http.StatusTooManyRequests)
			if len(got) != 1 {
				t.Fatalf("audit entries of 429: %+v, want one (the first refusal; the second is counted for the next)", got)
			}
			e := got[0]
			if e.Actor != "alice" || e.Route != "/api/v1/nodes" || e.Method != "GET" || e.SourceIP != "127.0.0.1" ||
				!strings.HasPrefix(e.AuthMethod, unet.AuthMethodToken+":") || !strings.Contains(e.Detail, "rate limit of user alice") {
				t.Errorf("audit entry %+v", e)
			}
		})
	}
}

// TestRateLimitPerIPAnonymous: requests without a valid identity share the
// bucket of their address, whether they carry no credential or a wrong one;
// the health probes are exempt; a valid token from the same address is
// still served.
func TestRateLimitPerIPAnonymous(t *testing.T) {
	s := startLimitedServer(t, sqlstore.SQLite, httpapi.RateLimits{Identity: slow(10), IP: slow(2)})
	tok := s.userToken(t, "vic", []string{unet.RoleViewer}, unet.TokenRequest{}).Token
	if resp, body := s.call(t, "GET", "/api/v1/nodes", "", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if resp, body := s.call(t, "GET", "/api/v1/nodes", "unet_0123456789abcdef_wrong", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	resp, body := s.call(t, "GET", "/api/v1/nodes", "", "")
	checkTooMany(t, resp, body, 100)
	if !strings.Contains(string(body), "address 127.0.0.1") {
		t.Errorf("problem does not name the address: %s", body)
	}
	resp, body = s.call(t, "GET", "/api/v1/openapi.json", "", "")
	checkTooMany(t, resp, body, 100)
	for range 5 {
		if resp, body := s.call(t, "GET", "/healthz", "", ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %d %s", resp.StatusCode, body)
		}
	}
	if resp, body := s.call(t, "GET", "/api/v1/nodes", tok, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("valid token: %d %s", resp.StatusCode, body)
	}
	got := deniedEntries(t, s.svc, http.StatusTooManyRequests)
	if len(got) != 1 || got[0].Actor != httpapi.AnonymousActor || got[0].SourceIP != "127.0.0.1" {
		t.Errorf("audit entries of 429: %+v", got)
	}
	if n := len(deniedEntries(t, s.svc, http.StatusUnauthorized)); n != 2 {
		t.Errorf("%d audit entries of 401, want 2", n)
	}
}

// TestRateLimitForwardedFor: behind a trusted proxy each client address of
// X-Forwarded-For has its own bucket; from a peer that is not a trusted
// proxy the header is ignored, so a client cannot get fresh buckets by
// writing addresses into it.
func TestRateLimitForwardedFor(t *testing.T) {
	t.Run("trusted proxy", func(t *testing.T) {
		s := startLimitedServer(t, sqlstore.SQLite, httpapi.RateLimits{IP: slow(1)}, "127.0.0.1")
		if resp, _ := s.call(t, "GET", "/api/v1/nodes", "", "", "X-Forwarded-For", "198.51.100.1"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("first: %d", resp.StatusCode)
		}
		resp, body := s.call(t, "GET", "/api/v1/nodes", "", "", "X-Forwarded-For", "198.51.100.1")
		checkTooMany(t, resp, body, 100)
		if resp, body := s.call(t, "GET", "/api/v1/nodes", "", "", "X-Forwarded-For", "198.51.100.2"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("other client: %d %s", resp.StatusCode, body)
		}
		got := deniedEntries(t, s.svc, http.StatusTooManyRequests)
		if len(got) != 1 || got[0].SourceIP != "198.51.100.1" {
			t.Errorf("audit entries of 429: %+v", got)
		}
	})
	t.Run("untrusted peer", func(t *testing.T) {
		s := startLimitedServer(t, sqlstore.SQLite, httpapi.RateLimits{IP: slow(1)})
		if resp, _ := s.call(t, "GET", "/api/v1/nodes", "", "", "X-Forwarded-For", "198.51.100.1"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("first: %d", resp.StatusCode)
		}
		resp, body := s.call(t, "GET", "/api/v1/nodes", "", "", "X-Forwarded-For", "198.51.100.2")
		checkTooMany(t, resp, body, 100)
		if !strings.Contains(string(body), "address 127.0.0.1") {
			t.Errorf("bucket is not the peer's: %s", body)
		}
	})
}

// TestGlobalAllowList: a client outside --allow-ip gets 403 before
// authentication (audited), also on paths that are no route; the health
// probes answer; behind a trusted proxy the client address decides.
func TestGlobalAllowList(t *testing.T) {
	allow := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	s := startLimitedServer(t, sqlstore.SQLite, httpapi.RateLimits{AllowIPs: allow}, "127.0.0.1")
	tok := s.userToken(t, "vic", []string{unet.RoleViewer}, unet.TokenRequest{}).Token
	resp, body := s.call(t, "GET", "/api/v1/nodes", tok, "")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "allow-list") ||
		resp.Header.Get("Content-Type") != httpapi.ProblemContentType {
		t.Fatalf("outside the allow-list: %d %s", resp.StatusCode, body)
	}
	if resp, body := s.call(t, "GET", "/api/v1/no-such-route", "", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("no route, outside the allow-list: %d %s", resp.StatusCode, body)
	}
	if resp, body := s.call(t, "GET", "/readyz", "", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("readyz: %d %s", resp.StatusCode, body)
	}
	if resp, body := s.call(t, "GET", "/api/v1/nodes", tok, "", "X-Forwarded-For", "192.0.2.9"); resp.StatusCode != http.StatusOK {
		t.Errorf("inside the allow-list: %d %s", resp.StatusCode, body)
	}
	if resp, _ := s.call(t, "GET", "/api/v1/nodes", "", "", "X-Forwarded-For", "192.0.2.9"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("inside the allow-list without a token: %d, want 401", resp.StatusCode)
	}
	got := deniedEntries(t, s.svc, http.StatusForbidden)
	if len(got) != 1 || got[0].SourceIP != "127.0.0.1" || got[0].Actor != httpapi.AnonymousActor || !strings.Contains(got[0].Detail, "allow-list") {
		t.Errorf("audit entries of 403: %+v", got)
	}
}

// TestTokenAllowListBehindProxy: a token's own allow-list is checked
// against the client address, X-Forwarded-For included only from a trusted
// proxy.
func TestTokenAllowListBehindProxy(t *testing.T) {
	for _, c := range []struct {
		name, xff string
		trusted   []string
		want      int
	}{
		{"trusted proxy, client in the list", "203.0.113.7", []string{"127.0.0.1"}, http.StatusOK},
		{"trusted proxy, client outside", "198.51.100.1", []string{"127.0.0.1"}, http.StatusUnauthorized},
		{"trusted proxy, no header: the proxy is the client", "", []string{"127.0.0.1"}, http.StatusUnauthorized},
		{"untrusted peer writes the address", "203.0.113.7", nil, http.StatusUnauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := startLimitedServer(t, sqlstore.SQLite, httpapi.RateLimits{}, c.trusted...)
			tok := s.userToken(t, "ci", []string{unet.RoleViewer}, unet.TokenRequest{AllowIPs: []string{"203.0.113.0/28"}}).Token
			var hdr []string
			if c.xff != "" {
				hdr = []string{"X-Forwarded-For", c.xff}
			}
			if resp, body := s.call(t, "GET", "/api/v1/nodes", tok, "", hdr...); resp.StatusCode != c.want {
				t.Errorf("%d, want %d: %s", resp.StatusCode, c.want, body)
			}
		})
	}
}

// TestTokenCacheInvalidation: verified tokens are cached, yet every
// identity change made through the server's service takes effect on the
// very next request: disabling the user, revoking the token, taking a role
// away, removing the user. Both engines.
func TestTokenCacheInvalidation(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			s := startLimitedServer(t, engine, httpapi.RateLimits{})
			ctx := unet.WithActor(context.Background(), "admin")
			tok := s.userToken(t, "erin", []string{unet.RoleViewer}, unet.TokenRequest{})
			other := s.userToken(t, "erin", nil, unet.TokenRequest{})
			expect := func(step, token string, want int) {
				t.Helper()
				if resp, body := s.call(t, "GET", "/api/v1/nodes", token, ""); resp.StatusCode != want {
					t.Fatalf("%s: %d, want %d: %s", step, resp.StatusCode, want, body)
				}
			}
			expect("valid", tok.Token, http.StatusOK)
			expect("valid, cached", tok.Token, http.StatusOK)
			expect("wrong secret of a cached token", wrongSecret(tok.Token), http.StatusUnauthorized)
			if _, err := s.svc.SetUserDisabled(ctx, "erin", true); err != nil {
				t.Fatal(err)
			}
			expect("user disabled", tok.Token, http.StatusUnauthorized)
			if _, err := s.svc.SetUserDisabled(ctx, "erin", false); err != nil {
				t.Fatal(err)
			}
			expect("user enabled again", tok.Token, http.StatusOK)
			if _, err := s.svc.RevokeRole(ctx, "erin", unet.RoleViewer); err != nil {
				t.Fatal(err)
			}
			expect("role revoked", tok.Token, http.StatusForbidden)
			if _, err := s.svc.GrantRole(ctx, "erin", unet.Grant{Role: unet.RoleViewer}); err != nil {
				t.Fatal(err)
			}
			expect("role granted again", tok.Token, http.StatusOK)
			if err := s.svc.RevokeToken(ctx, tok.ID); err != nil {
				t.Fatal(err)
			}
			expect("token revoked", tok.Token, http.StatusUnauthorized)
			expect("the user's other token", other.Token, http.StatusOK)
			if err := s.svc.RemoveUser(ctx, "erin"); err != nil {
				t.Fatal(err)
			}
			expect("user removed", other.Token, http.StatusUnauthorized)
		})
	}
}

// TestTokenCacheThroughTheAPI: an admin disabling a user through the API
// stops the user's token on the next request.
func TestTokenCacheThroughTheAPI(t *testing.T) {
	s := startLimitedServer(t, sqlstore.SQLite, httpapi.RateLimits{})
	admin := s.userToken(t, "ada", []string{unet.RoleAdmin}, unet.TokenRequest{}).Token
	vic := s.userToken(t, "vic", []string{unet.RoleViewer}, unet.TokenRequest{}).Token
	if resp, body := s.call(t, "GET", "/api/v1/nodes", vic, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if resp, body := s.call(t, "POST", "/api/v1/users/vic/disable", admin, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("disable: %d %s", resp.StatusCode, body)
	}
	if resp, body := s.call(t, "GET", "/api/v1/nodes", vic, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after disable: %d %s", resp.StatusCode, body)
	}
}

// TestParseRateLimit reads the --rate-limit forms.
func TestParseRateLimit(t *testing.T) {
	for in, want := range map[string]httpapi.RateLimit{
		"50/100": {Rate: 50, Burst: 100}, "20": {Rate: 20, Burst: 20}, "0.5": {Rate: 0.5, Burst: 1},
		"0": {}, " 5 / 7 ": {Rate: 5, Burst: 7},
	} {
		got, err := httpapi.ParseRateLimit(in)
		if err != nil || got != want {
			t.Errorf("ParseRateLimit(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-1", "5/0", "5/x", "NaN", "+Inf", "5/1.5"} {
		if _, err := httpapi.ParseRateLimit(in); unet.ErrorCode(err) != unet.EINVALID {
			t.Errorf("ParseRateLimit(%q): %v, want invalid", in, err)
		}
	}
	if s := httpapi.DefaultIdentityRateLimit.String(); s != "50/100" {
		t.Errorf("String() = %q", s)
	}
}

// wrongSecret changes one character in the middle of a token's secret.
func wrongSecret(tok string) string {
	i := len(tok) - 10
	c := byte('a')
	if tok[i] == c {
		c = 'b'
	}
	return tok[:i] + string(c) + tok[i+1:]
}
