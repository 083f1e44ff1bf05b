package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strings"
)

// TokenPrefix starts every API token, so that secret scanners recognise
// one and a token is never mistaken for something else.
const TokenPrefix = "unet_"

// MinPepperLen is the shortest pepper accepted: 32 bytes (256 bits).
const MinPepperLen = 32

// ErrMalformedToken is returned for a string that is not an API token.
var ErrMalformedToken = errors.New("malformed API token: want unet_<id>_<secret>")

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewToken generates an API token: a 16-hex-digit public id (the database
// key) and a 256-bit secret in lower-case base32. It returns the id, the
// secret and the whole token unet_<id>_<secret>.
func NewToken() (id, secret, token string, err error) {
	return newPrefixed(TokenPrefix)
}

// ParseToken splits an API token into its id and secret.
func ParseToken(token string) (id, secret string, err error) {
	return parsePrefixed(token, TokenPrefix, ErrMalformedToken)
}

// newPrefixed generates prefix<id>_<secret>: a 16-hex-digit id and a
// 256-bit secret in lower-case base32 (52 characters).
func newPrefixed(prefix string) (id, secret, token string, err error) {
	var idb [8]byte
	var sb [32]byte
	if _, err := rand.Read(idb[:]); err != nil {
		return "", "", "", err
	}
	if _, err := rand.Read(sb[:]); err != nil {
		return "", "", "", err
	}
	id = hex.EncodeToString(idb[:])
	secret = strings.ToLower(b32.EncodeToString(sb[:]))
	return id, secret, prefix + id + "_" + secret, nil
}

// parsePrefixed splits prefix<id>_<secret>, refusing anything else with
// malformed.
func parsePrefixed(token, prefix string, malformed error) (id, secret string, err error) {
	rest, ok := strings.CutPrefix(token, prefix)
	if !ok {
		return "", "", malformed
	}
	id, secret, ok = strings.Cut(rest, "_")
	if !ok || len(id) != 16 || len(secret) != 52 || !isHex(id) || !isBase32Lower(secret) {
		return "", "", malformed
	}
	return id, secret, nil
}

// LooksLikeToken reports whether s has the shape of an API token (a cheap
// test to pick the authenticator of a bearer credential).
func LooksLikeToken(s string) bool { return strings.HasPrefix(s, TokenPrefix) }

// Digest is the stored form of a token secret: hex HMAC-SHA256 keyed with
// the server's pepper over the token id and the secret. Without the pepper a
// stolen database cannot be used to test guesses.
func Digest(pepper []byte, id, secret string) string {
	m := hmac.New(sha256.New, pepper)
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil))
}

// DigestEqual compares two digests in constant time.
func DigestEqual(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func isBase32Lower(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}
