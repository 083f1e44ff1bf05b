package cli

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
)

// TestServeWebSignInOIDC: `unet serve --auth oidc` gives the web interface
// the OpenID Connect sign-in with the configured client, client secret and
// CA: a browser signs in through the provider and sees a page as its user.
func TestServeWebSignInOIDC(t *testing.T) {
	op := testutil.StartOIDCProvider(t)
	op.AddUser(testutil.OIDCUser{Subject: "sub-erin", Username: "erin", Groups: []string{"noc"}})
	op.SignInAs("sub-erin")
	ca := writeProviderCA(t, op)
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	env := map[string]string{"UNET_OIDC_ROLE_MAP": "noc=viewer", "WEB_SECRET": testutil.WebClientSecret}
	base, _, _ := startServe(t, []string{"--db", db, "--auth", "oidc", "--oidc-issuer", op.Issuer(),
		"--oidc-client-id", testutil.WebClientID, "--oidc-client-secret", "env:WEB_SECRET", "--oidc-ca", ca},
		func(k string) string { return env[k] })
	op.AllowRedirect(base + "/ui/login/oidc/callback")

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Transport: op.HTTPClient().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) *http.Response {
		t.Helper()
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := get(base + "/ui/login/oidc?next=" + url.QueryEscape("/ui/"))
	for range 6 {
		loc := resp.Header.Get("Location")
		if loc == "" {
			t.Fatalf("sign-in stopped at %s: %d", resp.Request.URL, resp.StatusCode)
		}
		if strings.HasPrefix(loc, "/") {
			loc = op.Issuer() + loc
		}
		resp = get(loc)
		if strings.HasPrefix(loc, base+"/ui/login/oidc/callback") {
			break
		}
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Refresh") != "0; url=/ui/" {
		t.Fatalf("callback = %d Refresh %q", resp.StatusCode, resp.Header.Get("Refresh"))
	}
	req, err := http.NewRequest(http.MethodGet, base+"/ui/", nil)
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer page.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, page.Body); err != nil {
		t.Fatal(err)
	}
	if page.StatusCode != http.StatusOK || !strings.Contains(b.String(), "Signed in as <strong>erin</strong>") {
		t.Fatalf("page after the sign-in = %d:\n%s", page.StatusCode, b.String())
	}
}
