package webui_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/webui"
)

// TestSignInSession: a page needs a session (a GET without one goes to the
// sign-in page with the page as next); a wrong password is one generic
// error with 401 and no session; the right one sets HttpOnly,
// SameSite=Strict cookies on /ui/ (not Secure over plain HTTP) and goes on
// to next, whose page shows the user and the sign-out form; both outcomes
// are in the audit log. On both engines.
func TestSignInSession(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			s := startAuthServer(t, authOptions{engine: engine})
			s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
			b := s.formClient(t)

			first := b.get("/ui/?x=1")
			if first.status != http.StatusSeeOther || first.header.Get("Location") != "/ui/login?next="+url.QueryEscape("/ui/?x=1") {
				t.Fatalf("GET /ui/ without a session = %d Location %q", first.status, first.header.Get("Location"))
			}
			form := b.get(first.header.Get("Location"))
			if form.status != http.StatusOK || !strings.Contains(form.body, `name="next" value="/ui/?x=1"`) ||
				!strings.Contains(form.body, `<label for="login-password">`) {
				t.Fatalf("sign-in page = %d:\n%s", form.status, form.body)
			}
			csrf := b.csrf()

			bad := b.post("/ui/login", url.Values{"username": {"alice"}, "password": {"wrong"}, "next": {"/ui/?x=1"}, "csrf_token": {csrf}})
			if bad.status != http.StatusUnauthorized || !strings.Contains(bad.body, "user name or password is wrong") {
				t.Fatalf("wrong password = %d:\n%s", bad.status, bad.body)
			}
			if _, ok := setCookies(bad)["unet_session"]; ok || b.cookie("unet_session") != "" {
				t.Fatal("a failed sign-in set a session cookie")
			}
			unknown := b.post("/ui/login", url.Values{"username": {"nobody"}, "password": {"wrong"}, "csrf_token": {b.csrf()}})
			if unknown.status != http.StatusUnauthorized || !strings.Contains(unknown.body, "user name or password is wrong") {
				t.Fatalf("unknown user = %d:\n%s", unknown.status, unknown.body)
			}

			ok := b.post("/ui/login", url.Values{"username": {"alice"}, "password": {"alice-password-1"}, "next": {"/ui/?x=1"}, "csrf_token": {b.csrf()}})
			if ok.status != http.StatusSeeOther || ok.header.Get("Location") != "/ui/?x=1" {
				t.Fatalf("sign-in = %d Location %q:\n%s", ok.status, ok.header.Get("Location"), ok.body)
			}
			cookies := setCookies(ok)
			for _, name := range []string{"unet_session", "unet_refresh", "unet_csrf"} {
				c := cookies[name]
				if c == nil || c.Value == "" {
					t.Fatalf("sign-in did not set cookie %s: %v", name, ok.header["Set-Cookie"])
				}
				if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/ui/" || c.Secure {
					t.Errorf("cookie %s: HttpOnly %v SameSite %v Path %q Secure %v", name, c.HttpOnly, c.SameSite, c.Path, c.Secure)
				}
			}
			if a, r := cookies["unet_session"].MaxAge, cookies["unet_refresh"].MaxAge; a != r || a != int(service.DefaultRefreshTTL/time.Second) {
				t.Errorf("access cookie Max-Age %d, refresh cookie Max-Age %d: want both the refresh token's lifetime", a, r)
			}
			if csrf == cookies["unet_csrf"].Value {
				t.Error("the CSRF value was not renewed at sign-in")
			}

			home := b.get("/ui/?x=1")
			if home.status != http.StatusOK || !strings.Contains(home.body, "Signed in as <strong>alice</strong>") ||
				!strings.Contains(home.body, `action="/ui/logout"`) || !strings.Contains(home.body, ">Sign out</button>") {
				t.Fatalf("page after sign-in = %d:\n%s", home.status, home.body)
			}
			if b.csrf() == csrf {
				t.Error("the page's CSRF token is the one from before the sign-in")
			}

			entries := s.auditOf(t, "alice")
			var okSeen, deniedSeen bool
			for _, e := range entries {
				if e.Route != "/ui/login" || e.Method != http.MethodPost || e.AuthMethod != unet.AuthMethodPassword {
					continue
				}
				okSeen = okSeen || (e.Outcome == unet.OutcomeOK && e.Status == http.StatusSeeOther)
				deniedSeen = deniedSeen || (e.Outcome == unet.OutcomeDenied && e.Status == http.StatusUnauthorized)
			}
			if !okSeen || !deniedSeen {
				t.Errorf("audit entries of alice's sign-ins (ok %v, denied %v): %+v", okSeen, deniedSeen, entries)
			}
		})
	}
}

// TestSignInSecureCookiesUnderTLS: over TLS the session cookies are
// Secure.
func TestSignInSecureCookiesUnderTLS(t *testing.T) {
	s := startAuthServer(t, authOptions{tls: true})
	s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
	b := s.formClient(t)
	ok := b.signIn("alice", "alice-password-1")
	if ok.status != http.StatusSeeOther {
		t.Fatalf("sign-in = %d:\n%s", ok.status, ok.body)
	}
	for name, c := range setCookies(ok) {
		if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
			t.Errorf("cookie %s under TLS: Secure %v HttpOnly %v SameSite %v", name, c.Secure, c.HttpOnly, c.SameSite)
		}
	}
	if home := b.get("/ui/"); home.status != http.StatusOK {
		t.Fatalf("page over TLS = %d:\n%s", home.status, home.body)
	}
}

// TestSignInSecureCookiesBehindTLSProxy: behind a trusted proxy that
// terminates TLS (X-Forwarded-Proto: https) the cookies are Secure; the
// same header from a peer that is not a trusted proxy is ignored.
func TestSignInSecureCookiesBehindTLSProxy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		secure  bool
	}{
		{"trusted proxy", []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}, true},
		{"untrusted peer", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startAuthServer(t, authOptions{trustedProxies: tc.trusted})
			s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
			b := s.formClient(t)
			if p := b.get("/ui/login"); p.status != http.StatusOK {
				t.Fatalf("GET /ui/login = %d", p.status)
			}
			ok := b.post("/ui/login", url.Values{"username": {"alice"}, "password": {"alice-password-1"}, "csrf_token": {b.csrf()}},
				"X-Forwarded-Proto", "https")
			if ok.status != http.StatusSeeOther {
				t.Fatalf("sign-in = %d:\n%s", ok.status, ok.body)
			}
			cookies := setCookies(ok)
			if len(cookies) == 0 {
				t.Fatal("no cookie set at sign-in")
			}
			for name, c := range cookies {
				if c.Secure != tc.secure {
					t.Errorf("cookie %s: Secure %v, want %v", name, c.Secure, tc.secure)
				}
			}
		})
	}
}

// TestSessionRefresh: once the access token has expired, the next page
// refreshes it with the refresh token (both cookies replaced) and is
// served; the replaced refresh token is spent.
func TestSessionRefresh(t *testing.T) {
	s := startAuthServer(t, authOptions{session: service.SessionConfig{AccessTTL: 2 * time.Second, RefreshTTL: time.Hour}})
	s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
	b := s.formClient(t)
	if ok := b.signIn("alice", "alice-password-1"); ok.status != http.StatusSeeOther {
		t.Fatalf("sign-in = %d:\n%s", ok.status, ok.body)
	}
	access, refresh := b.cookie("unet_session"), b.cookie("unet_refresh")
	if p := b.get("/ui/"); p.status != http.StatusOK || len(setCookies(p)) != 0 {
		t.Fatalf("page with a fresh token = %d, cookies %v", p.status, p.header["Set-Cookie"])
	}
	// The access token expires two seconds after it was issued (JWT times
	// are whole seconds).
	time.Sleep(3100 * time.Millisecond)
	if _, err := s.svc.AuthenticateJWT(context.Background(), access); unet.ErrorCode(err) != unet.EUNAUTHORIZED {
		t.Fatalf("the old access token still verifies: %v", err)
	}
	p := b.get("/ui/")
	if p.status != http.StatusOK || !strings.Contains(p.body, "Signed in as <strong>alice</strong>") {
		t.Fatalf("page after the access token expired = %d:\n%s", p.status, p.body)
	}
	set := setCookies(p)
	if set["unet_session"] == nil || set["unet_refresh"] == nil || b.cookie("unet_session") == access || b.cookie("unet_refresh") == refresh {
		t.Fatalf("the expired session was not refreshed: %v", p.header["Set-Cookie"])
	}
	if set["unet_session"].MaxAge != 3600 || !set["unet_session"].HttpOnly {
		t.Errorf("refreshed access cookie: %+v", set["unet_session"])
	}
	if p := b.get("/ui/"); p.status != http.StatusOK || len(setCookies(p)) != 0 {
		t.Fatalf("page after the refresh = %d, cookies %v", p.status, p.header["Set-Cookie"])
	}
	// A second browser presenting the spent refresh token (a copy) gets
	// no page: it is sent to the sign-in page, and the reuse revokes the
	// session.
	thief := s.formClient(t)
	thief.setCookie("unet_refresh", refresh)
	thief.setCookie("unet_session", access)
	if p := thief.get("/ui/"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/ui/login") {
		t.Fatalf("page with a spent refresh token = %d Location %q", p.status, p.header.Get("Location"))
	}
	_, err := s.svc.Refresh(context.Background(), unet.RefreshRequest{RefreshToken: b.cookie("unet_refresh")})
	if unet.ErrorCode(err) != unet.EUNAUTHORIZED {
		t.Fatalf("the session after its spent refresh token was reused: %v", err)
	}
}

// TestSignOutRevokes: sign-out (a CSRF-checked post) revokes the session:
// the cookies are cleared and the old refresh token no longer buys a
// session, through the interface or the service.
func TestSignOutRevokes(t *testing.T) {
	s := startAuthServer(t, authOptions{})
	s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
	b := s.formClient(t)
	if ok := b.signIn("alice", "alice-password-1"); ok.status != http.StatusSeeOther {
		t.Fatalf("sign-in = %d:\n%s", ok.status, ok.body)
	}
	b.get("/ui/")
	refresh := b.cookie("unet_refresh")
	out := b.post("/ui/logout", url.Values{"csrf_token": {b.csrf()}})
	if out.status != http.StatusSeeOther || out.header.Get("Location") != "/ui/login" {
		t.Fatalf("sign-out = %d Location %q:\n%s", out.status, out.header.Get("Location"), out.body)
	}
	for _, name := range []string{"unet_session", "unet_refresh", "unet_csrf"} {
		if c := setCookies(out)[name]; c == nil || c.MaxAge >= 0 {
			t.Errorf("sign-out did not clear cookie %s: %v", name, out.header["Set-Cookie"])
		}
	}
	if p := b.get("/ui/"); p.status != http.StatusSeeOther {
		t.Fatalf("page after sign-out = %d", p.status)
	}
	_, err := s.svc.Refresh(context.Background(), unet.RefreshRequest{RefreshToken: refresh})
	if unet.ErrorCode(err) != unet.EUNAUTHORIZED || !strings.Contains(err.Error(), "session ended") {
		t.Fatalf("refresh with the signed-out refresh token: %v", err)
	}
	old := s.formClient(t)
	old.setCookie("unet_refresh", refresh)
	if p := old.get("/ui/"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/ui/login") {
		t.Fatalf("page with the signed-out refresh cookie = %d Location %q", p.status, p.header.Get("Location"))
	}
	var seen bool
	for _, e := range s.auditOf(t, "alice") {
		seen = seen || (e.Route == "/ui/logout" && e.Outcome == unet.OutcomeOK)
	}
	if !seen {
		t.Error("no audit entry of alice's sign-out")
	}
}

// TestCSRF: a post without the CSRF token, with a wrong one or with the
// token of another session is refused 403 with the form-expired page, and
// changes nothing (the session stays); the sign-in form needs the token
// too.
func TestCSRF(t *testing.T) {
	s := startAuthServer(t, authOptions{})
	s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
	s.addUser(t, "bob", "bob-password-1", unet.RoleViewer)
	alice, bob, alice2 := s.formClient(t), s.formClient(t), s.formClient(t)
	for _, c := range []struct {
		b    *formClient
		user string
	}{{alice, "alice"}, {bob, "bob"}, {alice2, "alice"}} {
		if ok := c.b.signIn(c.user, c.user+"-password-1"); ok.status != http.StatusSeeOther {
			t.Fatalf("sign-in of %s = %d:\n%s", c.user, ok.status, ok.body)
		}
		c.b.get("/ui/")
	}
	bobToken, alice2Token := bob.csrf(), alice2.csrf()
	for name, form := range map[string]url.Values{
		"missing":           {},
		"empty":             {"csrf_token": {""}},
		"wrong":             {"csrf_token": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
		"another user's":    {"csrf_token": {bobToken}},
		"another session's": {"csrf_token": {alice2Token}},
		"garbage":           {"csrf_token": {"x"}},
	} {
		p := alice.post("/ui/logout", form)
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "the form has expired or was not sent by this site; reload the page") {
			t.Errorf("sign-out with a %s CSRF token = %d:\n%s", name, p.status, p.body)
		}
		if len(setCookies(p)) != 0 {
			t.Errorf("a refused sign-out (%s token) set cookies: %v", name, p.header["Set-Cookie"])
		}
	}
	if p := alice.get("/ui/"); p.status != http.StatusOK {
		t.Fatalf("alice's session after the refused posts = %d", p.status)
	}
	if _, err := s.svc.Refresh(context.Background(), unet.RefreshRequest{RefreshToken: alice.cookie("unet_refresh")}); err != nil {
		t.Fatalf("alice's session was ended by a refused post: %v", err)
	}
	// The token as a header (a script's post) is accepted.
	alice.get("/ui/")
	if p := alice.post("/ui/logout", url.Values{}, "X-CSRF-Token", alice.csrf()); p.status != http.StatusSeeOther {
		t.Fatalf("sign-out with the token in X-CSRF-Token = %d:\n%s", p.status, p.body)
	}

	fresh := s.formClient(t)
	fresh.get("/ui/login")
	if p := fresh.post("/ui/login", url.Values{"username": {"bob"}, "password": {"bob-password-1"}}); p.status != http.StatusForbidden ||
		len(setCookies(p)) != 0 {
		t.Fatalf("sign-in without a CSRF token = %d, cookies %v", p.status, p.header["Set-Cookie"])
	}
	var denied int
	for _, e := range s.auditOf(t, "alice") {
		if e.Route == "/ui/logout" && e.Status == http.StatusForbidden && e.Outcome == unet.OutcomeDenied {
			denied++
		}
	}
	if denied != 6 {
		t.Errorf("audit entries of the refused sign-outs = %d, want 6", denied)
	}
}

// TestPermissionsThroughServe: serve checks a page's permission with the
// API's Authorizer: a user without the permission gets the 403 page (and
// an audit entry), a post by a user without the permission is refused 403
// before its handler runs even with a valid CSRF token, one with it runs,
// and an unauthenticated post is a 401 page. (The change-set approve form
// is built by its own section; its browser test posts it as a viewer.)
func TestPermissionsThroughServe(t *testing.T) {
	s := startAuthServer(t, authOptions{})
	var ran int
	s.ui.HandleForTest("POST /ui/test/approve", unet.PermChangesApprove, func(w http.ResponseWriter, r *http.Request) error {
		ran++
		http.Redirect(w, r, "/ui/", http.StatusSeeOther)
		return nil
	})
	s.addUser(t, "norole", "norole-password-1")
	s.addUser(t, "viewer", "viewer-password-1", unet.RoleViewer)
	s.addUser(t, "approver", "approver-password-1", unet.RoleApprover)

	nr := s.formClient(t)
	if ok := nr.signIn("norole", "norole-password-1"); ok.status != http.StatusSeeOther {
		t.Fatalf("sign-in = %d", ok.status)
	}
	p := nr.get("/ui/")
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "permission nodes:read denied") ||
		!strings.Contains(p.body, ">Sign out</button>") {
		t.Fatalf("page without its permission = %d:\n%s", p.status, p.body)
	}
	var denied bool
	for _, e := range s.auditOf(t, "norole") {
		denied = denied || (e.Route == "/ui/{$}" && e.Method == http.MethodGet && e.Outcome == unet.OutcomeDenied && e.Permission == unet.PermNodesRead)
	}
	if !denied {
		t.Errorf("no audit entry of the refused page: %+v", s.auditOf(t, "norole"))
	}

	v := s.formClient(t)
	v.signIn("viewer", "viewer-password-1")
	v.get("/ui/")
	if p := v.post("/ui/test/approve", url.Values{"csrf_token": {v.csrf()}}); p.status != http.StatusForbidden ||
		!strings.Contains(p.body, "permission changes:approve denied") || ran != 0 {
		t.Fatalf("viewer's approve post = %d (handler ran %d times):\n%s", p.status, ran, p.body)
	}
	var viewerDenied bool
	for _, e := range s.auditOf(t, "viewer") {
		viewerDenied = viewerDenied || (e.Route == "/ui/test/approve" && e.Status == http.StatusForbidden && e.AuthMethod == unet.AuthMethodJWT)
	}
	if !viewerDenied {
		t.Errorf("no audit entry of the viewer's refused post: %+v", s.auditOf(t, "viewer"))
	}

	a := s.formClient(t)
	a.signIn("approver", "approver-password-1")
	a.get("/ui/")
	if p := a.post("/ui/test/approve", url.Values{}); p.status != http.StatusForbidden || ran != 0 {
		t.Fatalf("approver's post without a CSRF token = %d (handler ran %d times)", p.status, ran)
	}
	if p := a.post("/ui/test/approve", url.Values{"csrf_token": {a.csrf()}}); p.status != http.StatusSeeOther || ran != 1 {
		t.Fatalf("approver's post = %d (handler ran %d times):\n%s", p.status, ran, p.body)
	}
	var okSeen bool
	for _, e := range s.auditOf(t, "approver") {
		okSeen = okSeen || (e.Route == "/ui/test/approve" && e.Outcome == unet.OutcomeOK && e.Permission == unet.PermChangesApprove)
	}
	if !okSeen {
		t.Errorf("no audit entry of the approver's post: %+v", s.auditOf(t, "approver"))
	}

	anon := s.formClient(t)
	anon.get("/ui/login")
	if p := anon.post("/ui/test/approve", url.Values{"csrf_token": {anon.csrf()}}); p.status != http.StatusUnauthorized || ran != 1 {
		t.Fatalf("unauthenticated post = %d (handler ran %d times):\n%s", p.status, ran, p.body)
	}
}

// TestCrossSitePostRefused: the API's Origin and Sec-Fetch-Site checks
// cover the interface's forms: a post from another site is refused 403
// even with a valid CSRF token, while the same post from the site itself
// is accepted.
func TestCrossSitePostRefused(t *testing.T) {
	s := startAuthServer(t, authOptions{})
	s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
	b := s.formClient(t)
	b.get("/ui/login")
	form := url.Values{"username": {"alice"}, "password": {"alice-password-1"}, "csrf_token": {b.csrf()}}
	if p := b.post("/ui/login", form, "Origin", "https://evil.example"); p.status != http.StatusForbidden || len(setCookies(p)) != 0 {
		t.Fatalf("sign-in posted from another origin = %d:\n%s", p.status, p.body)
	}
	if p := b.post("/ui/login", form, "Sec-Fetch-Site", "cross-site"); p.status != http.StatusForbidden || len(setCookies(p)) != 0 {
		t.Fatalf("sign-in posted cross-site = %d:\n%s", p.status, p.body)
	}
	if p := b.post("/ui/login", form, "Origin", s.URL, "Sec-Fetch-Site", "same-origin"); p.status != http.StatusSeeOther {
		t.Fatalf("sign-in posted from the site = %d:\n%s", p.status, p.body)
	}
	b.get("/ui/")
	if p := b.post("/ui/logout", url.Values{"csrf_token": {b.csrf()}}, "Origin", "http://evil.example"); p.status != http.StatusForbidden {
		t.Fatalf("sign-out posted from another origin = %d", p.status)
	}
	if p := b.get("/ui/"); p.status != http.StatusOK {
		t.Fatalf("the session after the refused cross-site sign-out = %d", p.status)
	}
}

// TestSignInNext: only local paths under /ui/ are kept as next.
func TestSignInNext(t *testing.T) {
	s := startAuthServer(t, authOptions{})
	s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
	for next, want := range map[string]string{
		"/ui/nodes?q=a%20b":        "/ui/nodes?q=a%20b",
		"https://evil.example/ui/": "/ui/",
		"//evil.example/ui/":       "/ui/",
		"/ui/../api/v1/nodes":      "/ui/",
		"/api/v1/nodes":            "/ui/",
		"/ui\\@evil.example":       "/ui/",
		"":                         "/ui/",
	} {
		b := s.formClient(t)
		b.get("/ui/login?next=" + url.QueryEscape(next))
		p := b.post("/ui/login", url.Values{"username": {"alice"}, "password": {"alice-password-1"}, "next": {next}, "csrf_token": {b.csrf()}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != want {
			t.Errorf("next %q: %d Location %q, want %q", next, p.status, p.header.Get("Location"), want)
		}
	}
}

// TestSignInThrottled: failed sign-ins are throttled with the API's login
// throttle, which both count against.
func TestSignInThrottled(t *testing.T) {
	s := startAuthServer(t, authOptions{})
	s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
	b := s.formClient(t)
	b.get("/ui/login")
	var last page
	for range httpapi.DefaultLoginThrottle.Free + 2 {
		last = b.post("/ui/login", url.Values{"username": {"alice"}, "password": {"wrong"}, "csrf_token": {b.csrf()}})
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" || !strings.Contains(last.body, "too many failed sign-ins") {
		t.Fatalf("sign-in after repeated failures = %d Retry-After %q:\n%s", last.status, last.header.Get("Retry-After"), last.body)
	}
	if p := b.post("/ui/login", url.Values{"username": {"alice"}, "password": {"alice-password-1"}, "csrf_token": {b.csrf()}}); p.status != http.StatusTooManyRequests {
		t.Fatalf("right password while throttled = %d", p.status)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+"/api/v1/auth/login", strings.NewReader(`{"username":"alice","password":"alice-password-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("API login after the interface's failures = %d, want 429 (one throttle)", resp.StatusCode)
	}
}

// TestSignInAuthModeNone: without authentication the sign-in page says
// there is none and goes on to the dashboard; pages show no sign-out.
func TestSignInAuthModeNone(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	p := s.get(t, "/ui/login")
	if p.status != http.StatusOK || !strings.Contains(p.body, "no sign-in") || p.header.Get("Refresh") != "3; url=/ui/" {
		t.Fatalf("sign-in page in auth mode none = %d Refresh %q:\n%s", p.status, p.header.Get("Refresh"), p.body)
	}
	home := s.get(t, "/ui/")
	if home.status != http.StatusOK || strings.Contains(home.body, "Sign out") {
		t.Fatalf("page in auth mode none = %d:\n%s", home.status, home.body)
	}
}

// TestSessionRefreshConcurrent: pages a browser asks for at once with an
// expired access token share one refresh, instead of spending the
// single-use refresh token twice (which would end the session).
func TestSessionRefreshConcurrent(t *testing.T) {
	s := startAuthServer(t, authOptions{session: service.SessionConfig{AccessTTL: 2 * time.Second, RefreshTTL: time.Hour}})
	s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
	b := s.formClient(t)
	if ok := b.signIn("alice", "alice-password-1"); ok.status != http.StatusSeeOther {
		t.Fatalf("sign-in = %d:\n%s", ok.status, ok.body)
	}
	time.Sleep(3100 * time.Millisecond)
	var wg sync.WaitGroup
	statuses := make([]int, 4)
	for i := range statuses {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodGet, s.URL+"/ui/", nil)
			if err != nil {
				t.Error(err)
				return
			}
			resp, err := b.c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusOK {
			t.Errorf("concurrent page %d = %d", i, st)
		}
	}
	if p := b.get("/ui/"); p.status != http.StatusOK {
		t.Fatalf("page after the concurrent refresh = %d", p.status)
	}
	if _, err := s.svc.Refresh(context.Background(), unet.RefreshRequest{RefreshToken: b.cookie("unet_refresh")}); err != nil {
		t.Fatalf("the session after the concurrent refresh: %v", err)
	}
}

// TestFormParsing: a form larger than the bound is refused 400 before its
// handler runs; a multipart form's CSRF field is checked like a plain one.
func TestFormParsing(t *testing.T) {
	s := startAuthServer(t, authOptions{})
	s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
	b := s.formClient(t)
	b.signIn("alice", "alice-password-1")
	b.get("/ui/")
	p := b.post("/ui/logout", url.Values{"csrf_token": {b.csrf()}, "filler": {strings.Repeat("x", 9<<20)}})
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "the form is larger than") {
		t.Fatalf("a 9 MiB form = %d:\n%.2000s", p.status, p.body)
	}
	if p := b.get("/ui/"); p.status != http.StatusOK {
		t.Fatalf("the session after the refused form = %d", p.status)
	}
	// A multipart form (a file upload) carries its token the same way.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("csrf_token", b.csrf()); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("running", "running.cfg")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write([]byte("hostname r1\n")); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+"/ui/logout", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if p := b.do(req); p.status != http.StatusSeeOther {
		t.Fatalf("multipart sign-out = %d:\n%s", p.status, p.body)
	}
}

// TestSessionRefreshAfterRefusedToken: an access token refused before its
// expiry (here: its signature damaged) is replaced once with the refresh
// token, and the page is served.
func TestSessionRefreshAfterRefusedToken(t *testing.T) {
	s := startAuthServer(t, authOptions{})
	s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
	b := s.formClient(t)
	if ok := b.signIn("alice", "alice-password-1"); ok.status != http.StatusSeeOther {
		t.Fatalf("sign-in = %d", ok.status)
	}
	access, refresh := b.cookie("unet_session"), b.cookie("unet_refresh")
	i := strings.LastIndex(access, ".") + 5
	c := "A"
	if access[i] == 'A' {
		c = "B"
	}
	damaged := access[:i] + c + access[i+1:]
	b.setCookie("unet_session", damaged)
	p := b.get("/ui/")
	if p.status != http.StatusOK || b.cookie("unet_refresh") == refresh || b.cookie("unet_session") == damaged {
		t.Fatalf("page with a refused access token = %d, cookies %v", p.status, p.header["Set-Cookie"])
	}
}

// TestSignInUnavailable: a server without a token pepper cannot start
// sessions: the form says sign-in is unavailable (503), not that the
// password is wrong.
func TestSignInUnavailable(t *testing.T) {
	s := startAuthServer(t, authOptions{})
	s.addUser(t, "alice", "alice-password-1", unet.RoleViewer)
	fresh := service.New(s.db)
	ui, err := webui.New(fresh, webui.Options{Authorizer: httpapi.LocalAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(fresh, httpapi.Options{Authorizer: httpapi.LocalAuth{}, UI: ui.Handler()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(hs.Close)
	b := (&authServer{Server: hs, svc: fresh}).formClient(t)
	p := b.signIn("alice", "alice-password-1")
	if p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "signing in is not available on this server") {
		t.Fatalf("sign-in without a token pepper = %d:\n%s", p.status, p.body)
	}
}
