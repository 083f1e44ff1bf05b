package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/unet-dev/unet"
)

// JWTAlgorithm is the signature algorithm of μNet access tokens: EdDSA over
// Ed25519 (RFC 8037).
const JWTAlgorithm = "EdDSA"

// ErrInvalidJWT wraps every reason an access token is refused.
var ErrInvalidJWT = errors.New("invalid access token")

// ErrExpiredJWT is returned (wrapped in ErrInvalidJWT) for an expired
// access token.
var ErrExpiredJWT = errors.New("expired")

// ErrUnknownKey is returned (wrapped in ErrInvalidJWT) for a token signed
// with a key id the verifier does not know: a caller may reload its keys
// once and try again.
var ErrUnknownKey = errors.New("unknown signing key")

// AccessClaims are the claims of a μNet access token: the registered ones
// (iss, sub = the user name, aud, exp, nbf, iat, jti) and the grants the
// user held when the token was issued (informational: the server decides
// with the user's current grants).
type AccessClaims struct {
	jwt.RegisteredClaims
	Grants []unet.Grant `json:"grants,omitempty"`
	// Kid is the key id of the header of a verified token (not a claim).
	Kid string `json:"-"`
}

// NewSigningKey generates an Ed25519 key pair and its key id: the first 16
// hex digits of the SHA-256 of the public key, so that a kid names one key.
func NewSigningKey() (kid string, priv ed25519.PrivateKey, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", nil, fmt.Errorf("generate signing key: %w", err)
	}
	return KeyID(pub), priv, nil
}

// KeyID is the key id of an Ed25519 public key.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// SignAccessToken signs claims with priv and puts kid in the header.
func SignAccessToken(priv ed25519.PrivateKey, kid string, c *AccessClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = kid
	s, err := t.SignedString(priv)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return s, nil
}

// KeyLookup returns the public key of a key id, or false.
type KeyLookup func(kid string) (ed25519.PublicKey, bool)

// ParseAccessToken verifies an access token: the EdDSA signature with the
// key its kid names, the issuer, the audience, and exp/nbf/iat at now (no
// leeway: issuer and verifiers share the database's clock domain). Every
// failure wraps ErrInvalidJWT; an unknown kid also wraps ErrUnknownKey.
func ParseAccessToken(token string, keys KeyLookup, issuer, audience string, now time.Time) (*AccessClaims, error) {
	var c AccessClaims
	p := jwt.NewParser(jwt.WithValidMethods([]string{JWTAlgorithm}), jwt.WithIssuer(issuer), jwt.WithAudience(audience),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(func() time.Time { return now }))
	unknown := false
	_, err := p.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("no kid in the header")
		}
		pub, ok := keys(kid)
		if !ok {
			unknown = true
			return nil, fmt.Errorf("%w %s", ErrUnknownKey, kid)
		}
		c.Kid = kid
		return pub, nil
	})
	if err != nil {
		if unknown {
			return nil, fmt.Errorf("%w: %w", ErrInvalidJWT, ErrUnknownKey)
		}
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, fmt.Errorf("%w: %w", ErrInvalidJWT, ErrExpiredJWT)
		}
		return nil, fmt.Errorf("%w: %w", ErrInvalidJWT, err)
	}
	if c.Subject == "" {
		return nil, fmt.Errorf("%w: no subject", ErrInvalidJWT)
	}
	return &c, nil
}

// LooksLikeJWT reports whether s has the shape of a compact JWS: three
// base64url parts, the header a JSON object ("eyJ").
func LooksLikeJWT(s string) bool {
	return strings.HasPrefix(s, "eyJ") && strings.Count(s, ".") == 2
}

// PublicJWK returns the JWK of an Ed25519 public key.
func PublicJWK(kid string, pub ed25519.PublicKey) unet.JWK {
	return unet.JWK{Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(pub), Kid: kid, Alg: JWTAlgorithm, Use: "sig"}
}
