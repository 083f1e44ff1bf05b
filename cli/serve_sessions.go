package cli

import (
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
)

// localAuthenticators are the credentials auth mode local accepts, tried in
// order: API tokens, the access tokens (JWT) of password logins, then a
// verified client certificate whose subject names a user (mTLS, with
// --client-ca) when the request carries no Authorization header.
func localAuthenticators(svc *service.Service) []httpapi.Authenticator {
	return []httpapi.Authenticator{
		httpapi.TokenAuthenticator{Verifier: svc},
		httpapi.JWTAuthenticator{Verifier: svc},
		httpapi.CertAuthenticator{Verifier: svc},
	}
}
