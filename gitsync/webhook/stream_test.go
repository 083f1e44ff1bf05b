package webhook

import (
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestVerifierAgreesWithVerify streams bodies through a Verifier and checks
// that it reaches the same verdict as Verify on the whole body.
func TestVerifierAgreesWithVerify(t *testing.T) {
	const secret = "s3cret"
	body := `{"ref":"refs/heads/main","after":"0123"}`
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	cases := []struct {
		name string
		h    http.Header
		body string
	}{
		{"github", hdr(HeaderGitHubSignature, "sha256="+hmacHex(body, secret)), body},
		{"github tampered", hdr(HeaderGitHubSignature, "sha256="+hmacHex(body, secret)), body + " "},
		{"github no prefix", hdr(HeaderGitHubSignature, hmacHex(body, secret)), body},
		{"github short", hdr(HeaderGitHubSignature, "sha256=abcd"), body},
		{"gitlab", hdr(HeaderGitLabToken, secret), body},
		{"gitlab wrong", hdr(HeaderGitLabToken, "guess"), body},
		{"gitea", hdr(HeaderGiteaSignature, hmacHex(body, secret)), body},
		{"generic prefixed", hdr(HeaderSignature, "sha256="+hmacHex(body, secret)), body},
		{"generic wrong", hdr(HeaderSignature, hmacHex(body, "other")), body},
		{"unsigned", hdr(), body},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantProv, wantErr := Verify(c.h, []byte(c.body), []byte(secret))
			v, err := NewVerifier(c.h, []byte(secret))
			if err == nil {
				if _, err := io.Copy(v, strings.NewReader(c.body)); err != nil {
					t.Fatal(err)
				}
				err = v.Verify()
				if v.Provider() != wantProv {
					t.Errorf("provider %q, Verify says %q", v.Provider(), wantProv)
				}
				if v.Digest() != sha256.Sum256([]byte(c.body)) {
					t.Error("digest is not the SHA-256 of the body")
				}
			}
			if !errors.Is(err, wantErr) && (err != nil || wantErr != nil) {
				t.Fatalf("Verifier: %v, Verify: %v", err, wantErr)
			}
		})
	}
	if _, err := NewVerifier(hdr(HeaderGitHubSignature, "sha256=00"), nil); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("no secret: %v", err)
	}
}
