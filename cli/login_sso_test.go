package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet/internal/testutil"
)

// approver plays the user at the browser: when the CLI prints the code to
// confirm, it approves the code at the provider as subject.
type approver struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	all     bytes.Buffer // everything written
	op      *testutil.OIDCProvider
	subject string // "" denies
	err     error
}

var userCodeRE = regexp.MustCompile(`confirm the code ([A-Z0-9-]+)`)

func (a *approver) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.buf.Write(p)
	a.all.Write(p)
	if m := userCodeRE.FindStringSubmatch(a.buf.String()); m != nil && a.err == nil {
		if a.subject == "" {
			a.err = a.op.DenyDevice(m[1])
		} else {
			a.err = a.op.ApproveDevice(m[1], a.subject)
		}
		a.buf.Reset()
	}
	return len(p), nil
}

// writeProviderCA writes the provider's TLS certificate as a PEM file.
func writeProviderCA(t *testing.T, op *testutil.OIDCProvider) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "issuer.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: op.Server().Certificate().Raw})
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestServeOIDCAndLoginSSO runs `unet serve --auth oidc` against an
// in-process OpenID provider and logs in with `unet login --sso` (device
// flow, the code approved at the provider): the engineer's write is
// recorded under the OIDC user name, the viewer is refused with exit 69,
// and the credentials file is private.
func TestServeOIDCAndLoginSSO(t *testing.T) {
	op := testutil.StartOIDCProvider(t)
	op.AddUser(testutil.OIDCUser{Subject: "sub-erin", Username: "erin", Groups: []string{"noc-engineers"}})
	op.AddUser(testutil.OIDCUser{Subject: "sub-vic", Username: "vic", Groups: []string{"noc-viewers"}})
	ca := writeProviderCA(t, op)
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	serverEnv := map[string]string{"UNET_OIDC_ROLE_MAP": "noc-viewers=viewer,noc-engineers=engineer"}
	url, logs, _ := startServe(t, []string{"--db", db, "--auth", "oidc", "--oidc-issuer", op.Issuer(),
		"--oidc-client-id", testutil.PublicClientID, "--oidc-ca", ca}, func(k string) string { return serverEnv[k] })
	if !strings.Contains(logs.String(), "OIDC issuer discovered") {
		t.Errorf("no discovery in the log:\n%s", logs.String())
	}

	creds := filepath.Join(t.TempDir(), "creds")
	clientEnv := func(k string) string {
		return map[string]string{"UNET_CREDENTIALS_DIR": creds, "UNET_ISSUER_CA": ca,
			"UNET_CREDENTIALS": filepath.Join(creds, "sessions.json")}[k]
	}
	run := func(stderr io.Writer, args ...string) (int, string) {
		var out, errb bytes.Buffer
		if stderr == nil {
			stderr = &errb
		}
		code := runServeCLI(context.Background(), append([]string{"--server", url, "-o", "json"}, args...),
			Env{Stdout: &out, Stderr: stderr, Getenv: clientEnv})
		return code, out.String() + errb.String()
	}
	login := func(subject string) {
		t.Helper()
		ap := &approver{op: op, subject: subject}
		code, out := run(ap, "login", "--sso")
		if code != 0 || ap.err != nil {
			t.Fatalf("login as %s: exit %d, approve %v: %s", subject, code, ap.err, out)
		}
		if !strings.Contains(out, "Logged in to "+url+" as ") {
			t.Fatalf("login output: %s", out)
		}
	}

	// Unauthenticated: exit 69 with a hint to log in.
	if code, out := run(nil, "vendors", "list"); code != ExitAuth || !strings.Contains(out, "unet login --sso") {
		t.Fatalf("without login: exit %d: %s", code, out)
	}

	// A login denied at the provider exits 69 and stores nothing.
	deny := &approver{op: op}
	if code, _ := run(deny, "login", "--sso"); code != ExitAuth || !strings.Contains(deny.all.String(), "the login was denied") {
		t.Fatalf("denied login: exit %d: %s", code, deny.all.String())
	}
	if files, _ := filepath.Glob(filepath.Join(creds, "*.json")); len(files) != 0 {
		t.Fatalf("a denied login stored %v", files)
	}

	login("sub-erin")
	files, err := filepath.Glob(filepath.Join(creds, "*.json"))
	if err != nil || len(files) != 1 {
		t.Fatalf("credentials files: %v %v", files, err)
	}
	st, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %04o, want 0600", st.Mode().Perm())
	}
	var c credentials
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c.Kind != "oidc" || c.Server != url || c.AccessToken == "" || c.User != "erin" || c.ExpiresAt.IsZero() || c.Issuer != op.Issuer() {
		t.Errorf("credentials %+v", c)
	}

	// A token about to expire is refreshed at the issuer with the refresh
	// token (rotated by the issuer) before the request, and saved.
	if c.RefreshToken == "" {
		t.Fatal("the device login got no refresh token")
	}
	old := c
	c.ExpiresAt = time.Now().Add(-time.Minute)
	writeCreds := func(c credentials) {
		t.Helper()
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(files[0], b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeCreds(c)
	if code, out := run(nil, "vendors", "list"); code != 0 || strings.Contains(out, "warning") {
		t.Fatalf("with a refreshed login: exit %d: %s", code, out)
	}
	var nc credentials
	if b, err := os.ReadFile(files[0]); err != nil || json.Unmarshal(b, &nc) != nil {
		t.Fatalf("credentials after refresh: %v", err)
	}
	if nc.AccessToken == old.AccessToken || nc.RefreshToken == old.RefreshToken || !nc.ExpiresAt.After(time.Now()) || nc.User != "erin" {
		t.Fatalf("credentials not refreshed: %+v", nc)
	}
	// A refresh token already used is refused by the issuer: a warning,
	// and the stored token is sent as it is.
	writeCreds(c)
	if code, out := run(nil, "vendors", "list"); code != 0 || !strings.Contains(out, "could not be refreshed") {
		t.Fatalf("with a spent refresh token: exit %d: %s", code, out)
	}

	if code, out := run(nil, "vendors", "add", "acme"); code != 0 {
		t.Fatalf("engineer's write: exit %d: %s", code, out)
	}
	if code, out := run(nil, "changes", "list"); code != 0 || !strings.Contains(out, `"actor": "erin"`) && !strings.Contains(out, `"actor":"erin"`) {
		t.Fatalf("change log: exit %d: %s", code, out)
	}

	login("sub-vic")
	if code, out := run(nil, "vendors", "add", "globex"); code != ExitAuth || !strings.Contains(out, "permission vendors:write denied: user vic") {
		t.Fatalf("viewer's write: exit %d: %s", code, out)
	}

	// A credentials file others may read is not used.
	if err := os.Chmod(files[0], 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := run(nil, "vendors", "list"); code != ExitAuth || !strings.Contains(out, "chmod 600") {
		t.Fatalf("world-readable credentials: exit %d: %s", code, out)
	}

	// unet logout forgets the single-sign-on credentials of the server.
	if err := os.Chmod(files[0], 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := run(nil, "logout"); code != 0 || !strings.Contains(out, "single-sign-on credentials forgotten") {
		t.Fatalf("logout: exit %d: %s", code, out)
	}
	if left, _ := filepath.Glob(filepath.Join(creds, "*.json")); len(left) != 0 {
		t.Fatalf("credentials left after logout: %v", left)
	}
	if code, out := run(nil, "vendors", "list"); code != ExitAuth {
		t.Fatalf("after logout: exit %d: %s", code, out)
	}
}

// TestLoginSSORefusals: login needs --server (without --sso it is a
// password login), and a server that is not in mode oidc says so.
func TestLoginSSORefusals(t *testing.T) {
	url, _, _ := startServe(t, []string{"--db", "sqlite://" + filepath.Join(t.TempDir(), "unet.db")}, nil)
	env := func(k string) string { return map[string]string{"UNET_CREDENTIALS_DIR": t.TempDir()}[k] }
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"login", "--sso"}, ExitUsage, "needs --server"},
		{[]string{"--server", url, "login"}, ExitUsage, "--username"},
		{[]string{"--server", url, "login", "--sso"}, ExitInvalid, "auth mode none, not oidc"},
	} {
		var errb bytes.Buffer
		code := runServeCLI(context.Background(), c.args, Env{Stdout: io.Discard, Stderr: &errb, Getenv: env})
		if code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d %s; want %d with %q", c.args, code, errb.String(), c.code, c.want)
		}
	}
}

// TestServeOIDCRefusals: the settings auth mode oidc checks before it
// serves.
func TestServeOIDCRefusals(t *testing.T) {
	op := testutil.StartOIDCProvider(t)
	db := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	base := []string{"serve", "--listen", "127.0.0.1:0", "--db", db, "--auth", "oidc"}
	cfg := filepath.Join(t.TempDir(), "unet.toml")
	content := "[oidc]\nissuer = \"" + op.Issuer() + "\"\nclient_id = \"unet\"\nrole_map = [\"noc=viewer\", \"ops=sorcerer\"]\n"
	if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "needs --oidc-issuer and --oidc-client-id"},
		// The config file's [oidc] section is read (its role map checked).
		{[]string{"--config", cfg}, `no role "sorcerer"`},
		{[]string{"--oidc-issuer", op.Issuer()}, "needs --oidc-issuer and --oidc-client-id"},
		{[]string{"--oidc-issuer", "http://sso.example.net", "--oidc-client-id", "unet"}, "must use https"},
		{[]string{"--oidc-issuer", op.Issuer(), "--oidc-client-id", "unet", "--oidc-role-map", "noc"}, "want VALUE=ROLE"},
		{[]string{"--oidc-issuer", op.Issuer(), "--oidc-client-id", "unet", "--oidc-role-map", "noc=wizard"}, `no role "wizard"`},
		{[]string{"--oidc-issuer", op.Issuer(), "--oidc-client-id", "unet", "--oidc-client-secret", "db:x"}, "env:NAME or file:PATH"},
		{[]string{"--oidc-issuer", op.Issuer(), "--oidc-client-id", "unet", "--oidc-ca", "/nonexistent.pem"}, "--oidc-ca"},
		{[]string{"--oidc-issuer", op.Issuer(), "--oidc-client-id", "unet", "--oidc-redirect-url", "https://unet.example/callback"}, "want the web interface's callback"},
	} {
		var errb bytes.Buffer
		code := runServeCLI(context.Background(), append(append([]string(nil), base...), c.args...),
			Env{Stdout: io.Discard, Stderr: &errb})
		if code != ExitUsage || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d %s; want %d with %q", c.args, code, errb.String(), ExitUsage, c.want)
		}
	}
}
