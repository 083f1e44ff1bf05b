package webui

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// The cookies of a session. All are HttpOnly, SameSite=Strict, Path=/ui/
// and Secure when the client reached the server over TLS (httpapi.OverTLS:
// directly, or through a trusted proxy that terminates TLS).
const (
	// cookieAccess holds the bearer credential of the session: the access
	// token (JWT) of a password sign-in, or the ID token of an OpenID
	// Connect sign-in.
	cookieAccess = "unet_session"
	// cookieRefresh holds the single-use refresh token of a password
	// sign-in, which buys the next access token.
	cookieRefresh = "unet_refresh"
	// cookieCSRF holds the random value the forms' CSRF token is derived
	// from (csrf.go).
	cookieCSRF = "unet_csrf"
)

// expirySkew is how long before its expiry an access token is refreshed:
// a token about to expire would expire during the request.
const expirySkew = 5 * time.Second

// refreshGrace is how long the pair a refresh token bought is remembered
// for the browser that spent it (the same refresh token and CSRF cookie):
// requests a browser sends at once with the same expired session share one
// refresh instead of presenting the single-use refresh token twice (which
// would revoke the session). Another browser presenting the spent token
// is a reuse: the service revokes the session.
const refreshGrace = 10 * time.Second

// session is what a request's cookies carry.
type session struct {
	access  string
	refresh string
	csrf    string
	// refreshed tells that this request refreshed the session already.
	refreshed bool
}

// refreshCache remembers the pairs recent refreshes bought, by the digest
// of the refresh token they consumed.
type refreshCache struct {
	mu    sync.Mutex
	pairs map[[32]byte]refreshed
}

type refreshed struct {
	pair *unet.TokenPair
	at   time.Time
}

// readSession reads the session cookies of r. When the access token has
// expired (or is missing) and a refresh token is present, it is refreshed
// once: the new pair replaces the cookies. A refresh that fails ends the
// session (its cookies are cleared).
func (u *UI) readSession(w http.ResponseWriter, r *http.Request) session {
	s := session{access: cookieValue(r, cookieAccess), refresh: cookieValue(r, cookieRefresh), csrf: cookieValue(r, cookieCSRF)}
	if s.refresh == "" {
		return s
	}
	if c, ok := tokenClaims(s.access); ok && time.Now().Add(c.skew()).Before(c.expires()) {
		return s
	}
	return u.renewSession(w, r, s)
}

// renewSession refreshes the session s once: the new pair replaces the
// cookies; a refresh that fails clears them.
func (u *UI) renewSession(w http.ResponseWriter, r *http.Request, s session) session {
	s.refreshed = true
	pair, err := u.refreshSession(r.Context(), s.refresh, s.csrf)
	if err != nil {
		if unet.ErrorCode(err) != unet.EUNAUTHORIZED {
			u.log.WarnContext(r.Context(), "web session refresh failed", "error", err)
		}
		clearSession(w, r)
		return session{csrf: s.csrf, refreshed: true}
	}
	s.access, s.refresh = pair.AccessToken, pair.RefreshToken
	setTokenCookies(w, r, pair)
	return s
}

// refreshSession exchanges a refresh token for a new pair, or returns the
// pair it bought within refreshGrace for the same browser (csrf is its
// CSRF cookie).
func (u *UI) refreshSession(ctx context.Context, refresh, csrf string) (*unet.TokenPair, error) {
	key := sha256.Sum256([]byte(refresh + "\x00" + csrf))
	c := &u.refreshes
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if e, ok := c.pairs[key]; ok && now.Sub(e.at) < refreshGrace {
		return e.pair, nil
	}
	pair, err := u.svc.Refresh(ctx, unet.RefreshRequest{RefreshToken: refresh})
	if err != nil {
		return nil, err
	}
	if c.pairs == nil {
		c.pairs = map[[32]byte]refreshed{}
	}
	for k, e := range c.pairs {
		if now.Sub(e.at) >= refreshGrace {
			delete(c.pairs, k)
		}
	}
	c.pairs[key] = refreshed{pair: pair, at: now}
	return pair, nil
}

// setTokenCookies stores a token pair in the session cookies; the access
// token's cookie lives as long as the refresh token, so that an expired
// access token can be refreshed.
func setTokenCookies(w http.ResponseWriter, r *http.Request, pair *unet.TokenPair) {
	age := pair.RefreshExpiresIn
	setCookie(w, r, cookieAccess, pair.AccessToken, age)
	setCookie(w, r, cookieRefresh, pair.RefreshToken, age)
}

// startSession sets the cookies of a new session: its credential (and
// refresh token, when there is one) and a new CSRF value, so that no form
// token of before the sign-in is valid after it. It returns the CSRF value.
func startSession(w http.ResponseWriter, r *http.Request, access, refresh string, maxAge int) (string, error) {
	csrf, err := newCSRFValue()
	if err != nil {
		return "", err
	}
	setCookie(w, r, cookieAccess, access, maxAge)
	if refresh != "" {
		setCookie(w, r, cookieRefresh, refresh, maxAge)
	} else {
		setCookie(w, r, cookieRefresh, "", -1)
	}
	setCookie(w, r, cookieCSRF, csrf, maxAge)
	return csrf, nil
}

// clearSession removes the session's credentials and its CSRF value.
func clearSession(w http.ResponseWriter, r *http.Request) {
	for _, name := range []string{cookieAccess, cookieRefresh, cookieCSRF} {
		setCookie(w, r, name, "", -1)
	}
}

// setCookie sets (maxAge > 0: for that many seconds; 0: for the browser's
// session) or removes (maxAge < 0) one of the interface's cookies.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: Prefix, MaxAge: maxAge,
		HttpOnly: true, Secure: httpapi.OverTLS(r), SameSite: http.SameSiteStrictMode})
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// claims are the few claims of a session's token the interface reads
// without verifying them: when it expires (to refresh it in time) and whom
// it names (to bind the CSRF token to the session's user). The Authorizer
// verifies the token itself.
type claims struct {
	Exp float64 `json:"exp"`
	Iat float64 `json:"iat"`
	Sub string  `json:"sub"`
}

func (c claims) expires() time.Time { return time.Unix(int64(c.Exp), 0) }

// skew is how long before its expiry the token is refreshed: expirySkew,
// or a quarter of a shorter lifetime.
func (c claims) skew() time.Duration {
	if life := time.Duration(c.Exp-c.Iat) * time.Second; life > 0 && life/4 < expirySkew {
		return life / 4
	}
	return expirySkew
}

// tokenClaims decodes the payload of a JWT (no verification).
func tokenClaims(tok string) (claims, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return claims{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return claims{}, false
	}
	var c claims
	if err := json.Unmarshal(b, &c); err != nil {
		return claims{}, false
	}
	return c, true
}

// withBearer returns a shallow clone of r carrying the session's
// credential as "Authorization: Bearer", for the Authorizer; a request
// that carries an Authorization header of its own keeps it.
func withBearer(r *http.Request, token string) *http.Request {
	if token == "" || r.Header.Get("Authorization") != "" {
		return r
	}
	c := r.WithContext(r.Context())
	c.Header = r.Header.Clone()
	c.Header.Set("Authorization", "Bearer "+token)
	return c
}

type sessionKey struct{}

// withSession records the request's session in ctx (sign-out reads its
// refresh token).
func withSession(ctx context.Context, s session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// sessionFrom is the session of the request of ctx.
func sessionFrom(ctx context.Context) session {
	s, _ := ctx.Value(sessionKey{}).(session)
	return s
}
