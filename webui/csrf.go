package webui

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	"github.com/unet-dev/unet"
)

// csrfField is the name of the forms' hidden CSRF field (template "csrf");
// csrfHeader carries the token of a request sent by a script.
const (
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
)

// errCSRF is the answer to a form whose CSRF token is missing or wrong.
var errCSRF = unet.Errorf(unet.EFORBIDDEN, "the form has expired or was not sent by this site; reload the page")

// The CSRF token of a session is a double submit bound to the session: a
// random value in its own cookie (new at every sign-in and sign-out), and
// in each form the HMAC, under the server's CSRF key, of that value and of
// the user the session's credential names. Another site can neither read
// the cookie nor compute the HMAC without the key; a value planted in the
// cookie by a neighbouring host is worthless without its HMAC; a token
// copied from another session differs in value or in user (docs/ui.md,
// Signing in).

// newCSRFValue returns a new random value for the CSRF cookie.
func newCSRFValue() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// csrfToken is the token of the forms of a session whose CSRF cookie holds
// value and whose credential names user ("" before sign-in).
func (u *UI) csrfToken(value, user string) string {
	if value == "" {
		return ""
	}
	m := hmac.New(sha256.New, u.csrfKey)
	m.Write([]byte("unet web interface form\x00"))
	m.Write([]byte(value))
	m.Write([]byte{0})
	m.Write([]byte(user))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfUser is the user a session's credential names, for the binding of
// the CSRF token (read without verification: the Authorizer verifies the
// credential itself, and a forged one only binds the forger's own forms).
func csrfUser(s session) string {
	c, _ := tokenClaims(s.access)
	return c.Sub
}

// ensureCSRF gives the browser a CSRF cookie when it has none yet, so
// that the forms of the page carry a token. It returns the cookie's value.
func ensureCSRF(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.csrf != "" {
		return nil
	}
	v, err := newCSRFValue()
	if err != nil {
		return err
	}
	setCookie(w, r, cookieCSRF, v, 0)
	s.csrf = v
	return nil
}

// checkCSRF refuses a form whose token is not the session's: the form
// field csrf_token (or the X-CSRF-Token header) must equal the token of
// the request's CSRF cookie and credential.
func (u *UI) checkCSRF(r *http.Request, s session) error {
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	want := u.csrfToken(s.csrf, csrfUser(s))
	if got == "" || want == "" || !hmac.Equal([]byte(got), []byte(want)) {
		return errCSRF
	}
	return nil
}

// parseForm reads a posted form (url-encoded or multipart, up to
// MaxFormBytes), so that its CSRF field can be checked and its handler
// reads it.
func (u *UI) parseForm(r *http.Request) error {
	var err error
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(strings.ToLower(ct), "multipart/form-data") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err == nil {
		return nil
	}
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return unet.Errorf(unet.EINVALID, "the form is larger than %d bytes", mbe.Limit)
	}
	return unet.Errorf(unet.EINVALID, "the form could not be read: %v", err)
}

type csrfKey struct{}

// withCSRF records the page's CSRF token in ctx, for render.
func withCSRF(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, csrfKey{}, token)
}

// csrfFrom is the CSRF token of the page of ctx ("" outside serve).
func csrfFrom(ctx context.Context) string {
	t, _ := ctx.Value(csrfKey{}).(string)
	return t
}
