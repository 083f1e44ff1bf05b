package httpapi

import (
	"context"
	"net/http"
	"time"
)

// authConfigTimeout bounds the discovery the auth-config route may trigger.
const authConfigTimeout = 5 * time.Second

// authConfigRoutes is the public route that tells a client how to log in:
// the CLI needs only the server's URL.
func (s *Server) authConfigRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: BasePath + "/auth/config", Permission: PermPublic, OperationID: "getAuthConfig",
			Tag: "identity", Summary: "How to log in: the auth mode and, in mode oidc, the issuer, client ID and device authorization endpoint",
			Status: http.StatusOK, Result: AuthConfig{}, handle: s.authConfig},
	}
}

// authConfig answers the auth mode, and what an Authorizer that is an
// AuthConfigurer adds (the OIDC issuer and client ID).
func (s *Server) authConfig(w http.ResponseWriter, r *http.Request) error {
	c := AuthConfig{Mode: s.opts.Authorizer.Mode()}
	if ac, ok := s.opts.Authorizer.(AuthConfigurer); ok {
		ctx, cancel := context.WithTimeout(r.Context(), authConfigTimeout)
		defer cancel()
		c = ac.AuthConfig(ctx)
	}
	s.writeJSON(w, http.StatusOK, c)
	return nil
}
