package unet

import (
	"context"
	"time"
)

// Authentication methods of interactive sessions, recorded in the audit log
// beside AuthMethodToken: a password login, a JWT access token issued by
// one, and a verified client certificate (mTLS).
const (
	AuthMethodPassword = "password"
	AuthMethodJWT      = "jwt"
	AuthMethodMTLS     = "mtls"
)

// LoginRequest is the body of a password login. Password is write-only.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// RefreshRequest exchanges a refresh token for a new token pair (and, in a
// logout, names the session to end).
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// TokenPair is what a login or a refresh answers: a short-lived access
// token (a JWT, sent as "Authorization: Bearer …"), its lifetime in seconds,
// and a single-use refresh token that buys the next pair.
type TokenPair struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	// RefreshExpiresIn is the refresh token's lifetime in seconds.
	RefreshExpiresIn int `json:"refresh_expires_in"`
	// User is the name the tokens act for.
	User string `json:"user"`
}

// SigningKey describes one key that signs (Active) or still verifies JWT
// access tokens. The private half never leaves the database, where it is
// encrypted with the secrets key.
type SigningKey struct {
	ID        string     `json:"kid"`
	Algorithm string     `json:"alg"`
	Active    bool       `json:"active"`
	CreatedAt time.Time  `json:"created_at"`
	RetiredAt *time.Time `json:"retired_at,omitempty"`
}

// SessionService ends interactive sessions and manages the keys that sign
// their access tokens. Login and Refresh are answered by the server's
// public routes (the remote client calls them before it has a credential);
// RotateSigningKeys needs users:write through the API and is the trusted
// local path on a database.
type SessionService interface {
	// Login checks a user name and password and starts a session.
	Login(ctx context.Context, req LoginRequest) (*TokenPair, error)
	// Refresh exchanges a refresh token, once, for a new pair.
	Refresh(ctx context.Context, req RefreshRequest) (*TokenPair, error)
	// Logout revokes the session (the refresh token family) of a refresh
	// token.
	Logout(ctx context.Context, req RefreshRequest) error
	// RotateSigningKeys makes a new key the signing key; the previous ones
	// keep verifying until their tokens have expired.
	RotateSigningKeys(ctx context.Context) (*SigningKey, error)
	// ListSigningKeys lists the keys that sign or still verify, newest
	// first.
	ListSigningKeys(ctx context.Context) ([]SigningKey, error)
	// JWKS returns the public keys that verify access tokens.
	JWKS(ctx context.Context) (*JWKSet, error)
}

// JWK is a public key as a JSON Web Key (RFC 7517; Ed25519 keys are OKP
// keys, RFC 8037).
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// JWKSet is a JSON Web Key Set: what /.well-known/jwks.json answers.
type JWKSet struct {
	Keys []JWK `json:"keys"`
}
