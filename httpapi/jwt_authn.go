package httpapi

import (
	"context"
	"net/http"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/auth"
)

// JWTVerifier verifies μNet access tokens (service.Service is one). It
// answers (nil, nil) for a JWT of another issuer, which the next
// authenticator (OIDC) may take.
type JWTVerifier interface {
	AuthenticateJWT(ctx context.Context, token string) (*unet.Principal, error)
}

// JWTAuthenticator authenticates the access tokens of password logins,
// sent as bearer credentials.
type JWTAuthenticator struct {
	Verifier JWTVerifier
}

// Authenticate verifies the request's access token, if it carries one.
func (a JWTAuthenticator) Authenticate(r *http.Request) (*unet.Principal, error) {
	tok := BearerToken(r)
	if !auth.LooksLikeJWT(tok) {
		return nil, nil
	}
	return a.Verifier.AuthenticateJWT(r.Context(), tok)
}

// UserVerifier maps an identity established outside μNet's credentials to
// an enabled user (service.Service is one).
type UserVerifier interface {
	AuthenticateUser(ctx context.Context, name, method string) (*unet.Principal, error)
}

// CertAuthenticator authenticates a verified client certificate (mTLS,
// --client-ca): its subject common name names a μNet user, which must exist
// and be enabled. A request that also carries an Authorization header is
// left to the bearer authenticators: an explicit credential wins.
type CertAuthenticator struct {
	Verifier UserVerifier
}

// Authenticate maps the request's client certificate to a user, if it
// carries a verified one.
func (a CertAuthenticator) Authenticate(r *http.Request) (*unet.Principal, error) {
	if r.Header.Get("Authorization") != "" {
		return nil, nil
	}
	cn := ClientCertSubject(r)
	if cn == "" {
		return nil, nil
	}
	return a.Verifier.AuthenticateUser(r.Context(), cn, unet.AuthMethodMTLS)
}
