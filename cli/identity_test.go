package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const cliPepper = "cli-test-pepper-0123456789abcdefghij"

// idRun runs a command line with an environment map.
func idRun(t *testing.T, stdin string, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }})
	return out.String(), errb.String(), code
}

// TestIdentityQuickStart follows the quick start of docs/security.md: the
// first admin and the users are created locally, tokens are created with
// the pepper, the server runs in auth mode local, a viewer's write is
// refused with exit 69 and shows in the audit log, an engineer's write is in
// the change log under the engineer's name.
func TestIdentityQuickStart(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	env := map[string]string{"UNET_ACTOR": "root", "TEST_PEPPER": cliPepper}
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, errs, code := idRun(t, stdin, env, append([]string{"--db", db, "-o", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("unet %s: exit %d: %s", strings.Join(args, " "), code, errs)
		}
		return out
	}
	must("", "db", "migrate", "up")
	must("correct-horse-battery\n", "users", "add", "ada", "--role", "admin", "--email", "ada@example.net", "--password-stdin")
	must("", "users", "add", "vic", "--role", "viewer")
	must("", "users", "add", "erin")
	must("", "users", "grant", "erin", "engineer")
	show := must("", "users", "show", "ada")
	if !strings.Contains(show, `"has_password": true`) || strings.Contains(show, "argon2") || strings.Contains(show, "correct-horse") {
		t.Fatalf("users show: %s", show)
	}

	// Without a pepper a token cannot be created, and the message says how.
	_, errs, code := idRun(t, "", env, "--db", db, "tokens", "create", "--user", "vic")
	if code != ExitInvalid || !strings.Contains(errs, "--token-pepper") {
		t.Fatalf("tokens create without a pepper: exit %d: %s", code, errs)
	}
	pep := []string{"--token-pepper", "env:TEST_PEPPER"}
	token := func(user string, extra ...string) string {
		var tok struct {
			Token string `json:"token"`
		}
		out := must("", append(append(pep, "tokens", "create", "--user", user, "--expires", "90d"), extra...)...)
		if err := json.Unmarshal([]byte(out), &tok); err != nil || !strings.HasPrefix(tok.Token, "unet_") {
			t.Fatalf("tokens create: %v %s", err, out)
		}
		return tok.Token
	}
	vic, erin, ada := token("vic"), token("erin", "--description", "laptop"), token("ada")
	if list := must("", "tokens", "list", "--user", "erin"); !strings.Contains(list, "laptop") || strings.Contains(list, erin[len(erin)-20:]) {
		t.Fatalf("tokens list: %s", list)
	}

	// --auth local without a pepper is refused before anything starts.
	_, errs, code = idRun(t, "", env, "--db", db, "serve", "--auth", "local")
	if code != ExitUsage || !strings.Contains(errs, "token pepper") {
		t.Fatalf("serve --auth local without a pepper: exit %d: %s", code, errs)
	}
	url, _, stop := startServe(t, []string{"--db", db, "--auth", "local", "--token-pepper", "env:TEST_PEPPER"},
		func(k string) string { return env[k] })
	remote := func(token string, args ...string) (string, string, int) {
		e := map[string]string{"UNET_ACTOR": "mallory", "UNET_TOKEN": token}
		return idRun(t, "", e, append([]string{"--server", url, "-o", "json"}, args...)...)
	}
	if _, errs, code := remote("", "nodes", "list"); code != ExitAuth || !strings.Contains(errs, "authentication required") {
		t.Fatalf("no token: exit %d: %s", code, errs)
	}
	if _, errs, code := remote(vic, "vendors", "add", "acme"); code != ExitAuth || !strings.Contains(errs, "vendors:write") {
		t.Fatalf("viewer write: exit %d: %s", code, errs)
	}
	if out, errs, code := remote(vic, "vendors", "list"); code != 0 {
		t.Fatalf("viewer read: exit %d: %s %s", code, out, errs)
	}
	if _, errs, code := remote(erin, "vendors", "add", "acme"); code != 0 {
		t.Fatalf("engineer write: exit %d: %s", code, errs)
	}
	// --token wins over UNET_TOKEN.
	out, errs, code := idRun(t, "", map[string]string{"UNET_TOKEN": "unet_bad"}, "--server", url, "--token", ada, "-o", "json", "changes", "list")
	if code != 0 || !strings.Contains(out, `"actor": "erin"`) || strings.Contains(out, "mallory") {
		t.Fatalf("change log actor: exit %d: %s %s", code, out, errs)
	}
	if _, errs, code := remote(vic, "audit", "list"); code != ExitAuth {
		t.Fatalf("viewer reads the audit log: exit %d: %s", code, errs)
	}
	out, errs, code = remote(ada, "audit", "list", "--outcome", "denied")
	if code != 0 || !strings.Contains(out, `"actor": "vic"`) || !strings.Contains(out, `"permission": "vendors:write"`) {
		t.Fatalf("remote audit list: exit %d: %s %s", code, out, errs)
	}
	// Disabling a user stops its token at once.
	if _, errs, code := remote(ada, "users", "disable", "erin"); code != 0 {
		t.Fatalf("disable: exit %d: %s", code, errs)
	}
	if _, errs, code := remote(erin, "vendors", "list"); code != ExitAuth || !strings.Contains(errs, "disabled") {
		t.Fatalf("disabled user's token: exit %d: %s", code, errs)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	// The local audit list shows the refusal too, and the local admin changes.
	out = must("", "audit", "list", "--outcome", "denied", "--actor", "vic")
	if !strings.Contains(out, `"route": "/api/v1/vendors"`) {
		t.Fatalf("local audit list: %s", out)
	}
	if out := must("", "audit", "list", "--actor", "root"); !strings.Contains(out, "users add") || !strings.Contains(out, "tokens create") {
		t.Fatalf("local identity changes are not audited: %s", out)
	}
	for _, secret := range []string{vic, erin, ada, cliPepper, "correct-horse"} {
		if strings.Contains(must("", "audit", "list", "--limit", "1000"), secret) {
			t.Fatal("the audit log holds a secret")
		}
	}
}

func TestRolesCommands(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	env := map[string]string{"UNET_ACTOR": "root"}
	run := func(args ...string) (string, string, int) {
		return idRun(t, "", env, append([]string{"--db", db, "-o", "json"}, args...)...)
	}
	if _, errs, code := run("db", "migrate", "up"); code != 0 {
		t.Fatal(errs)
	}
	if out, errs, code := run("roles", "add", "poller", "--perm", "snmp:read,snmp:poll", "--description", "polls"); code != 0 || !strings.Contains(out, "snmp:poll") {
		t.Fatalf("roles add: %d %s %s", code, out, errs)
	}
	if _, errs, code := run("roles", "add", "bad", "--perm", "nodes:fly"); code != ExitInvalid || !strings.Contains(errs, "nodes:fly") {
		t.Fatalf("unknown permission: %d %s", code, errs)
	}
	if _, errs, code := run("roles", "add", "nothing"); code != ExitUsage {
		t.Fatalf("no permission: %d %s", code, errs)
	}
	if _, errs, code := run("roles", "remove", "viewer"); code != ExitInvalid || !strings.Contains(errs, "built in") {
		t.Fatalf("remove built-in: %d %s", code, errs)
	}
	if _, errs, code := run("users", "add", "p", "--role", "poller"); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := run("roles", "remove", "poller"); code != ExitFailure || !strings.Contains(errs, "revoke it first") {
		t.Fatalf("remove granted role: %d %s", code, errs)
	}
	if _, errs, code := run("users", "revoke", "p", "poller"); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := run("roles", "remove", "poller"); code != 0 {
		t.Fatal(errs)
	}
	out, _, _ := run("roles", "list")
	for _, r := range []string{"viewer", "operator", "engineer", "approver", "admin"} {
		if !strings.Contains(out, `"name": "`+r+`"`) {
			t.Errorf("roles list lacks %s", r)
		}
	}
}

// TestServeAuthModeSettings: the auth mode comes from --auth, UNET_AUTH_MODE
// or [server] auth; mode local needs the token pepper from --token-pepper,
// UNET_TOKEN_PEPPER or [server] token_pepper.
func TestServeAuthModeSettings(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite://" + filepath.Join(dir, "unet.db")
	cfg := filepath.Join(dir, "unet.toml")
	if err := os.WriteFile(cfg, []byte("[server]\nauth = \"local\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		args []string
		env  map[string]string
	}{
		"config file":     {[]string{"--db", db, "serve", "--config", cfg}, nil},
		"environment":     {[]string{"--db", db, "serve"}, map[string]string{"UNET_AUTH_MODE": "local"}},
		"flag":            {[]string{"--db", db, "serve", "--auth", "local"}, nil},
		"older flag name": {[]string{"--db", db, "serve", "--auth-mode", "local"}, nil},
	} {
		var errb bytes.Buffer
		code := runServeCLI(context.Background(), c.args, Env{Stdout: io.Discard, Stderr: &errb,
			Getenv: func(k string) string { return c.env[k] }})
		if code != ExitUsage || !strings.Contains(errb.String(), "--auth local needs a token pepper") {
			t.Errorf("%s: exit %d: %s", name, code, errb.String())
		}
	}
	var errb bytes.Buffer
	code := runServeCLI(context.Background(), []string{"--db", db, "serve", "--auth", "kerberos"}, Env{Stdout: io.Discard, Stderr: &errb})
	if code != ExitUsage || !strings.Contains(errb.String(), "want none, local or oidc") {
		t.Errorf("unknown mode: exit %d: %s", code, errb.String())
	}
	// With a pepper from the config file, mode local serves.
	if err := os.WriteFile(cfg, []byte("[server]\nauth = \"local\"\ntoken_pepper = \"env:TEST_PEPPER\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	url, _, stop := startServe(t, []string{"--db", db, "--config", cfg}, func(k string) string {
		return map[string]string{"TEST_PEPPER": cliPepper}[k]
	})
	resp, err := http.Get(url + "/api/v1/nodes")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("mode local without a token: %d", resp.StatusCode)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
}
