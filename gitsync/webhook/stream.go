package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/http"
	"strings"
)

// Verifier checks a delivery's signature while its body streams through it,
// so that a receiver never holds a whole body in memory. NewVerifier picks
// the scheme from the headers and refuses what it can before any byte of the
// body is read: an unsigned request, a GitLab token that does not match, a
// signature that is not a SHA-256 hex digest. Write feeds the body; Verify
// then checks the HMAC. Digest is the SHA-256 of the body, for de-duplicating
// replays.
type Verifier struct {
	provider Provider
	want     []byte    // expected HMAC (nil for GitLab, whose token was checked)
	mac      hash.Hash // HMAC-SHA256 of the body with the secret
	digest   hash.Hash // SHA-256 of the body
}

// NewVerifier prepares the verification of a request with headers h for a
// source whose secret is secret. Headers are looked at in the order Verify
// uses. The errors are those of Verify.
func NewVerifier(h http.Header, secret []byte) (*Verifier, error) {
	v := &Verifier{digest: sha256.New()}
	if len(secret) == 0 {
		return nil, ErrNoSecret
	}
	if sig := h.Get(HeaderGitHubSignature); sig != "" {
		hexSig, ok := strings.CutPrefix(strings.TrimSpace(sig), "sha256=")
		if !ok {
			return nil, ErrBadSignature
		}
		v.provider = GitHub
		return v, v.expect(hexSig, secret)
	}
	if tok := h.Get(HeaderGitLabToken); tok != "" {
		v.provider = GitLab
		if err := VerifyGitLab(tok, secret); err != nil {
			return nil, err
		}
		return v, nil
	}
	for _, name := range []string{HeaderGiteaSignature, HeaderGogsSignature, HeaderSignature} {
		if sig := strings.TrimSpace(h.Get(name)); sig != "" {
			v.provider = Generic
			return v, v.expect(strings.TrimPrefix(sig, "sha256="), secret)
		}
	}
	return nil, ErrUnsigned
}

func (v *Verifier) expect(hexSig string, secret []byte) error {
	want, err := hex.DecodeString(strings.ToLower(hexSig))
	if err != nil || len(want) != sha256.Size {
		return ErrBadSignature
	}
	v.want = want
	v.mac = hmac.New(sha256.New, secret)
	return nil
}

// Provider returns the scheme the request is signed with.
func (v *Verifier) Provider() Provider { return v.provider }

// Write feeds body bytes; it never fails.
func (v *Verifier) Write(p []byte) (int, error) {
	v.digest.Write(p)
	if v.mac != nil {
		v.mac.Write(p)
	}
	return len(p), nil
}

// Verify checks the signature of the bytes written so far: nil, or
// ErrBadSignature.
func (v *Verifier) Verify() error {
	if v.mac == nil {
		return nil
	}
	if !hmac.Equal(v.want, v.mac.Sum(nil)) {
		return ErrBadSignature
	}
	return nil
}

// Digest returns the SHA-256 of the bytes written so far.
func (v *Verifier) Digest() [sha256.Size]byte {
	var d [sha256.Size]byte
	v.digest.Sum(d[:0])
	return d
}
