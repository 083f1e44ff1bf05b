package webui

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// The sign-in and sign-out paths.
const (
	loginPath  = Prefix + "login"
	logoutPath = Prefix + "logout"
)

// errBadSignIn is the one answer to a failed sign-in, whatever failed.
const errBadSignIn = "user name or password is wrong"

// routesAuth registers the sign-in and sign-out pages.
func (u *UI) routesAuth() {
	u.handle("GET "+loginPath, unet.PermPublic, u.loginPage)
	u.handle("POST "+loginPath, unet.PermPublic, u.loginPost)
	u.handle("POST "+logoutPath, unet.PermPublic, u.logoutPost)
	u.routesOIDC()
}

// loginView is the sign-in page's data.
type loginView struct {
	// Mode is the server's auth mode (none, local, oidc).
	Mode string
	// Next is where a successful sign-in goes.
	Next string
	// Username is the name typed before a failed attempt.
	Username string
	// Error is why the last attempt failed.
	Error string
	// Issuer is the OpenID provider of an OpenID Connect sign-in.
	Issuer string
	// OIDC tells that the page offers the OpenID Connect sign-in.
	OIDC bool
	// Continue is where a completed OpenID Connect sign-in goes on to.
	Continue string
}

func (u *UI) loginView(r *http.Request) loginView {
	v := loginView{Mode: u.opts.Authorizer.Mode(), Next: safeNext(r.FormValue("next"))}
	if u.opts.OIDC != nil {
		v.OIDC, v.Issuer = true, u.opts.OIDC.Issuer
	}
	return v
}

// loginPage answers GET /ui/login: the sign-in form, or in auth mode none
// a note that there is no sign-in, which goes on to the dashboard.
func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) error {
	v := u.loginView(r)
	if v.Mode == "none" {
		w.Header().Set("Refresh", "3; url="+Prefix)
	}
	return u.render(w, r, http.StatusOK, "login", view{Title: "Sign in", Page: v})
}

// loginPost answers POST /ui/login: a password sign-in through the
// service's Login, throttled like the API's login route. A success sets
// the session cookies and goes on to next; a failure shows the form again
// with one generic error.
func (u *UI) loginPost(w http.ResponseWriter, r *http.Request) error {
	v := u.loginView(r)
	switch v.Mode {
	case "none":
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return nil
	case "oidc":
		v.Error = "this server signs in through " + v.Issuer
		return u.render(w, r, http.StatusBadRequest, "login", view{Title: "Sign in", Page: v})
	}
	v.Username = r.PostFormValue("username")
	password := r.PostFormValue("password")
	name := auditName(v.Username)
	setAuditSubject(r.Context(), &unet.Principal{User: name, Method: unet.AuthMethodPassword})
	if v.Username == "" || password == "" {
		v.Error = "enter a user name and a password"
		return u.render(w, r, http.StatusBadRequest, "login", view{Title: "Sign in", Page: v})
	}
	keys := httpapi.LoginThrottleKeys(name, httpapi.SourceAddr(r))
	th := u.opts.LoginThrottle
	if wait := th.Wait(keys...); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		v.Error = fmt.Sprintf("too many failed sign-ins for this user or from this address: try again in %d s", secs)
		return u.render(w, r, http.StatusTooManyRequests, "login", view{Title: "Sign in", Page: v})
	}
	release, ok := httpapi.AcquireLoginSlot()
	if !ok {
		w.Header().Set("Retry-After", "1")
		v.Error = "the server is verifying as many sign-ins as it can: try again in a second"
		return u.render(w, r, http.StatusServiceUnavailable, "login", view{Title: "Sign in", Page: v})
	}
	pair, err := u.svc.Login(r.Context(), unet.LoginRequest{Username: v.Username, Password: password})
	release()
	if err != nil {
		switch unet.ErrorCode(err) {
		case unet.EUNAUTHORIZED:
			th.Fail(keys...)
			v.Error = errBadSignIn
			return u.render(w, r, http.StatusUnauthorized, "login", view{Title: "Sign in", Page: v})
		case unet.EINVALID:
			v.Error = "enter a user name and a password"
			return u.render(w, r, http.StatusBadRequest, "login", view{Title: "Sign in", Page: v})
		case unet.EUNAVAILABLE:
			// Sign-in is not configured (no token pepper, no usable
			// signing key): the reason goes to the server's log.
			u.log.WarnContext(r.Context(), "web sign-in unavailable", "error", err)
			v.Error = "signing in is not available on this server; the reason is in the server's log"
			return u.render(w, r, http.StatusServiceUnavailable, "login", view{Title: "Sign in", Page: v})
		}
		return err
	}
	th.Forget(keys[0])
	if _, err := startSession(w, r, pair.AccessToken, pair.RefreshToken, pair.RefreshExpiresIn); err != nil {
		return err
	}
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
	return nil
}

// logoutPost answers POST /ui/logout: the session (its refresh token
// family) is revoked and the cookies cleared. The access token already
// issued expires on its own; the browser no longer holds it.
func (u *UI) logoutPost(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r.Context())
	if s.refresh != "" {
		err := u.svc.Logout(r.Context(), unet.RefreshRequest{RefreshToken: s.refresh})
		if err != nil && unet.ErrorCode(err) != unet.EUNAUTHORIZED {
			return err
		}
	}
	clearSession(w, r)
	http.Redirect(w, r, loginPath, http.StatusSeeOther)
	return nil
}

// safeNext is where a sign-in may go on to: a local path under /ui/
// (never another host, nor a scheme-relative "//host" path), else /ui/.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, Prefix) || strings.ContainsAny(next, "\\\r\n\t") {
		return Prefix
	}
	p, err := url.Parse(next)
	if err != nil || p.Scheme != "" || p.Host != "" || p.User != nil || !strings.HasPrefix(p.Path, Prefix) ||
		strings.Contains(p.Path, "/../") || strings.HasSuffix(p.Path, "/..") {
		return Prefix
	}
	return p.RequestURI()
}

// auditName is a claimed user name as the audit log records it: a name
// longer than a user name may be, or with control characters, is not
// recorded as given.
func auditName(name string) string {
	if name == "" || len(name) > 64 {
		return "(invalid name)"
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return "(invalid name)"
		}
	}
	return name
}
