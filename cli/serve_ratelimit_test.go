package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/httpapi"
)

// TestResolveLimits: flags over environment over config file; unset limits
// take the defaults in an authenticating mode and are off in mode none.
func TestResolveLimits(t *testing.T) {
	env := map[string]string{}
	a := &app{env: Env{Getenv: func(k string) string { return env[k] }}}
	cfg := &serveConfig{}
	got, err := a.resolveLimits(abuseFlags{}, cfg, "local")
	if err != nil || got.Identity != httpapi.DefaultIdentityRateLimit || got.IP != httpapi.DefaultIPRateLimit || len(got.AllowIPs) != 0 {
		t.Errorf("local defaults: %+v, %v", got, err)
	}
	got, err = a.resolveLimits(abuseFlags{}, cfg, "none")
	if err != nil || got.Identity.Enabled() || got.IP.Enabled() {
		t.Errorf("mode none: %+v, %v", got, err)
	}
	cfg.Server.RateLimit, cfg.Server.RateLimitIP, cfg.Server.AllowIPs = "1/2", "3/4", []string{"10.0.0.0/8"}
	env["UNET_RATE_LIMIT_IP"], env["UNET_ALLOW_IPS"] = "5/6", "192.0.2.1, 2001:db8::/32"
	got, err = a.resolveLimits(abuseFlags{rateLimit: "0"}, cfg, "none")
	want := httpapi.RateLimits{IP: httpapi.RateLimit{Rate: 5, Burst: 6},
		AllowIPs: []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("2001:db8::/32")}}
	if err != nil || got.Identity != want.Identity || got.IP != want.IP || len(got.AllowIPs) != 2 ||
		got.AllowIPs[0] != want.AllowIPs[0] || got.AllowIPs[1] != want.AllowIPs[1] {
		t.Errorf("precedence: %+v, %v; want %+v", got, err, want)
	}
	for _, f := range []abuseFlags{{rateLimit: "fast"}, {rateLimitIP: "5/0"}, {allowIPs: []string{"10.0.0.0/40"}}} {
		if _, err := a.resolveLimits(f, cfg, "local"); err == nil || exitCode(err, false) != ExitUsage {
			t.Errorf("%+v: %v (exit %d), want a usage error", f, err, exitCode(err, false))
		}
	}
}

// TestServeRateLimitAndAllowIP: unet serve wires the limits and the
// allow-list into the server: a limit set in the config file applies in mode
// none (off by default there), the health probe is exempt, and a client
// outside --allow-ip is refused.
func TestServeRateLimitAndAllowIP(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "unet.toml")
	if err := os.WriteFile(cfg, []byte("[server]\nrate_limit_ip = \"0.01/2\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	get := func(base, path string) *http.Response {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	t.Run("rate limit from the config file", func(t *testing.T) {
		base, logs, stop := startServe(t, []string{"--db", "sqlite://" + filepath.Join(dir, "a.db"), "--config", cfg}, nil)
		for i := range 2 {
			if resp := get(base, "/api/v1/vendors"); resp.StatusCode != http.StatusOK {
				t.Fatalf("request %d: %d", i+1, resp.StatusCode)
			}
		}
		resp := get(base, "/api/v1/vendors")
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Errorf("over the limit: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if resp := get(base, "/healthz"); resp.StatusCode != http.StatusOK {
			t.Errorf("healthz: %d", resp.StatusCode)
		}
		if code := stop(); code != 0 {
			t.Fatalf("serve exited %d: %s", code, logs.String())
		}
	})
	t.Run("mode none without limits", func(t *testing.T) {
		base, _, _ := startServe(t, []string{"--db", "sqlite://" + filepath.Join(dir, "b.db")}, nil)
		for i := range 2 * httpapi.DefaultIPRateLimit.Burst {
			if resp := get(base, "/api/v1/vendors"); resp.StatusCode != http.StatusOK {
				t.Fatalf("request %d: %d", i+1, resp.StatusCode)
			}
		}
	})
	t.Run("allow-list", func(t *testing.T) {
		env := map[string]string{"UNET_ALLOW_IPS": "192.0.2.0/24"}
		base, _, _ := startServe(t, []string{"--db", "sqlite://" + filepath.Join(dir, "c.db")}, func(k string) string { return env[k] })
		if resp := get(base, "/api/v1/vendors"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("outside the allow-list: %d", resp.StatusCode)
		}
		if resp := get(base, "/readyz"); resp.StatusCode != http.StatusOK {
			t.Errorf("readyz: %d", resp.StatusCode)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		for _, args := range [][]string{{"--rate-limit", "lots"}, {"--allow-ip", "not-an-address"}} {
			var errb bytes.Buffer
			code := runServeCLI(context.Background(), append([]string{"--db", "sqlite://" + filepath.Join(dir, "d.db"), "serve", "--listen", "127.0.0.1:0"}, args...),
				Env{Stdout: io.Discard, Stderr: &errb})
			if code != ExitUsage || !strings.Contains(errb.String(), args[0]) && !strings.Contains(errb.String(), "allowed client") {
				t.Errorf("%v: exit %d, %s", args, code, errb.String())
			}
		}
	})
}
