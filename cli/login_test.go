package cli

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const cliSecretsKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// TestLoginLogoutFlow: users created locally log in to a real server with
// unet login; the session is stored per server in the user's config
// directory (directory 0700, file 0600, no password in it) and used by
// later commands without --token, refreshed when the access token expires
// and once after a 401; unet logout revokes it on the server and forgets
// it; unet auth rotate-keys works on the database.
func TestLoginLogoutFlow(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite://" + filepath.Join(dir, "unet.db")
	cfgHome := filepath.Join(dir, "config")
	env := map[string]string{"UNET_ACTOR": "root", "TEST_PEPPER": cliPepper, "TEST_KEY": cliSecretsKey, "XDG_CONFIG_HOME": cfgHome}
	run := func(stdin string, args ...string) (string, string, int) {
		t.Helper()
		return idRun(t, stdin, env, append([]string{"-o", "json"}, args...)...)
	}
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, errs, code := run(stdin, args...)
		if code != 0 {
			t.Fatalf("unet %s: exit %d: %s", strings.Join(args, " "), code, errs)
		}
		return out
	}
	must("", "--db", db, "db", "migrate", "up")
	must("admin-password-1\n", "--db", db, "users", "add", "ada", "--role", "admin", "--password-stdin")
	must("viewer-password-1\n", "--db", db, "users", "add", "vic", "--role", "viewer", "--password-stdin")
	url, _, _ := startServe(t, []string{"--db", db, "--auth", "local", "--token-pepper", "env:TEST_PEPPER", "--secrets-key", "env:TEST_KEY"},
		func(k string) string { return env[k] })

	if _, errs, code := run("wrong\n", "--server", url, "login", "--username", "vic", "--password-stdin"); code != ExitAuth ||
		!strings.Contains(errs, "invalid user name or password") {
		t.Fatalf("wrong password: exit %d: %s", code, errs)
	}
	// Without --password-stdin, a non-terminal stdin gives one line.
	out := must("viewer-password-1\n", "--server", url, "login", "--username", "vic")
	if !strings.Contains(out, `"user": "vic"`) {
		t.Fatalf("login: %s", out)
	}
	path := filepath.Join(cfgHome, "unet", "credentials.json")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file mode %04o", st.Mode().Perm())
	}
	if dst, _ := os.Stat(filepath.Dir(path)); dst.Mode().Perm() != 0o700 {
		t.Fatalf("credentials directory mode %04o", dst.Mode().Perm())
	}
	read := func() credentialFile {
		var cf credentialFile
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "viewer-password-1") {
			t.Fatal("the password is stored")
		}
		if err := json.Unmarshal(b, &cf); err != nil {
			t.Fatal(err)
		}
		return cf
	}
	write := func(cf credentialFile) {
		if err := writeCredentials(path, &cf); err != nil {
			t.Fatal(err)
		}
	}
	first := read().Servers[url]
	if first.User != "vic" || first.AccessToken == "" || !first.ExpiresAt.After(time.Now().Add(14*time.Minute)) {
		t.Fatalf("stored session: %+v", first)
	}
	// Later commands use the session; the viewer's write is refused (69).
	must("", "--server", url, "vendors", "list")
	if _, errs, code := run("", "--server", url, "vendors", "add", "acme"); code != ExitAuth || !strings.Contains(errs, "vendors:write") {
		t.Fatalf("viewer write: exit %d: %s", code, errs)
	}
	// An expired access token is refreshed before the request.
	cf := read()
	c := cf.Servers[url]
	c.ExpiresAt = time.Now().Add(-time.Minute)
	cf.Servers[url] = c
	write(cf)
	must("", "--server", url, "vendors", "list")
	second := read().Servers[url]
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatal("the session was not refreshed")
	}
	// An access token the server refuses (401) is refreshed once.
	cf = read()
	c = cf.Servers[url]
	c.AccessToken = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ1bmV0In0.AAAA"
	cf.Servers[url] = c
	write(cf)
	must("", "--server", url, "vendors", "list")
	third := read().Servers[url]
	if third.RefreshToken == second.RefreshToken {
		t.Fatal("not refreshed after a 401")
	}
	// A readable credentials file is refused.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run("", "--server", url, "vendors", "list"); code == 0 || !strings.Contains(errs, "chmod 600") {
		t.Fatalf("mode 0644: exit %d: %s", code, errs)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	// An admin's session beside it; then rotate the keys remotely and locally.
	must("admin-password-1\n", "--server", url+"/", "login", "--username", "ada", "--password-stdin")
	if got := read().Servers[url].User; got != "ada" {
		t.Fatalf("a second login replaces the session: %s", got)
	}
	must("", "--server", url, "auth", "rotate-keys")
	must("", "--db", db, "--secrets-key", "env:TEST_KEY", "auth", "rotate-keys")
	var keys []map[string]any
	if err := json.Unmarshal([]byte(must("", "--server", url, "auth", "keys")), &keys); err != nil || len(keys) != 3 {
		t.Fatalf("keys: %v %v", keys, err)
	}
	// Logout revokes the session on the server and forgets it here.
	last := read().Servers[url]
	must("", "--server", url, "logout")
	if _, ok := read().Servers[url]; ok {
		t.Fatal("the session is still stored")
	}
	resp, err := http.Post(url+"/api/v1/auth/refresh", "application/json", strings.NewReader(`{"refresh_token":"`+last.RefreshToken+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("refresh after logout: %d", resp.StatusCode)
	}
	if _, errs, code := run("", "--server", url, "vendors", "list"); code != ExitAuth || !strings.Contains(errs, "authentication required") {
		t.Fatalf("after logout: exit %d: %s", code, errs)
	}
	if _, _, code := run("", "logout"); code != ExitFailure {
		t.Fatalf("logout when not logged in: exit %d", code)
	}
}
