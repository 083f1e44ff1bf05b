package auth

import (
	"errors"
	"testing"
)

// FuzzParseToken: any string either parses into an id and a secret that
// rebuild it exactly, or is refused with ErrMalformedToken; never a panic.
func FuzzParseToken(f *testing.F) {
	_, _, tok, _ := NewToken()
	for _, s := range []string{tok, "", "unet_", "unet__", "unet_0123456789abcdef_", tok + "_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, secret, err := ParseToken(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedToken) {
				t.Fatalf("%q: unexpected error %v", s, err)
			}
			return
		}
		if TokenPrefix+id+"_"+secret != s {
			t.Fatalf("%q parsed into %q and %q", s, id, secret)
		}
	})
}

// FuzzVerifyPassword: a stored hash of any shape is verified or refused
// without a panic, and within the parameter bounds.
func FuzzVerifyPassword(f *testing.F) {
	h, _ := HashPassword("pw", Argon2Params{Memory: 8, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 16})
	for _, s := range []string{h, "", "$argon2id$v=19$m=8,t=1,p=1$YWFhYWFhYWE$YWFhYWFhYWFhYWFhYWFhYQ", "$argon2id$$$$$"} {
		f.Add(s, "pw")
	}
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		ph, err := parsePHC(encoded)
		if err == nil && (ph.params.Memory > maxMemoryKiB || ph.params.Time > maxTime) {
			t.Fatalf("%q: parameters out of bounds accepted", encoded)
		}
		// Hashing under large (legal) parameters is slow by design: the
		// fuzzer verifies only cheap ones, and malformed strings.
		if err != nil || (ph.params.Memory <= 4096 && ph.params.Time <= 2) {
			_ = VerifyPassword(encoded, pw)
		}
		_ = NeedsRehash(encoded, DefaultArgon2)
	})
}
