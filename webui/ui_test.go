package webui_test

import (
	"net/http"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/webui"
)

// TestRootRedirectsAndLayout: the root redirects to /ui/, the first page
// has the layout with its hashed assets, and those assets are served with
// a long cache lifetime, while an unknown page is a 404 page.
func TestRootRedirectsAndLayout(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	root := s.get(t, "/")
	if root.status != http.StatusFound || root.header.Get("Location") != "/ui/" {
		t.Fatalf("GET / = %d Location %q, want 302 to /ui/", root.status, root.header.Get("Location"))
	}
	home := s.get(t, "/ui/")
	if home.status != http.StatusOK || !strings.Contains(home.body, `<html lang="en">`) {
		t.Fatalf("GET /ui/ = %d:\n%s", home.status, home.body)
	}
	if csp := home.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP of a page = %q", csp)
	}
	assets := regexp.MustCompile(`/ui/static/app\.[0-9a-f]{12}\.(css|js)`).FindAllString(home.body, -1)
	if len(assets) != 2 {
		t.Fatalf("hashed assets in the layout = %v", assets)
	}
	for _, a := range assets {
		got := s.get(t, a)
		if got.status != http.StatusOK || !strings.Contains(got.header.Get("Cache-Control"), "immutable") || got.body == "" {
			t.Errorf("GET %s = %d, Cache-Control %q", a, got.status, got.header.Get("Cache-Control"))
		}
	}
	if got := s.get(t, "/ui/static/app.css"); got.status != http.StatusNotFound {
		t.Errorf("an asset by its plain name = %d, want 404", got.status)
	}
	missing := s.get(t, "/ui/no-such-page")
	if missing.status != http.StatusNotFound || !strings.Contains(missing.body, "no such page") {
		t.Errorf("unknown page = %d:\n%s", missing.status, missing.body)
	}
}

// TestPagesBehindAllowList: the server's client allow-list (--allow-ip)
// covers the interface as it covers the API: a client outside it gets 403
// on a page and on the sign-in page, one inside it gets the page.
func TestPagesBehindAllowList(t *testing.T) {
	outside := startUI(t, httpapi.Options{Limits: httpapi.RateLimits{AllowIPs: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}}, webui.Options{})
	for _, p := range []string{"/ui/", "/ui/login", "/ui/nodes"} {
		if got := outside.get(t, p); got.status != http.StatusForbidden || !strings.Contains(got.body, "allow-list") {
			t.Errorf("GET %s from outside the allow-list = %d:\n%s", p, got.status, got.body)
		}
	}
	inside := startUI(t, httpapi.Options{Limits: httpapi.RateLimits{AllowIPs: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}, webui.Options{})
	if got := inside.get(t, "/ui/"); got.status != http.StatusOK {
		t.Errorf("GET /ui/ from inside the allow-list = %d", got.status)
	}
}
