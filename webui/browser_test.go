package webui_test

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/webui"
)

// browserPage is a page of the interface the browser tests visit.
type browserPage struct {
	name   string // the name of its screenshots
	path   string
	status int
	text   string // a text the page's main content must show ("": any)
}

// skeletonPages are the pages every build serves.
var skeletonPages = []browserPage{
	{name: "home", path: "/ui/", status: http.StatusOK}, // the dashboard, whatever it shows
	{name: "not-found", path: "/ui/no-such-page", status: http.StatusNotFound, text: "no such page"},
}

// TestBrowserSkeletonPages: the pages of the skeleton in a real browser,
// in light and dark themes, at desktop and phone width.
func TestBrowserSkeletonPages(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	for _, p := range skeletonPages {
		t.Run(p.name, func(t *testing.T) {
			ctx := newTab(t)
			if got := navigate(t, ctx, s.URL+p.path); got != p.status {
				t.Fatalf("GET %s = %d, want %d", p.path, got, p.status)
			}
			if got := textOf(t, ctx, "main"); !strings.Contains(got, p.text) || strings.TrimSpace(got) == "" {
				t.Errorf("main of %s = %q, want %q in it", p.path, got, p.text)
			}
			checkPage(t, ctx, p.name)
		})
	}
}

// TestBrowserLoadsInEachMode: a page loaded with the dark theme and the
// phone's viewport already emulated (not switched after the load) looks
// the same to the checks.
func TestBrowserLoadsInEachMode(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	ctx := newTab(t)
	colorScheme(t, ctx, "dark")
	phone(t, ctx)
	navigate(t, ctx, s.URL+"/ui/")
	checkMode(t, ctx, "home", browserMode{suffix: "-phone-dark", scheme: "dark", phone: true})
	checkConsole(t, ctx, "home")
}

// TestBrowserKeyboard: the skip link is the first tab stop and is visible
// when it has the focus; following it moves the focus to the main content,
// so that the next Tab reaches the content's first link; every focusable
// element is reached in order with a visible focus indicator, at desktop
// and at phone width.
func TestBrowserKeyboard(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	for _, p := range skeletonPages {
		t.Run(p.name, func(t *testing.T) {
			ctx := newTab(t)
			desktop(t, ctx)
			navigate(t, ctx, s.URL+p.path)
			pressKey(t, ctx, "\t")
			skip := focusedElement(t, ctx)
			if skip.Tag != "a" || skip.Href != "#main" || skip.Text != "Skip to content" {
				t.Fatalf("first tab stop = %+v, want the skip link", skip)
			}
			if !skip.Visible || !skip.Outline {
				t.Errorf("the focused skip link is not shown with a focus indicator: %+v", skip)
			}
			pressKey(t, ctx, kb.Enter)
			if id := eval[string](t, ctx, `document.activeElement.id`); id != "main" {
				t.Errorf("after following the skip link the focus is on #%q, want #main", id)
			}
			if hash := eval[string](t, ctx, `location.hash`); hash != "#main" {
				t.Errorf("after following the skip link location.hash = %q", hash)
			}
			// The next tab stop is the first focusable element in main (the
			// 404 page's link back); with none after main, the focus wraps
			// round to the skip link, never to the header before main.
			pressKey(t, ctx, "\t")
			afterMain := eval[bool](t, ctx, `(() => {
  const m = document.querySelector("main"), e = document.activeElement;
  return m.contains(e) || !!(m.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING) || e.classList.contains("skip");
})()`)
			if !afterMain {
				t.Errorf("after the skip link, Tab focuses %+v, before main", focusedElement(t, ctx))
			}
			if p.name == "not-found" {
				if got := focusedElement(t, ctx); got.Text != "Back to the dashboard" {
					t.Errorf("after the skip link, Tab focuses %+v, want the link back to the dashboard", got)
				}
			}

			navigate(t, ctx, s.URL+p.path)
			checkKeyboard(t, ctx, p.name)
			phone(t, ctx)
			navigate(t, ctx, s.URL+p.path)
			checkKeyboard(t, ctx, p.name+" at phone width")
			checkConsole(t, ctx, p.name)
		})
	}
}

// pageContent is what must be the same with and without JavaScript.
const pageContent = `({
  title: document.title,
  h1: document.querySelector("h1").textContent,
  main: document.querySelector("main").innerText,
  links: [...document.querySelectorAll("a[href]")].filter(a => a.getClientRects().length > 0).map(a => a.textContent.trim() + " → " + a.getAttribute("href")),
  js: document.documentElement.classList.contains("js"),
})`

type contentSnapshot struct {
	Title string   `json:"title"`
	H1    string   `json:"h1"`
	Main  string   `json:"main"`
	Links []string `json:"links"`
	JS    bool     `json:"js"`
}

// TestBrowserWithoutJavaScript: with the page's scripts turned off the
// pages show the same content, links and navigation as with them (the
// scripts only enhance), and the scripts really were off.
func TestBrowserWithoutJavaScript(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	for _, p := range skeletonPages {
		t.Run(p.name, func(t *testing.T) {
			ctx := newTab(t)
			navigate(t, ctx, s.URL+p.path)
			with := eval[contentSnapshot](t, ctx, pageContent)
			if !with.JS {
				t.Fatal("with JavaScript the page's script did not run (no class js on <html>)")
			}
			scripts(t, ctx, false)
			if got := navigate(t, ctx, s.URL+p.path); got != p.status {
				t.Fatalf("GET %s without JavaScript = %d, want %d", p.path, got, p.status)
			}
			without := eval[contentSnapshot](t, ctx, pageContent)
			if without.JS {
				t.Fatal("the page's script ran with JavaScript turned off")
			}
			with.JS, without.JS = false, false
			if with.Title != without.Title || with.H1 != without.H1 || with.Main != without.Main || !slices.Equal(with.Links, without.Links) {
				t.Errorf("the page differs without JavaScript:\nwith:    %+v\nwithout: %+v", with, without)
			}
			if !strings.Contains(without.Main, p.text) || strings.TrimSpace(without.Main) == "" {
				t.Errorf("without JavaScript main = %q, want %q in it", without.Main, p.text)
			}
			checkConsole(t, ctx, p.name+" without JavaScript")
			scripts(t, ctx, true)
		})
	}
}

// TestBrowserChecksCatchProblems: the checks the other browser tests rely
// on do fail on a broken page, served under the interface's own Content
// Security Policy: an inline script (refused by the policy), a script that
// logs an error and throws, an inline style (refused too), an image that is missing
// and has no text alternative, a form control without a label, and text
// without contrast.
func TestBrowserChecksCatchProblems(t *testing.T) {
	s := startUI(t, httpapi.Options{}, webui.Options{})
	csp := s.get(t, "/ui/").header.Get("Content-Security-Policy")
	if csp == "" {
		t.Fatal("the interface's pages have no Content-Security-Policy")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /bad", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad</title>
<link rel="stylesheet" href="/bad.css"><script src="/bad.js"></script></head><body><main><h1>Bad</h1>
<script>document.title = "inline ran";</script>
<img src="/missing.png">
<input type="text" name="q">
<p style="color:#777">inline style</p>
<p class="faint">faint text</p>
</main></body></html>`)
	})
	mux.HandleFunc("GET /bad.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		_, _ = fmt.Fprint(w, `.faint { color: #eee; background: #fff; }`)
	})
	mux.HandleFunc("GET /bad.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		_, _ = fmt.Fprint(w, `console.error("bad.js reports an error"); setTimeout(function () { throw new Error("bad.js throws"); }, 0);`)
	})
	bad := httptest.NewServer(mux)
	defer bad.Close()

	ctx := newTab(t)
	navigate(t, ctx, bad.URL+"/bad")
	if title := eval[string](t, ctx, `document.title`); title != "Bad" {
		t.Errorf("the inline script ran under the policy: title %q", title)
	}
	// Let the timer's exception happen.
	eval[bool](t, ctx, `new Promise(r => setTimeout(() => r(true), 50))`, chromedp.EvalAwaitPromise)
	problems := strings.Join(consoleProblems(t, ctx), "\n")
	for _, want := range []string{
		"Content Security Policy", // the inline script and the inline style
		"bad.js reports an error", // console.error
		"bad.js throws",           // an uncaught exception
		"404",                     // the missing image
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("the console check missed %q; it saw:\n%s", want, problems)
		}
	}
	if t.Failed() {
		return
	}
	got := map[string]axeViolation{}
	for _, v := range a11yViolations(t, ctx) {
		got[v.ID] = v
	}
	for _, want := range []struct{ id, node string }{
		{"image-alt", "img"},
		{"label", "input"},
		{"color-contrast", ".faint"},
	} {
		v, ok := got[want.id]
		if !ok {
			t.Errorf("axe missed %s; it found %v", want.id, got)
			continue
		}
		if v.Impact != "critical" && v.Impact != "serious" {
			t.Errorf("%s has impact %q, want serious or critical (the check would not fail on it)", want.id, v.Impact)
		}
		if !slices.ContainsFunc(v.Nodes, func(n string) bool { return strings.Contains(n, want.node) }) {
			t.Errorf("%s names the nodes %v, want a selector of %s", want.id, v.Nodes, want.node)
		}
	}
}

// TestBrowserFormHelpers: fill and submit, which the pages' scenario tests
// use, type into a labelled field and post the form, following the
// post/redirect/get answer to the page it leads to.
func TestBrowserFormHelpers(t *testing.T) {
	posted := make(chan string, 10)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Form</title></head>
<body><main><h1>Form</h1><p id="said">%s</p>
<form method="post" action="/form"><label for="name">Name</label> <input id="name" name="name" value="old">
<button type="submit" id="send">Send</button></form></main></body></html>`, html.EscapeString(r.URL.Query().Get("said")))
	})
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) {
		name := r.PostFormValue("name")
		posted <- name
		http.Redirect(w, r, "/form?said="+url.QueryEscape("hello "+name), http.StatusSeeOther)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := newTab(t)
	navigate(t, ctx, srv.URL+"/form")
	fill(t, ctx, "#name", "Ada <admin>")
	if status := submit(t, ctx, "#send"); status != http.StatusOK {
		t.Fatalf("submit: status %d", status)
	}
	if len(posted) != 1 {
		t.Fatalf("%d posts, want 1", len(posted))
	}
	if got := <-posted; got != "Ada <admin>" {
		t.Fatalf("posted %q, want the typed name replacing the old one", got)
	}
	if got := textOf(t, ctx, "#said"); got != "hello Ada <admin>" {
		t.Errorf("the page after the post says %q", got)
	}
	if loc := eval[string](t, ctx, `location.pathname + location.search`); !strings.HasPrefix(loc, "/form?said=") {
		t.Errorf("after the post the browser is at %s, want the page the 303 named", loc)
	}
	checkConsole(t, ctx, "form")
	checkA11y(t, ctx, "form")
}

// recordTB keeps the errors a check reports instead of failing the test,
// so that a test can assert that the check does fail.
type recordTB struct {
	testing.TB
	errs []string
}

func (r *recordTB) Helper() {}

func (r *recordTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestBrowserPageChecksCatchProblems: checkKeyboard and checkPage report a
// page whose first tab stop is not the skip link, whose tab order is not
// the document's, whose link hides its focus, that ignores the dark theme
// and that is wider than a phone.
func TestBrowserPageChecksCatchProblems(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /bad", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Bad</title>
<link rel="stylesheet" href="/bad.css"></head><body>
<a class="skip" href="#main">Skip to content</a>
<main id="main" tabindex="-1"><h1>Bad</h1>
<p><a class="nofocus" href="/elsewhere">Hidden focus</a></p>
<p><button type="button" tabindex="3">Jumps the queue</button></p>
<div class="wide">Too wide</div>
</main></body></html>`)
	})
	mux.HandleFunc("GET /bad.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		_, _ = fmt.Fprint(w, `body { background: #fff; color: #000; }
a.nofocus:focus, a.nofocus:focus-visible { outline: none; }
.wide { width: 600px; }`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := newTab(t)
	desktop(t, ctx)
	navigate(t, ctx, srv.URL+"/bad")
	kbd := &recordTB{TB: t}
	checkKeyboard(kbd, ctx, "bad")
	page := &recordTB{TB: t}
	checkPage(page, ctx, "bad")
	for _, c := range []struct {
		check string
		errs  []string
		want  string
	}{
		{"checkKeyboard", kbd.errs, "the first tab stop is <button>"},
		{"checkKeyboard", kbd.errs, "not the document's order"},
		{"checkKeyboard", kbd.errs, `"Hidden focus" has no visible focus indicator`},
		{"checkPage", page.errs, "bad-dark: the body's background is rgb(255, 255, 255) in the dark theme"},
		{"checkPage", page.errs, "bad-phone: at a phone's width of 360 px the page lays out 608 px wide"},
	} {
		if !slices.ContainsFunc(c.errs, func(e string) bool { return strings.Contains(e, c.want) }) {
			t.Errorf("%s did not report %q; it reported:\n%s", c.check, c.want, strings.Join(c.errs, "\n"))
		}
	}
}
