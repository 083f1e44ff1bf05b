package auth

import (
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func testClaims(now time.Time) *AccessClaims {
	c := &AccessClaims{}
	c.Issuer, c.Subject, c.Audience = "unet", "ada", jwt.ClaimStrings{"unet-api"}
	c.IssuedAt, c.NotBefore, c.ExpiresAt = jwt.NewNumericDate(now), jwt.NewNumericDate(now), jwt.NewNumericDate(now.Add(time.Minute))
	return c
}

// TestAccessTokenVerification: a token verifies with its key under the
// right issuer and audience, and is refused when expired, not yet valid,
// of another audience or issuer, signed by an unknown key, altered, or
// signed with another algorithm.
func TestAccessTokenVerification(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	kid, priv, err := NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	keys := func(k string) (ed25519.PublicKey, bool) {
		if k == kid {
			return priv.Public().(ed25519.PublicKey), true
		}
		return nil, false
	}
	tok, err := SignAccessToken(priv, kid, testClaims(now))
	if err != nil {
		t.Fatal(err)
	}
	if !LooksLikeJWT(tok) || LooksLikeJWT("unet_abc") {
		t.Fatal("LooksLikeJWT")
	}
	c, err := ParseAccessToken(tok, keys, "unet", "unet-api", now)
	if err != nil || c.Subject != "ada" || c.Kid != kid {
		t.Fatalf("%+v %v", c, err)
	}
	check := func(name, token, iss, aud string, at time.Time, want error) {
		t.Helper()
		_, err := ParseAccessToken(token, keys, iss, aud, at)
		if !errors.Is(err, ErrInvalidJWT) || (want != nil && !errors.Is(err, want)) {
			t.Errorf("%s: %v", name, err)
		}
	}
	check("expired", tok, "unet", "unet-api", now.Add(time.Minute), ErrExpiredJWT)
	check("not yet valid", tok, "unet", "unet-api", now.Add(-time.Minute), nil)
	check("audience", tok, "unet", "other", now, nil)
	check("issuer", tok, "other", "unet-api", now, nil)
	check("altered", tok[:len(tok)-4]+"AAAA", "unet", "unet-api", now, nil)
	kid2, priv2, _ := NewSigningKey()
	other, _ := SignAccessToken(priv2, kid2, testClaims(now))
	check("unknown key", other, "unet", "unet-api", now, ErrUnknownKey)
	// The right kid with another key's signature.
	forged, _ := SignAccessToken(priv2, kid, testClaims(now))
	check("wrong signature", forged, "unet", "unet-api", now, nil)
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, testClaims(now))
	hs.Header["kid"] = kid
	hsTok, _ := hs.SignedString([]byte(priv.Public().(ed25519.PublicKey)))
	check("HS256 with the public key as secret", hsTok, "unet", "unet-api", now, nil)
	none := jwt.NewWithClaims(jwt.SigningMethodNone, testClaims(now))
	none.Header["kid"] = kid
	noneTok, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	check("alg none", noneTok, "unet", "unet-api", now, nil)
	if j := PublicJWK(kid, priv.Public().(ed25519.PublicKey)); j.Kty != "OKP" || j.Crv != "Ed25519" || len(j.X) != 43 || j.Kid != kid {
		t.Fatalf("jwk %+v", j)
	}
}

// TestRefreshTokenFormat: refresh tokens parse back, are never API tokens,
// and their digest differs from an API token digest of the same parts.
func TestRefreshTokenFormat(t *testing.T) {
	id, sec, tok, err := NewRefreshToken()
	if err != nil {
		t.Fatal(err)
	}
	gid, gsec, err := ParseRefreshToken(tok)
	if err != nil || gid != id || gsec != sec {
		t.Fatalf("%q: %v", tok, err)
	}
	if LooksLikeToken(tok) {
		t.Fatal("a refresh token looks like an API token")
	}
	if _, _, err := ParseToken(tok); err == nil {
		t.Fatal("a refresh token parses as an API token")
	}
	for _, bad := range []string{"", RefreshTokenPrefix, tok + "x", TokenPrefix + id + "_" + sec} {
		if _, _, err := ParseRefreshToken(bad); !errors.Is(err, ErrMalformedRefreshToken) {
			t.Errorf("%q accepted", bad)
		}
	}
	pepper := []byte("0123456789abcdef0123456789abcdef")
	if RefreshDigest(pepper, id, sec) == Digest(pepper, id, sec) {
		t.Fatal("refresh and API token digests coincide")
	}
}

// BenchmarkParseAccessToken is the full verification of an access token
// (parse, Ed25519 signature, claims): what a server pays for a token it has
// not verified before.
func BenchmarkParseAccessToken(b *testing.B) {
	now := time.Now()
	kid, priv, _ := NewSigningKey()
	pub := priv.Public().(ed25519.PublicKey)
	tok, _ := SignAccessToken(priv, kid, testClaims(now))
	keys := func(string) (ed25519.PublicKey, bool) { return pub, true }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAccessToken(tok, keys, "unet", "unet-api", now); err != nil {
			b.Fatal(err)
		}
	}
}
