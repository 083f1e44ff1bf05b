package webui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The scenario tests run the real program: `unet serve` as a process and
// the `unet` command line against it, both from a binary that go build
// makes once per test binary.

// scenarioPepper and scenarioSecretsKey are the server's token pepper and
// secrets key (the key encrypts the signing keys of password sign-ins).
const (
	scenarioPepper     = "scenario-token-pepper-0123456789abcdef"
	scenarioSecretsKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
)

// unetBinary builds ./cmd/unet once for the test binary.
var unetBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// buildUnet returns the path of the unet binary, built on first use.
func buildUnet(t testing.TB) string {
	t.Helper()
	b := &unetBinary
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "unet-webui-bin-"); b.err != nil {
			return
		}
		b.path = filepath.Join(b.dir, "unet")
		cmd := exec.Command("go", "build", "-o", b.path, "../cmd/unet")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = &buildError{err: err, out: string(out)}
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// removeUnetBinary removes the binary buildUnet made.
func removeUnetBinary() {
	if unetBinary.dir != "" {
		_ = os.RemoveAll(unetBinary.dir)
	}
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "go build ./cmd/unet: " + e.err.Error() + "\n" + e.out }

// syncBuffer is a buffer a running process writes to while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// unetProc is a `unet serve` process over a SQLite file, with the
// environment its command lines run with.
type unetProc struct {
	bin  string
	db   string // the database URL
	env  []string
	URL  string // the server's address, http://127.0.0.1:PORT
	logs *syncBuffer
}

// newUnetProc prepares a database (migrated) and the environment of the
// command lines; start runs the server.
func newUnetProc(t testing.TB) *unetProc {
	t.Helper()
	dir := t.TempDir()
	p := &unetProc{
		bin: buildUnet(t),
		db:  "sqlite://" + filepath.Join(dir, "unet.db"),
		env: []string{
			"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "PATH=" + os.Getenv("PATH"),
			"UNET_ACTOR=setup", "SCENARIO_PEPPER=" + scenarioPepper, "SCENARIO_KEY=" + scenarioSecretsKey,
		},
		logs: &syncBuffer{},
	}
	p.local(t, "", "db", "migrate", "up")
	return p
}

// run runs the unet command line with stdin and returns its output and exit
// code.
func (p *unetProc) run(t testing.TB, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(p.bin, args...)
	cmd.Env = p.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("run unet %s: %v", strings.Join(args, " "), err)
		}
		return out.String(), errb.String(), ee.ExitCode()
	}
	return out.String(), errb.String(), 0
}

// must runs a command line that must succeed and returns its output.
func (p *unetProc) must(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	out, errs, code := p.run(t, stdin, args...)
	if code != 0 {
		t.Fatalf("unet %s: exit %d: %s%s", strings.Join(args, " "), code, errs, out)
	}
	return out
}

// local runs a command line on the database directly, as an
// administrator on the server's machine does.
func (p *unetProc) local(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	return p.must(t, stdin, append([]string{"--db", p.db, "--token-pepper", "env:SCENARIO_PEPPER", "-o", "json"}, args...)...)
}

// remote runs a command line against the server with an API token.
func (p *unetProc) remote(t testing.TB, token string, args ...string) string {
	t.Helper()
	return p.must(t, "", append([]string{"--server", p.URL, "--token", token, "-o", "json"}, args...)...)
}

// addUser creates a user with a password and roles.
func (p *unetProc) addUser(t testing.TB, name, password string, roles ...string) {
	t.Helper()
	p.local(t, password+"\n", "users", "add", name, "--role", roles[0], "--password-stdin")
	for _, r := range roles[1:] {
		p.local(t, "", "users", "grant", name, r)
	}
}

// token creates an API token of a user.
func (p *unetProc) token(t testing.TB, user string) string {
	t.Helper()
	var tok struct {
		Token string `json:"token"`
	}
	out := p.local(t, "", "tokens", "create", "--user", user, "--expires", "1d")
	if err := json.Unmarshal([]byte(out), &tok); err != nil || !strings.HasPrefix(tok.Token, "unet_") {
		t.Fatalf("tokens create: %v %s", err, out)
	}
	return tok.Token
}

// servingURL finds the server's address in its log.
var servingURL = regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)`)

// start runs `unet serve` on a random loopback port with local sign-in
// and extra flags, waits until it serves, and stops it (SIGINT, then a
// kill) when the test ends.
func (p *unetProc) start(t testing.TB, extra ...string) {
	t.Helper()
	args := append([]string{"--db", p.db, "serve", "--listen", "127.0.0.1:0", "--auth", "local",
		"--token-pepper", "env:SCENARIO_PEPPER", "--secrets-key", "env:SCENARIO_KEY"}, extra...)
	cmd := exec.Command(p.bin, args...)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := servingURL.FindStringSubmatch(p.logs.String()); m != nil {
			p.URL = m[1]
			return
		}
		select {
		case err := <-done:
			t.Fatalf("unet serve ended: %v\n%s", err, p.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("unet serve did not start:\n%s", p.logs.String())
		}
	}
}

// newPrivateTab opens a tab in a new browser context of the shared
// browser: its own cookies and cache, as a private window or another
// person's browser. It is closed when the test ends.
func newPrivateTab(t testing.TB) context.Context {
	t.Helper()
	if _, err := axeSource(); err != nil {
		t.Fatal(err)
	}
	tctx, closeTab := chromedp.NewContext(browser(t), chromedp.WithNewBrowserContext())
	log := &consoleLog{}
	if err := chromedp.Listen(tctx, log.listen); err != nil {
		closeTab()
		t.Fatalf("open a private tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tctx, browserTimeout)
	t.Cleanup(func() {
		cancel()
		closeTab()
	})
	return context.WithValue(ctx, consoleKey{}, log)
}

// signIn signs in through the sign-in page: the tab goes to path, is sent
// to the sign-in page, fills the form and lands on path.
func signIn(t testing.TB, ctx context.Context, base, path, user, password string) {
	t.Helper()
	navigate(t, ctx, base+path)
	if loc := eval[string](t, ctx, `location.pathname`); loc != "/ui/login" {
		t.Fatalf("a signed-out GET %s is at %s, want the sign-in page", path, loc)
	}
	fill(t, ctx, "#login-username", user)
	fill(t, ctx, "#login-password", password)
	if status := submit(t, ctx, "form.login button[type=submit]"); status != 200 {
		t.Fatalf("sign in as %s: status %d", user, status)
	}
	if loc := eval[string](t, ctx, `location.pathname + location.search`); loc != path {
		t.Fatalf("after signing in as %s the tab is at %s, want %s", user, loc, path)
	}
}

// click clicks the element sel and waits for the page it leads to; it
// returns that page's status.
func click(t testing.TB, ctx context.Context, sel string) int {
	t.Helper()
	return submit(t, ctx, sel)
}

// postFromPage posts a form from the page with fetch (the tab's cookies,
// no redirect followed) and returns the status.
func postFromPage(t testing.TB, ctx context.Context, path string, fields map[string]string) int {
	t.Helper()
	b, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return eval[int](t, ctx, `fetch(`+jsString(path)+`, {method: "POST", credentials: "same-origin", redirect: "manual",
  body: new URLSearchParams(`+string(b)+`)}).then(r => r.status)`, chromedp.EvalAwaitPromise)
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitText waits until the text of sel contains want, and fails the test
// with what it shows after timeout.
func waitText(t testing.TB, ctx context.Context, sel, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := eval[string](t, ctx, `(document.querySelector(`+jsString(sel)+`) || {innerText: ""}).innerText`)
		if strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s shows %q, want %q in it", sel, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkScenarioPage runs checkPage on the page the tab shows, and with
// UNET_UI_SCREENSHOTS=1 keeps the screenshots docs/ui.md shows: the page
// on a desktop in the light theme, and in the other modes named (browserMode
// suffixes: "-dark", "-phone", "-phone-dark") only where asked, so that the
// documentation holds one example of each rather than every page four times.
func checkScenarioPage(t *testing.T, ctx context.Context, name string, modes ...string) {
	t.Helper()
	const env = "UNET_UI_SCREENSHOTS"
	shots := os.Getenv(env) == "1"
	if shots {
		t.Setenv(env, "")
	}
	checkPage(t, ctx, name)
	if !shots {
		return
	}
	t.Setenv(env, "1")
	screenshot(t, ctx, name)
	for _, m := range browserModes {
		if m.suffix == "" || !slices.Contains(modes, m.suffix) {
			continue
		}
		colorScheme(t, ctx, m.scheme)
		if m.phone {
			phone(t, ctx)
		}
		screenshot(t, ctx, name+m.suffix)
		colorScheme(t, ctx, "light")
		desktop(t, ctx)
	}
}

// browserCookies returns the cookies the tab's browser context holds for
// url.
func browserCookies(t testing.TB, ctx context.Context, url string) []*network.Cookie {
	t.Helper()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		t.Fatalf("read the browser's cookies: %v", err)
	}
	return res.Cookies
}

// postWithCookies posts form fields to url from Go with the browser's
// cookies (a script or another program that got hold of them, which sends
// no Origin header) and returns the status.
func postWithCookies(t testing.TB, cookies []*network.Cookie, url string, form neturl.Values) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}
