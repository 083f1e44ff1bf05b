package webui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
)

// TestOIDCSignIn: in auth mode oidc the sign-in page offers the provider;
// the authorization code flow (PKCE, state, nonce) through a real
// provider ends with the ID token as the session's credential, which the
// API's Authorizer accepts with the roles of the user's groups; sign-out
// clears it. A refusal at the provider and a forged state are failures
// without a session.
func TestOIDCSignIn(t *testing.T) {
	op := testutil.StartOIDCProvider(t)
	op.AddUser(testutil.OIDCUser{Subject: "u-carol", Username: "carol", Groups: []string{"noc"}})
	s := startAuthServer(t, authOptions{oidc: op})
	b := s.formClient(t)
	callback := s.URL + "/ui/login/oidc/callback"

	if p := b.get("/ui/"); p.status != http.StatusSeeOther {
		t.Fatalf("page without a session = %d", p.status)
	}
	login := b.get("/ui/login?next=" + url.QueryEscape("/ui/"))
	if login.status != http.StatusOK || !strings.Contains(login.body, "Sign in with "+op.Issuer()) ||
		strings.Contains(login.body, `name="password"`) {
		t.Fatalf("sign-in page in auth mode oidc = %d:\n%s", login.status, login.body)
	}

	start := b.get("/ui/login/oidc?next=" + url.QueryEscape("/ui/"))
	authz, err := url.Parse(start.header.Get("Location"))
	if start.status != http.StatusSeeOther || err != nil || !strings.HasPrefix(authz.String(), op.Issuer()) {
		t.Fatalf("start of the sign-in = %d Location %q", start.status, start.header.Get("Location"))
	}
	q := authz.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" ||
		q.Get("nonce") == "" || q.Get("client_id") != testutil.WebClientID || q.Get("redirect_uri") != callback {
		t.Fatalf("authorization request: %s", authz)
	}
	flow := setCookies(start)["unet_oidc"]
	if flow == nil || !flow.HttpOnly || flow.SameSite != http.SameSiteLaxMode || flow.Path != "/ui/login/oidc/callback" {
		t.Fatalf("flow cookie: %+v", flow)
	}

	op.SignInAs("u-carol")
	back := b.followUntil(callback)
	done := b.getURL(back)
	if done.status != http.StatusOK || done.header.Get("Refresh") != "0; url=/ui/" || !strings.Contains(done.body, `href="/ui/"`) {
		t.Fatalf("callback = %d Refresh %q:\n%s", done.status, done.header.Get("Refresh"), done.body)
	}
	c := setCookies(done)["unet_session"]
	if c == nil || c.Value == "" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/ui/" || c.MaxAge <= 0 {
		t.Fatalf("session cookie after the callback: %+v", c)
	}
	home := b.get("/ui/")
	if home.status != http.StatusOK || !strings.Contains(home.body, "Signed in as <strong>carol</strong>") {
		t.Fatalf("page after the OpenID Connect sign-in = %d:\n%s", home.status, home.body)
	}
	// The callback replayed (its flow cookie spent) is refused and leaves
	// the session alone.
	if p := b.getURL(back); p.status != http.StatusUnauthorized || b.cookie("unet_session") == "" {
		t.Fatalf("callback replayed = %d", p.status)
	}
	if p := b.get("/ui/"); p.status != http.StatusOK {
		t.Fatalf("session after the replayed callback = %d", p.status)
	}
	out := b.post("/ui/logout", url.Values{"csrf_token": {b.csrf()}})
	if out.status != http.StatusSeeOther || b.cookie("unet_session") != "" {
		t.Fatalf("sign-out = %d, session cookie %q", out.status, b.cookie("unet_session"))
	}
	var signedOut bool
	for _, e := range s.auditOf(t, "carol") {
		signedOut = signedOut || (e.Route == "/ui/logout" && e.Outcome == unet.OutcomeOK && e.AuthMethod == unet.AuthMethodOIDC+":u-carol")
	}
	if !signedOut {
		t.Errorf("no audit entry of carol's sign-out: %+v", s.auditOf(t, "carol"))
	}

	// Refused at the provider.
	op.SignInAs("")
	refused := s.formClient(t)
	refused.get("/ui/login/oidc")
	p := refused.getURL(refused.followUntil(callback))
	if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "refused it (access_denied)") || refused.cookie("unet_session") != "" {
		t.Fatalf("callback after a refusal = %d:\n%s", p.status, p.body)
	}

	// A forged state (a callback this browser did not start).
	op.SignInAs("u-carol")
	victim, attacker := s.formClient(t), s.formClient(t)
	victim.get("/ui/login/oidc")
	attacker.get("/ui/login/oidc")
	stolen := attacker.followUntil(callback)
	if p := victim.getURL(stolen); p.status != http.StatusUnauthorized || victim.cookie("unet_session") != "" {
		t.Fatalf("callback with another sign-in's state = %d:\n%s", p.status, p.body)
	}
}
