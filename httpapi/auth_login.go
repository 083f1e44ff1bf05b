package httpapi

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"strconv"
	"unicode"

	"github.com/unet-dev/unet"
)

// AuthMethodRefresh is the audit method of a refresh-token exchange.
const AuthMethodRefresh = "refresh"

// JWKSPath is where the server publishes the public keys of its access
// tokens (RFC 8414 well-known location of a JWK Set).
const JWKSPath = "/.well-known/jwks.json"

// sessionRoutes are the routes of password login, token refresh, logout
// and the signing keys.
func (s *Server) sessionRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: BasePath + "/auth/login", Permission: PermPublic, OperationID: "login", Tag: "auth",
			Summary: "Log in with a user name and password: an access token (JWT) and a refresh token " +
				"(401 on a wrong name or password, 429 with Retry-After after repeated failures)",
			Body: unet.LoginRequest{}, Status: http.StatusOK, Result: unet.TokenPair{}, handle: s.login},
		{Method: http.MethodPost, Path: BasePath + "/auth/refresh", Permission: PermPublic, OperationID: "refreshToken", Tag: "auth",
			Summary: "Exchange a refresh token, once, for a new token pair; a reused refresh token revokes its session",
			Body:    unet.RefreshRequest{}, Status: http.StatusOK, Result: unet.TokenPair{}, handle: s.refresh},
		{Method: http.MethodPost, Path: BasePath + "/auth/logout", Permission: PermPublic, OperationID: "logout", Tag: "auth",
			Summary: "End the session of a refresh token (its whole family is revoked)",
			Body:    unet.RefreshRequest{}, Status: http.StatusNoContent, handle: s.logout},
		{Method: http.MethodGet, Path: JWKSPath, Permission: PermPublic, OperationID: "getJWKS", Tag: "auth",
			Summary: "The public keys (JWK Set, Ed25519) that verify the server's access tokens",
			Status:  http.StatusOK, Result: unet.JWKSet{}, handle: s.jwks},
		{Method: http.MethodGet, Path: BasePath + "/auth/keys", Permission: PermUsersRead, OperationID: "listSigningKeys", Tag: "auth",
			Summary: "List the access token signing keys: the active one and those still verifying",
			Status:  http.StatusOK, Result: unet.List[unet.SigningKey]{}, handle: s.listSigningKeys},
		{Method: http.MethodPost, Path: BasePath + "/auth/keys/rotate", Permission: PermUsersWrite, OperationID: "rotateSigningKeys", Tag: "auth",
			Summary: "Make a new signing key active; the previous ones verify until their tokens expire",
			Status:  http.StatusCreated, Result: unet.SigningKey{}, handle: s.rotateSigningKeys},
	}
}

// loginSlots bounds the password logins verified at once: each argon2id
// verification takes tens of milliseconds and 64 MiB, and the login route
// is public.
var loginSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var b unet.LoginRequest
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	name := auditName(b.Username)
	setAuditSubject(r, &unet.Principal{User: name, Method: unet.AuthMethodPassword})
	keys := loginKeys(name, SourceAddr(r))
	th := s.opts.LoginThrottle
	if wait := th.Wait(keys...); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		return statusError(http.StatusTooManyRequests, unet.EUNAVAILABLE,
			fmt.Sprintf("too many failed logins for this user or from this address: try again in %d s", secs))
	}
	select {
	case loginSlots <- struct{}{}:
		defer func() { <-loginSlots }()
	default:
		w.Header().Set("Retry-After", "1")
		return statusError(http.StatusServiceUnavailable, unet.EUNAVAILABLE, "the server is verifying as many logins as it can: try again in 1 s")
	}
	pair, err := s.svc.Login(r.Context(), b)
	if err != nil {
		if unet.ErrorCode(err) == unet.EUNAUTHORIZED {
			th.Fail(keys...)
		}
		return err
	}
	th.Forget(keys[0])
	s.writeJSON(w, http.StatusOK, pair)
	return nil
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

func (s *Server) refresh(w http.ResponseWriter, r *http.Request) error {
	var b unet.RefreshRequest
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	pair, err := s.svc.Refresh(r.Context(), b)
	if err != nil {
		return err
	}
	setAuditSubject(r, &unet.Principal{User: pair.User, Method: AuthMethodRefresh})
	s.writeJSON(w, http.StatusOK, pair)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	var b unet.RefreshRequest
	if err := decodeBody(r, &b); err != nil {
		return err
	}
	if err := s.svc.Logout(r.Context(), b); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) error {
	set, err := s.svc.JWKS(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	s.writeJSON(w, http.StatusOK, set)
	return nil
}

func (s *Server) listSigningKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := s.svc.ListSigningKeys(r.Context())
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, unet.List[unet.SigningKey]{Items: keys, Total: len(keys)})
	return nil
}

func (s *Server) rotateSigningKeys(w http.ResponseWriter, r *http.Request) error {
	k, err := s.svc.RotateSigningKeys(r.Context())
	return reply(s, w, http.StatusCreated, k, err)
}

// auditSubject lets a public route name, for the audit log, the identity
// it dealt with (the user who tried to log in).
type auditSubject struct{ p *unet.Principal }

type auditSubjectKey struct{}

func withAuditSubject(ctx context.Context) (context.Context, *auditSubject) {
	h := &auditSubject{}
	return context.WithValue(ctx, auditSubjectKey{}, h), h
}

func setAuditSubject(r *http.Request, p *unet.Principal) {
	if h, ok := r.Context().Value(auditSubjectKey{}).(*auditSubject); ok {
		h.p = p
	}
}
