package webui

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// Prefix is the path under which the interface is served.
const Prefix = "/ui/"

// Authorizer checks a permission for a request and names the caller; the
// API's authorizers (httpapi.Authorizer) satisfy it.
type Authorizer interface {
	Authorize(r *http.Request, perm unet.Permission) (*unet.Principal, error)
	Mode() string
}

// Options configure the interface. Zero values take the defaults named below.
type Options struct {
	// Authorizer checks each page's permission (default: every caller is
	// anonymous with every permission, as the API's auth mode none).
	Authorizer Authorizer
	// Logger receives the errors of pages (default: discarded).
	Logger *slog.Logger
	// Stop, when closed, ends the open live-update streams (GET
	// /ui/events): the server is shutting down and should not wait for them.
	Stop <-chan struct{}
	// LoginThrottle slows down repeated failed sign-ins; pass the API
	// server's, so that the sign-in form and the API's login route count
	// failures together (default: a throttle of the interface's own with
	// httpapi.DefaultLoginThrottle).
	LoginThrottle *httpapi.LoginThrottle
	// Audit receives an entry for every form posted and every page
	// refused for lack of permission, as the API's mutations and denials
	// (nil: nothing is recorded).
	Audit httpapi.AuditRecorder
	// CSRFKey keys the forms' CSRF tokens. Replicas behind one address
	// need the same key (default: a random key of this process).
	CSRFKey []byte
	// OIDC is the OpenID Connect sign-in of auth mode oidc (nil: the
	// sign-in page offers no OpenID Connect sign-in).
	OIDC *OIDCLogin
	// MaxFormBytes bounds the body of a posted form (default 8 MiB).
	MaxFormBytes int64
}

// UI is the web interface over a unet.Service.
type UI struct {
	svc    unet.Service
	opts   Options
	log    *slog.Logger
	mux    *http.ServeMux
	pages  map[string]*template.Template
	assets *assets
	// csrfKey keys the CSRF tokens (csrf.go); refreshes remembers recent
	// session refreshes (session.go).
	csrfKey   []byte
	refreshes refreshCache
	// oidc is the discovered provider of the OpenID Connect sign-in
	// (login_oidc.go).
	oidc oidcClient
}

// New builds the interface: its pages, templates and embedded assets.
func New(svc unet.Service, o Options) (*UI, error) {
	if svc == nil {
		return nil, errors.New("webui.New: no service")
	}
	if o.Authorizer == nil {
		o.Authorizer = openAuthorizer{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LoginThrottle == nil {
		o.LoginThrottle = httpapi.NewLoginThrottle(httpapi.DefaultLoginThrottle, nil)
	}
	if o.MaxFormBytes <= 0 {
		o.MaxFormBytes = 8 << 20
	}
	u := &UI{svc: svc, opts: o, log: o.Logger, mux: http.NewServeMux(), csrfKey: o.CSRFKey}
	if len(u.csrfKey) == 0 {
		u.csrfKey = make([]byte, 32)
		if _, err := rand.Read(u.csrfKey); err != nil {
			return nil, err
		}
	}
	var err error
	if u.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if u.pages, err = u.parsePages(); err != nil {
		return nil, err
	}
	u.routes()
	return u, nil
}

// Handler serves the interface: every path under Prefix.
func (u *UI) Handler() http.Handler { return u.mux }

// handler is a page or a form: it writes the answer or returns an error,
// which becomes an error page with the error's status.
type handler func(w http.ResponseWriter, r *http.Request) error

// handle registers a page or form on pattern ("GET /ui/nodes"), behind
// the checks of serve: the handler runs with the caller's principal and
// actor in the request's context.
func (u *UI) handle(pattern string, perm unet.Permission, h handler) {
	u.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		u.serve(w, r, perm, h)
	})
}

// serve reads the session (refreshing an expired access token once),
// authorizes the request with the API's Authorizer (the session's
// credential as a Bearer header), checks the CSRF token of a POST, runs h
// with the caller's principal and actor, answers an error as an error page
// (an unauthenticated GET is sent to the sign-in page) and records posts
// and refusals in the audit log.
func (u *UI) serve(w http.ResponseWriter, r *http.Request, perm unet.Permission, h handler) {
	sw := &statusWriter{ResponseWriter: w}
	w = sw
	post := r.Method != http.MethodGet && r.Method != http.MethodHead
	if post {
		r.Body = http.MaxBytesReader(w, r.Body, u.opts.MaxFormBytes)
	}
	sess := u.readSession(w, r)
	ar := withBearer(r, sess.access)
	p, err := u.opts.Authorizer.Authorize(ar, perm)
	if err != nil && statusOf(err) == http.StatusUnauthorized && sess.refresh != "" && !sess.refreshed {
		// An access token refused before its expiry (its signing key
		// retired, say): the refresh token may still buy a new one, once.
		sess = u.renewSession(w, r, sess)
		ar = withBearer(r, sess.access)
		p, err = u.opts.Authorizer.Authorize(ar, perm)
	}
	if perm == unet.PermPublic && p == nil && err == nil && sess.access != "" {
		// A public page (sign-in, sign-out) still names a signed-in
		// caller, for its page and the audit log: any permission's check
		// verifies the credential and returns its principal, held or not.
		p, _ = u.opts.Authorizer.Authorize(ar, unet.PermNodesRead)
	}
	ctx := r.Context()
	if p != nil {
		ctx = unet.WithPrincipal(unet.WithActor(ctx, actorOf(p)), p)
	}
	ctx, subject := withAuditSubject(ctx)
	if cerr := ensureCSRF(w, r, &sess); cerr != nil && err == nil {
		err = cerr
	}
	r = r.WithContext(withCSRF(ctx, u.csrfToken(sess.csrf, csrfUser(sess))))
	switch {
	case err != nil && statusOf(err) == http.StatusUnauthorized && !post:
		http.Redirect(w, r, loginPath+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	case err == nil && post:
		// A request that brings its own Authorization header (a script
		// with an API token) is not acting on a browser's cookies, which
		// is what a forged form would borrow: it needs no CSRF token. A
		// browser never adds that header to a cross-site form.
		if err = u.parseForm(r); err == nil && r.Header.Get("Authorization") == "" {
			err = u.checkCSRF(r, sess)
		}
		if r.MultipartForm != nil {
			defer func() { _ = r.MultipartForm.RemoveAll() }()
		}
	}
	if err == nil {
		err = h(w, r.WithContext(withSession(r.Context(), sess)))
	}
	if err != nil {
		u.renderError(w, r, err)
	}
	if p == nil {
		p = subject.p
	}
	u.audit(sw, r, perm, p, err)
}

func actorOf(p *unet.Principal) string {
	if p == nil || p.User == "" {
		return "anonymous"
	}
	return p.User
}

// openAuthorizer lets every caller in with every permission: the default of
// a server without authentication (auth mode none).
type openAuthorizer struct{}

func (openAuthorizer) Mode() string { return "none" }

func (openAuthorizer) Authorize(*http.Request, unet.Permission) (*unet.Principal, error) {
	return &unet.Principal{User: "anonymous", Method: unet.AuthMethodNone, Permissions: unet.GrantablePermissions()}, nil
}

// principal returns the caller of a page.
func principal(ctx context.Context) *unet.Principal { return unet.PrincipalFrom(ctx) }

// can reports whether the caller of ctx holds perm (a page shows a button
// only to those who may press it; the form checks again).
func can(ctx context.Context, perm unet.Permission) bool {
	p := principal(ctx)
	return p == nil || p.Can(perm)
}

// view is what every page's template receives: the page's own data and
// what the layout needs.
type view struct {
	// Title is the page's title (the <title> and the <h1>).
	Title string
	// Nav names the section of the menu that is current.
	Nav string
	// User is the caller.
	User *unet.Principal
	// Page is the page's own data.
	Page any
	// CSRF is the token every form of the page carries (template "csrf").
	CSRF string
	// Live lists the event types (patterns, comma-separated) on which the
	// page refreshes itself when JavaScript runs; empty: a static page.
	Live string
	ctx  context.Context
}

// Can reports whether the caller may do perm (for the templates).
func (v view) Can(perm string) bool { return can(v.ctx, unet.Permission(perm)) }

// render writes page name (templates/pages/NAME.html) inside the layout.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) error {
	t := u.pages[name]
	if t == nil {
		return fmt.Errorf("webui: no page template %q", name)
	}
	v.ctx = r.Context()
	v.User = principal(r.Context())
	if v.CSRF == "" {
		v.CSRF = csrfFrom(r.Context())
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		return fmt.Errorf("webui: render %s: %w", name, err)
	}
	setPageHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, b.String())
	return nil
}

// setPageHeaders replaces the API's Content-Security-Policy with one that
// lets a page load its own styles and scripts, and nothing else, and the
// API's Referrer-Policy no-referrer with same-origin: under no-referrer a
// browser sends "Origin: null" with the page's form posts, which the
// server's cross-origin check refuses; same-origin names this server in
// the posts and still tells other sites nothing.
func setPageHeaders(h http.Header) {
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

// renderError answers err as an error page with its status.
func (u *UI) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status >= 500 {
		u.log.ErrorContext(r.Context(), "web page failed", slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	msg := err.Error()
	if status >= 500 {
		msg = "The server could not build this page; the error is in the server's log."
	}
	if rerr := u.render(w, r, status, "error", view{Title: http.StatusText(status), Page: msg}); rerr != nil {
		http.Error(w, msg, status)
	}
}

// statusOf maps an error to an HTTP status by its unet code.
func statusOf(err error) int {
	var se interface{ StatusCode() int }
	if errors.As(err, &se) {
		return se.StatusCode()
	}
	switch unet.ErrorCode(err) {
	case unet.ENOTFOUND:
		return http.StatusNotFound
	case unet.EINVALID:
		return http.StatusBadRequest
	case unet.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case unet.EFORBIDDEN:
		return http.StatusForbidden
	case unet.ECONFLICT:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// parsePages parses each page with the layout and the partials.
func (u *UI) parsePages() (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(u.funcs()).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("webui: parse layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFS, f)
		}
		if err != nil {
			return nil, fmt.Errorf("webui: parse %s: %w", f, err)
		}
		pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return pages, nil
}

// funcs are the functions every template may call.
func (u *UI) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": u.assetPath,
	}
}
