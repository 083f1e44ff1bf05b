package httpapi

import (
	"context"
	"net/http"

	"github.com/unet-dev/unet"
)

var _ unet.SessionService = (*Client)(nil)

// TokenSource supplies the bearer credential of a client's requests: a
// login session whose access token is refreshed before it expires.
type TokenSource interface {
	// Token returns the credential to send ("" for none).
	Token(ctx context.Context) (string, error)
	// Renew is called once after a 401 answer to a request that carried
	// stale; it returns a fresh credential or the error that ends the
	// session.
	Renew(ctx context.Context, stale string) (string, error)
}

type renewedKey struct{}

func withRenewed(ctx context.Context) context.Context {
	return context.WithValue(ctx, renewedKey{}, true)
}

func renewed(ctx context.Context) bool { v, _ := ctx.Value(renewedKey{}).(bool); return v }

// Login logs in on the server with a user name and password.
func (c *Client) Login(ctx context.Context, req unet.LoginRequest) (*unet.TokenPair, error) {
	return fetch[unet.TokenPair](ctx, c, call{method: http.MethodPost, path: BasePath + "/auth/login", body: req})
}

// Refresh exchanges a refresh token for a new pair.
func (c *Client) Refresh(ctx context.Context, req unet.RefreshRequest) (*unet.TokenPair, error) {
	return fetch[unet.TokenPair](ctx, c, call{method: http.MethodPost, path: BasePath + "/auth/refresh", body: req})
}

// Logout ends the session of a refresh token on the server.
func (c *Client) Logout(ctx context.Context, req unet.RefreshRequest) error {
	return c.do(ctx, call{method: http.MethodPost, path: BasePath + "/auth/logout", body: req})
}

// RotateSigningKeys makes a new signing key active on the server.
func (c *Client) RotateSigningKeys(ctx context.Context) (*unet.SigningKey, error) {
	return fetch[unet.SigningKey](ctx, c, call{method: http.MethodPost, path: BasePath + "/auth/keys/rotate"})
}

// ListSigningKeys lists the server's signing keys.
func (c *Client) ListSigningKeys(ctx context.Context) ([]unet.SigningKey, error) {
	l, err := fetch[unet.List[unet.SigningKey]](ctx, c, call{method: http.MethodGet, path: BasePath + "/auth/keys"})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// JWKS fetches the server's public keys.
func (c *Client) JWKS(ctx context.Context) (*unet.JWKSet, error) {
	return fetch[unet.JWKSet](ctx, c, call{method: http.MethodGet, path: JWKSPath})
}
