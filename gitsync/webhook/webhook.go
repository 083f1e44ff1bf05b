// Package webhook verifies the signatures of Git hosting webhooks (GitHub,
// GitLab, Gitea and generic HMAC-SHA256) and de-duplicates deliveries. The
// functions are pure: the HTTP handler that receives the request reads the
// body, passes the headers and the source's secret, and refuses the request
// on any error.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
)

// Provider names the signature scheme a request used.
type Provider string

// The supported providers.
const (
	GitHub  Provider = "github"
	GitLab  Provider = "gitlab"
	Generic Provider = "hmac"
)

// Request headers carrying signatures and delivery ids.
const (
	HeaderGitHubSignature = "X-Hub-Signature-256"
	HeaderGitLabToken     = "X-Gitlab-Token"
	HeaderGiteaSignature  = "X-Gitea-Signature"
	HeaderGogsSignature   = "X-Gogs-Signature"
	HeaderSignature       = "X-Signature-256"
)

// Errors of verification; a handler answers 401 to all of them.
var (
	ErrUnsigned     = errors.New("webhook request is not signed")
	ErrBadSignature = errors.New("webhook signature does not match")
	ErrNoSecret     = errors.New("no webhook secret is configured for this source")
)

// Sign returns the hex HMAC-SHA256 of body with secret, the signature
// generic senders (and Gitea) put in their header.
func Sign(body, secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyGitHub checks a GitHub X-Hub-Signature-256 header value
// ("sha256=" followed by the hex HMAC-SHA256 of the body).
func VerifyGitHub(body []byte, header string, secret []byte) error {
	if len(secret) == 0 {
		return ErrNoSecret
	}
	if header == "" {
		return ErrUnsigned
	}
	sig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return ErrBadSignature
	}
	return verifyHex(body, sig, secret)
}

// VerifyGitLab checks a GitLab X-Gitlab-Token header value, which is the
// shared secret itself, in constant time.
func VerifyGitLab(header string, secret []byte) error {
	if len(secret) == 0 {
		return ErrNoSecret
	}
	if header == "" {
		return ErrUnsigned
	}
	if subtle.ConstantTimeCompare([]byte(header), secret) != 1 {
		return ErrBadSignature
	}
	return nil
}

// VerifyHMAC checks a generic HMAC-SHA256 signature: the hex digest of the
// body, optionally prefixed with "sha256=".
func VerifyHMAC(body []byte, signature string, secret []byte) error {
	if len(secret) == 0 {
		return ErrNoSecret
	}
	signature = strings.TrimSpace(signature)
	if signature == "" {
		return ErrUnsigned
	}
	signature = strings.TrimPrefix(signature, "sha256=")
	return verifyHex(body, signature, secret)
}

func verifyHex(body []byte, sig string, secret []byte) error {
	got, err := hex.DecodeString(strings.ToLower(sig))
	if err != nil || len(got) != sha256.Size {
		return ErrBadSignature
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return ErrBadSignature
	}
	return nil
}

// Verify checks whichever signature the request carries: GitHub's
// X-Hub-Signature-256 first, then GitLab's X-Gitlab-Token, then a generic
// HMAC in X-Gitea-Signature, X-Gogs-Signature or X-Signature-256. It
// returns the provider that matched, or ErrUnsigned when there is no
// signature at all.
func Verify(h http.Header, body, secret []byte) (Provider, error) {
	if v := h.Get(HeaderGitHubSignature); v != "" {
		return GitHub, VerifyGitHub(body, v, secret)
	}
	if v := h.Get(HeaderGitLabToken); v != "" {
		return GitLab, VerifyGitLab(v, secret)
	}
	for _, name := range []string{HeaderGiteaSignature, HeaderGogsSignature, HeaderSignature} {
		if v := h.Get(name); v != "" {
			return Generic, VerifyHMAC(body, v, secret)
		}
	}
	if len(secret) == 0 {
		return "", ErrNoSecret
	}
	return "", ErrUnsigned
}

// DeliveryID returns the provider's unique id of a delivery (GitHub
// X-GitHub-Delivery, GitLab X-Gitlab-Event-UUID, Gitea X-Gitea-Delivery,
// Gogs X-Gogs-Delivery, generic X-Delivery-ID), prefixed with the header's
// provider so ids of different providers never collide; "" when absent.
func DeliveryID(h http.Header) string {
	for _, p := range []struct{ header, prefix string }{
		{"X-GitHub-Delivery", "github:"},
		{"X-Gitlab-Event-UUID", "gitlab:"},
		{"X-Gitea-Delivery", "gitea:"},
		{"X-Gogs-Delivery", "gogs:"},
		{"X-Delivery-ID", "hmac:"},
	} {
		if v := strings.TrimSpace(h.Get(p.header)); v != "" {
			return p.prefix + v
		}
	}
	return ""
}
