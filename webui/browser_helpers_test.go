package webui_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests drive a real Chromium (Debian's chromium package)
// through the DevTools protocol with chromedp: one browser for the whole
// test binary, started on first use and closed by TestMain, and a new tab
// for each test. The accessibility checks inject axe-core, which npm
// installs from webui/testdata/browser/package-lock.json.

// axePath is the axe-core bundle that `npm ci --prefix
// webui/testdata/browser` installs.
const axePath = "testdata/browser/node_modules/axe-core/axe.min.js"

// browserTimeout bounds the actions of one test's tab.
const browserTimeout = 90 * time.Second

// sharedBrowser is the browser of the test binary.
var sharedBrowser struct {
	once        sync.Once
	ctx         context.Context // a chromedp context holding the browser
	cancel      context.CancelFunc
	allocCancel context.CancelFunc
	dir         string // the fresh profile
	err         error
}

// chromiumPath finds the browser: UNET_CHROMIUM, else Debian's chromium
// (or a chromium-browser or google-chrome) on PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("UNET_CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium on PATH")
}

// browser starts the shared browser once.
func browser(t testing.TB) context.Context {
	t.Helper()
	b := &sharedBrowser
	b.once.Do(func() {
		path, err := chromiumPath()
		if err != nil {
			b.err = fmt.Errorf("the browser tests need Chromium: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver) or name the browser in UNET_CHROMIUM: %w", err)
			return
		}
		if b.dir, err = os.MkdirTemp("", "unet-webui-chromium-"); err != nil {
			b.err = err
			return
		}
		// The flags this machine's closed network needs: no background
		// connections to the browser vendor's services, no QUIC, no sync, no
		// component updates; and a fresh profile.
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("no-first-run", true),
			chromedp.UserDataDir(b.dir),
			chromedp.WindowSize(1280, 800),
		)
		var actx context.Context
		actx, b.allocCancel = chromedp.NewExecAllocator(context.Background(), opts...)
		b.ctx, b.cancel = chromedp.NewContext(actx)
		// The first action starts the browser; its context must have no
		// deadline, which would end the browser with it.
		if err := chromedp.Do(b.ctx); err != nil {
			b.err = fmt.Errorf("start %s: %w", path, err)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.ctx
}

// closeBrowser closes the shared browser, waits for its processes to end
// and removes its profile.
func closeBrowser() {
	b := &sharedBrowser
	if b.cancel == nil {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	_ = chromedp.Cancel(ctx)
	cancel()
	b.cancel()
	b.allocCancel()
	if b.dir != "" {
		_ = os.RemoveAll(b.dir)
	}
}

// axeSource is the axe-core bundle, read once.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axePath)
	if err != nil {
		return "", fmt.Errorf("the accessibility checks need axe-core from npm: run `npm ci --prefix webui/testdata/browser` in the repository: %w", err)
	}
	return string(b), nil
})

// consoleLog collects what a tab's pages write to the console and the
// browser's log: messages, uncaught exceptions, failed loads and Content
// Security Policy violations.
type consoleLog struct {
	mu      sync.Mutex
	entries []string
	// document is the URL of the page navigate loaded last: the browser
	// logs an error status of the document itself as a failed load, and
	// navigate's caller checks that status.
	document string
}

type consoleKey struct{}

func (c *consoleLog) add(s string) {
	c.mu.Lock()
	c.entries = append(c.entries, s)
	c.mu.Unlock()
}

// expected reports whether a failed load of url is one the tests expect:
// the document navigate loaded (its status is checked by the caller). The
// pages name their icon, so a browser does not ask for /favicon.ico.
func (c *consoleLog) expected(url string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return url == c.document
}

// take returns the entries so far and forgets them.
func (c *consoleLog) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries
	c.entries = nil
	return e
}

// listen records the problems among a tab's events: console.error and
// console.assert calls, uncaught exceptions, and browser log entries of
// level error or warning or about the security policy. It runs on the
// goroutine that reads the browser's messages, so an event that arrives
// before the answer to a command is recorded before that command returns.
func (c *consoleLog) listen(ev any) {
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type != runtime.ConsoleAPICalledTypeError && e.Type != runtime.ConsoleAPICalledTypeAssert && e.Type != runtime.ConsoleAPICalledTypeWarning {
			return
		}
		var parts []string
		for _, a := range e.Args {
			if a.Description != "" {
				parts = append(parts, a.Description)
			} else {
				parts = append(parts, string(a.Value))
			}
		}
		c.add(fmt.Sprintf("console.%s: %s", e.Type, strings.Join(parts, " ")))
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		c.add(fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *cdplog.EventEntryAdded:
		en := e.Entry
		if en.Source == cdplog.EntrySourceNetwork && c.expected(en.URL) {
			return
		}
		if en.Level == cdplog.EntryLevelError || en.Level == cdplog.EntryLevelWarning ||
			en.Source == cdplog.EntrySourceSecurity || strings.Contains(en.Text, "Content Security Policy") {
			c.add(fmt.Sprintf("browser log (%s, %s) %s: %s", en.Source, en.Level, en.URL, en.Text))
		}
	}
}

// newTab opens a tab in the shared browser for the test and returns its
// context (every helper below takes it); the tab closes when the test
// ends. The tab's console is recorded from the start (checkConsole).
func newTab(t testing.TB) context.Context {
	t.Helper()
	if _, err := axeSource(); err != nil {
		t.Fatal(err)
	}
	tctx, closeTab := chromedp.NewContext(browser(t))
	log := &consoleLog{}
	if err := chromedp.Listen(tctx, log.listen); err != nil {
		closeTab()
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tctx, browserTimeout)
	t.Cleanup(func() {
		cancel()
		closeTab()
	})
	return context.WithValue(ctx, consoleKey{}, log)
}

// navigate loads url in the tab, waits for the page to load and returns
// the HTTP status of the document.
func navigate(t testing.TB, ctx context.Context, url string) int {
	t.Helper()
	log := tabConsole(t, ctx)
	log.mu.Lock()
	log.document = url
	log.mu.Unlock()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
	log.mu.Lock()
	log.document = resp.URL
	log.mu.Unlock()
	return int(resp.Status)
}

// fill types value into the form control sel (a CSS selector), replacing
// what it held.
func fill(t testing.TB, ctx context.Context, sel, value string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Clear(chromedp.CSS(sel)),
		chromedp.SendKeys(chromedp.CSS(sel), value),
	); err != nil {
		t.Fatalf("fill %s: %v", sel, err)
	}
}

// submit clicks the button sel (a CSS selector) and waits for the page the
// form leads to; it returns that page's HTTP status (after redirects).
func submit(t testing.TB, ctx context.Context, sel string) int {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("submit with %s: %v", sel, err)
	}
	return int(resp.Status)
}

// textOf reads the visible text of the first element matching sel.
func textOf(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeReady))
	if err != nil {
		t.Fatalf("read the text of %s: %v", sel, err)
	}
	return s
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t testing.TB, ctx context.Context, expr string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// checkConsole fails the test with what the tab's pages wrote to the
// console or the browser's log since the last check (errors, warnings,
// uncaught exceptions, Content Security Policy violations, failed loads).
func checkConsole(t testing.TB, ctx context.Context, pageName string) {
	t.Helper()
	for _, e := range consoleProblems(t, ctx) {
		t.Errorf("%s: %s", pageName, e)
	}
}

// consoleProblems returns the console's problems since the last call,
// after a round trip to the page so that the messages of what the page did
// so far have arrived.
func consoleProblems(t testing.TB, ctx context.Context) []string {
	t.Helper()
	log := tabConsole(t, ctx)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState`)); err != nil {
		t.Fatalf("reach the page: %v", err)
	}
	return log.take()
}

// tabConsole is the console record of a tab from newTab.
func tabConsole(t testing.TB, ctx context.Context) *consoleLog {
	t.Helper()
	log, _ := ctx.Value(consoleKey{}).(*consoleLog)
	if log == nil {
		t.Fatal("not the context of a tab from newTab")
	}
	return log
}

// axeViolation is one failed axe rule with the nodes that fail it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

func (v axeViolation) String() string {
	return fmt.Sprintf("%s (%s): %s; nodes: %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
}

// axeRun is the call of axe on the whole document with the WCAG 2.0 and
// 2.1 level A and AA rules; each failing node is named by its selector.
const axeRun = `axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  resultTypes: ["violations"]
}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact || "", help: v.help,
  nodes: v.nodes.map(n => n.target.map(s => Array.isArray(s) ? s.join(" >>> ") : String(s)).join(" "))
})))`

// a11yViolations injects axe-core into the page (once per document) and
// returns every violation of the WCAG 2.1 A and AA rules.
func a11yViolations(t testing.TB, ctx context.Context) []axeViolation {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatal(err)
	}
	loaded := eval[bool](t, ctx, `typeof window.axe === "object"`)
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			t.Fatalf("inject axe-core: %v", err)
		}
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe: %v", err)
	}
	return vs
}

// checkA11y fails the test on every serious or critical violation of the
// WCAG 2.1 A and AA rules that axe-core finds on the page, naming the
// rule, its impact and the offending nodes' selectors. Minor and moderate
// findings are logged.
func checkA11y(t testing.TB, ctx context.Context, pageName string) {
	t.Helper()
	for _, v := range a11yViolations(t, ctx) {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: accessibility: %s", pageName, v)
		} else {
			t.Logf("%s: accessibility (not failing): %s", pageName, v)
		}
	}
}

// screenshot writes the page, whole, as docs/ui/NAME.png when
// UNET_UI_SCREENSHOTS=1 (docs/ui.md shows them); otherwise it does
// nothing.
func screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	if _, faulty := t.(*recordTB); faulty || os.Getenv("UNET_UI_SCREENSHOTS") != "1" {
		// The faulty pages the checks are tested on are not the
		// interface's: no picture of them.
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "docs", "ui")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The viewports the pages are checked at.
const (
	desktopWidth, desktopHeight = 1280, 800
	phoneWidth, phoneHeight     = 360, 740
)

// viewport sets the tab's viewport in CSS pixels; mobile emulates a phone
// (its viewport meta tag, overlay scrollbars, touch).
func viewport(t testing.TB, ctx context.Context, width, height int64, mobile bool) {
	t.Helper()
	opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		t.Fatalf("viewport %dx%d: %v", width, height, err)
	}
}

// phone sets a phone's viewport: 360×740 CSS pixels.
func phone(t testing.TB, ctx context.Context) { viewport(t, ctx, phoneWidth, phoneHeight, true) }

// desktop sets a desktop viewport: 1280×800 CSS pixels.
func desktop(t testing.TB, ctx context.Context) {
	viewport(t, ctx, desktopWidth, desktopHeight, false)
}

// colorScheme emulates the system's colour preference for the tab
// (prefers-color-scheme: "light" or "dark").
func colorScheme(t testing.TB, ctx context.Context, scheme string) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		t.Fatalf("emulate prefers-color-scheme: %s: %v", scheme, err)
	}
}

// scripts turns the page's JavaScript on or off for the tab's next loads.
func scripts(t testing.TB, ctx context.Context, enabled bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !enabled}); err != nil {
		t.Fatalf("turn scripts %v: %v", map[bool]string{true: "on", false: "off"}[enabled], err)
	}
}

// pressKey sends one key (a character or a kb constant) to the page.
func pressKey(t testing.TB, ctx context.Context, key string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(key)); err != nil {
		t.Fatalf("press %q: %v", key, err)
	}
}

// tabStop is the element that has the focus after a Tab.
type tabStop struct {
	Index   int    `json:"index"` // among the page's focusable elements, -1 if none of them
	Tag     string `json:"tag"`
	Text    string `json:"text"`
	Href    string `json:"href"`
	Outline bool   `json:"outline"` // a visible focus indicator: an outline or a box shadow
	Visible bool   `json:"visible"` // inside the viewport
}

// markFocusable numbers the page's visible elements that are in the tab
// order (data-kb-index) and returns how many there are.
const markFocusable = `(() => {
  const all = [...document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]')]
    .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden");
  all.forEach((e, i) => e.dataset.kbIndex = String(i));
  return all.length;
})()`

// focused describes document.activeElement.
const focused = `(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return {index: -1, tag: "body", text: "", href: "", outline: false, visible: false};
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {
    index: e.dataset.kbIndex === undefined ? -1 : Number(e.dataset.kbIndex),
    tag: e.tagName.toLowerCase(), text: (e.textContent || e.value || "").trim().slice(0, 60),
    href: e.getAttribute("href") || "",
    outline: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none",
    visible: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
  };
})()`

// focusedElement returns the element that has the focus.
func focusedElement(t testing.TB, ctx context.Context) tabStop {
	t.Helper()
	return eval[tabStop](t, ctx, focused)
}

// checkKeyboard tabs through the page from its top: the first stop must be
// the skip link, every visible focusable element must be reached, in the
// document's order, each with a visible focus indicator inside the
// viewport, and the focus must not be trapped.
func checkKeyboard(t testing.TB, ctx context.Context, pageName string) {
	t.Helper()
	n := eval[int](t, ctx, markFocusable)
	// Start from the top of the document with nothing focused.
	eval[bool](t, ctx, `(document.activeElement && document.activeElement.blur(), window.scrollTo(0, 0), true)`)
	seen := map[int]bool{}
	last := -1
	for i := 0; i < n; i++ {
		pressKey(t, ctx, "\t")
		s := focusedElement(t, ctx)
		if i == 0 && (s.Tag != "a" || s.Href != "#main") {
			t.Errorf("%s: the first tab stop is <%s> %q (href %q), want the skip link to #main", pageName, s.Tag, s.Text, s.Href)
		}
		if s.Index < 0 {
			t.Errorf("%s: tab stop %d is <%s> %q, not a visible focusable element", pageName, i+1, s.Tag, s.Text)
			break
		}
		if s.Index <= last {
			t.Errorf("%s: tab stop %d is element %d (<%s> %q) after element %d: not the document's order", pageName, i+1, s.Index, s.Tag, s.Text, last)
		}
		if !s.Outline {
			t.Errorf("%s: <%s> %q has no visible focus indicator", pageName, s.Tag, s.Text)
		}
		if !s.Visible {
			t.Errorf("%s: <%s> %q has the focus outside the viewport", pageName, s.Tag, s.Text)
		}
		seen[s.Index] = true
		last = s.Index
	}
	if len(seen) != n {
		t.Errorf("%s: %d of the %d focusable elements were reached by Tab", pageName, len(seen), n)
	}
}

// browserMode is a way of looking at a page: a theme and a width.
type browserMode struct {
	suffix string // of the screenshot's name
	scheme string // prefers-color-scheme: "light" or "dark"
	phone  bool   // a phone's viewport, else a desktop's
}

// browserModes are the ways checkPage looks at every page.
var browserModes = []browserMode{
	{suffix: "", scheme: "light"},
	{suffix: "-dark", scheme: "dark"},
	{suffix: "-phone", scheme: "light", phone: true},
	{suffix: "-phone-dark", scheme: "dark", phone: true},
}

// themeBackground is the body's background of each theme (--bg in
// static/app.css).
var themeBackground = map[string]string{"light": "rgb(255, 255, 255)", "dark": "rgb(13, 17, 23)"}

// checkPage runs the checks that apply to every page on the page the tab
// shows, in the light and dark themes at desktop and phone width (switched
// in place, so a signed-in page or one reached through a form is checked
// as it is): the page follows the theme, fits a phone's width without
// scrolling sideways, and axe finds no serious or critical WCAG 2.1 A/AA
// violation; then nothing must have been written to the console (errors,
// Content Security Policy violations). It takes the screenshots NAME,
// NAME-dark, NAME-phone and NAME-phone-dark (screenshot), and leaves the
// tab in the light theme at desktop width.
func checkPage(t testing.TB, ctx context.Context, pageName string) {
	t.Helper()
	for _, m := range browserModes {
		colorScheme(t, ctx, m.scheme)
		if m.phone {
			phone(t, ctx)
		} else {
			desktop(t, ctx)
		}
		checkMode(t, ctx, pageName, m)
	}
	colorScheme(t, ctx, "light")
	desktop(t, ctx)
	checkConsole(t, ctx, pageName)
}

// checkMode checks the page the tab shows in the mode already emulated.
func checkMode(t testing.TB, ctx context.Context, pageName string, m browserMode) {
	t.Helper()
	name := pageName + m.suffix
	if dark := eval[bool](t, ctx, `matchMedia("(prefers-color-scheme: dark)").matches`); dark != (m.scheme == "dark") {
		t.Fatalf("%s: prefers-color-scheme: dark matches = %v with the %s scheme emulated", name, dark, m.scheme)
	}
	if bg := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`); bg != themeBackground[m.scheme] {
		t.Errorf("%s: the body's background is %s in the %s theme, want %s", name, bg, m.scheme, themeBackground[m.scheme])
	}
	if m.phone {
		w := eval[[]int](t, ctx, `[innerWidth, document.documentElement.scrollWidth]`)
		// A phone widens the layout viewport to fit a page that is too wide
		// (and shrinks it); a desktop browser would scroll sideways.
		if w[0] != phoneWidth || w[1] > w[0] {
			t.Errorf("%s: at a phone's width of %d px the page lays out %d px wide (viewport %d px): too wide for a phone", name, phoneWidth, w[1], w[0])
		}
	}
	checkA11y(t, ctx, name)
	screenshot(t, ctx, name)
}
