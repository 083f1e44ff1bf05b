package auth

import (
	"errors"
)

// RefreshTokenPrefix starts every refresh token. It differs from
// TokenPrefix so that a refresh token is never taken for an API token (nor
// the other way round), and secret scanners can tell them apart.
const RefreshTokenPrefix = "unetr_"

// ErrMalformedRefreshToken is returned for a string that is not a refresh
// token.
var ErrMalformedRefreshToken = errors.New("malformed refresh token")

// NewRefreshToken generates an opaque refresh token unetr_<id>_<secret>:
// a 16-hex-digit id (the database key) and a 256-bit secret.
func NewRefreshToken() (id, secret, token string, err error) {
	return newPrefixed(RefreshTokenPrefix)
}

// ParseRefreshToken splits a refresh token into its id and secret.
func ParseRefreshToken(token string) (id, secret string, err error) {
	return parsePrefixed(token, RefreshTokenPrefix, ErrMalformedRefreshToken)
}

// RefreshDigest is the stored form of a refresh token: the peppered HMAC of
// Digest, over a domain-separated id, so that a refresh token's digest can
// never match an API token's.
func RefreshDigest(pepper []byte, id, secret string) string {
	return Digest(pepper, "refresh:"+id, secret)
}
