package auth

import (
	"errors"
	"strings"
	"testing"
)

// fast parameters keep the tests quick; the format is the same.
var fast = Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestPasswordHashVerify(t *testing.T) {
	h, err := HashPassword("correct horse", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("not a PHC argon2id string: %s", h)
	}
	if err := VerifyPassword(h, "correct horse"); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := VerifyPassword(h, "wrong"); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: %v", err)
	}
	h2, _ := HashPassword("correct horse", fast)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	if NeedsRehash(h, fast) {
		t.Fatal("same parameters need no rehash")
	}
	if !NeedsRehash(h, DefaultArgon2) {
		t.Fatal("other parameters need a rehash")
	}
}

func TestPasswordDefaultParameters(t *testing.T) {
	h, err := HashPassword("pw", DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("default parameters: %s", h)
	}
	if err := VerifyPassword(h, "pw"); err != nil {
		t.Fatal(err)
	}
}

func TestPasswordMalformedHash(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$YQ$YQ", "$argon2id$v=19$m=9999999999,t=1,p=1$YWFh$YWFhYWFhYWFhYWFhYWFhYQ",
		"$argon2id$v=19$m=1024,t=1000,p=1$YWFh$YWFhYWFhYWFhYWFhYWFhYQ", "$argon2id$v=18$m=1024,t=1,p=1$YWFh$YWFhYWFhYWFhYWFhYWFhYQ"} {
		if err := VerifyPassword(h, "x"); err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("%q: want a format error, got %v", h, err)
		}
		if !NeedsRehash(h, fast) {
			t.Errorf("%q: an unreadable hash needs a rehash", h)
		}
	}
	if _, err := HashPassword(strings.Repeat("x", MaxPasswordLen+1), fast); err == nil {
		t.Error("overlong password accepted")
	}
}

func TestTokenRoundTrip(t *testing.T) {
	id, secret, tok, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	gid, gsecret, err := ParseToken(tok)
	if err != nil || gid != id || gsecret != secret {
		t.Fatalf("parse %q: %q %q %v", tok, gid, gsecret, err)
	}
	for _, bad := range []string{"", "unet_", "unet_abc_def", "xunet_" + id + "_" + secret, tok + "x", strings.ToUpper(tok)} {
		if _, _, err := ParseToken(bad); !errors.Is(err, ErrMalformedToken) {
			t.Errorf("%q accepted", bad)
		}
	}
	p1 := []byte(strings.Repeat("a", 32))
	p2 := []byte(strings.Repeat("b", 32))
	d := Digest(p1, id, secret)
	if !DigestEqual(d, Digest(p1, id, secret)) || DigestEqual(d, Digest(p2, id, secret)) {
		t.Fatal("digest must depend on the pepper only through HMAC")
	}
	if strings.Contains(d, secret) {
		t.Fatal("digest contains the secret")
	}
}
