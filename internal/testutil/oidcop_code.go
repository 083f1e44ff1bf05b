package testutil

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// The web client of the in-process provider: a confidential client of the
// authorization code flow (with PKCE), as a web interface signs in with.
// Its redirect URIs are registered by the test (AllowRedirect).
const (
	WebClientID     = "unet-web"
	WebClientSecret = "unet-web-secret"
)

// signInPath is the provider's sign-in page: where the authorization
// endpoint sends the browser, and which signs in as the user the test chose
// (SignInAs) without asking.
const signInPath = "/sign-in"

// codeFlow holds the authorization requests of the code flow.
type codeFlow struct {
	redirects []string
	subject   string // who the sign-in page signs in ("" refuses)
	requests  map[string]*authReq
	codes     map[string]string // code → request ID
}

// AllowRedirect registers a redirect URI of the web client.
func (p *OIDCProvider) AllowRedirect(uri string) {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.code.redirects = append(p.store.code.redirects, uri)
}

// SignInAs makes the provider's sign-in page sign the browser in as the
// user subject, as a user typing a password there would ("" makes it
// refuse: the browser goes back with error=access_denied).
func (p *OIDCProvider) SignInAs(subject string) {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.code.subject = subject
}

func (s *opStorage) webRedirects() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.code.redirects)
}

// withSignIn serves the sign-in page beside the provider's own routes.
func (s *opStorage) withSignIn(provider http.Handler, issuer string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", provider)
	mux.HandleFunc("GET "+signInPath, func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		s.mu.Lock()
		req, ok := s.code.requests[id]
		subject := s.code.subject
		if ok && subject != "" {
			req.subject, req.authTime, req.done = subject, time.Now(), true
		}
		s.mu.Unlock()
		if !ok {
			http.Error(w, "no such authorization request", http.StatusBadRequest)
			return
		}
		if subject == "" {
			u := req.RedirectURI + "?error=access_denied&state=" + req.State
			http.Redirect(w, r, u, http.StatusFound)
			return
		}
		http.Redirect(w, r, issuer+"/authorize/callback?id="+id, http.StatusFound)
	})
	return mux
}

// authReq is an authorization request of the code flow.
type authReq struct {
	*oidc.AuthRequest
	id       string
	subject  string
	authTime time.Time
	done     bool
}

func (a *authReq) GetID() string                      { return a.id }
func (a *authReq) GetACR() string                     { return "" }
func (a *authReq) GetAMR() []string                   { return []string{"pwd"} }
func (a *authReq) GetAudience() []string              { return []string{a.ClientID} }
func (a *authReq) GetAuthTime() time.Time             { return a.authTime }
func (a *authReq) GetClientID() string                { return a.ClientID }
func (a *authReq) GetNonce() string                   { return a.Nonce }
func (a *authReq) GetRedirectURI() string             { return a.RedirectURI }
func (a *authReq) GetResponseType() oidc.ResponseType { return a.ResponseType }
func (a *authReq) GetResponseMode() oidc.ResponseMode { return a.ResponseMode }
func (a *authReq) GetScopes() []string                { return a.Scopes }
func (a *authReq) GetState() string                   { return a.State }
func (a *authReq) GetSubject() string                 { return a.subject }
func (a *authReq) Done() bool                         { return a.done }
func (a *authReq) GetCodeChallenge() *oidc.CodeChallenge {
	if a.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: a.CodeChallenge, Method: a.CodeChallengeMethod}
}

func (s *opStorage) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	a := &authReq{AuthRequest: r, id: fmt.Sprintf("ar-%d", s.seq)}
	if s.code.requests == nil {
		s.code.requests, s.code.codes = map[string]*authReq{}, map[string]string{}
	}
	s.code.requests[a.id] = a
	return a, nil
}

func (s *opStorage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.code.requests[id]; ok {
		return a, nil
	}
	return nil, errors.New("authorization request not found")
}

func (s *opStorage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.code.requests[s.code.codes[code]]; ok {
		return a, nil
	}
	return nil, errors.New("authorization code not found")
}

func (s *opStorage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.code.requests[id]; !ok {
		return errors.New("authorization request not found")
	}
	s.code.codes[code] = id
	return nil
}

// DeleteAuthRequest drops a request once its code is exchanged: a code is
// single-use.
func (s *opStorage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.code.requests, id)
	for c, rid := range s.code.codes {
		if rid == id {
			delete(s.code.codes, c)
		}
	}
	return nil
}
