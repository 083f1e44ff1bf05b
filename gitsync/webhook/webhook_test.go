package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func hmacHex(body, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

// The example of GitHub's documentation on validating webhook deliveries.
func TestVerifyGitHubDocumentedVector(t *testing.T) {
	const sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if err := VerifyGitHub([]byte("Hello, World!"), sig, []byte("It's a Secret to Everybody")); err != nil {
		t.Fatalf("documented vector: %v", err)
	}
	if got := "sha256=" + Sign([]byte("Hello, World!"), []byte("It's a Secret to Everybody")); got != sig {
		t.Fatalf("Sign = %s", got)
	}
}

func TestVerifyGitHub(t *testing.T) {
	body := `{"ref":"refs/heads/main","after":"0123"}`
	good := "sha256=" + hmacHex(body, "s3cret")
	cases := []struct {
		name, header, secret, body string
		want                       error
	}{
		{"valid", good, "s3cret", body, nil},
		{"upper-case hex", "sha256=" + strings.ToUpper(hmacHex(body, "s3cret")), "s3cret", body, nil},
		{"wrong secret", good, "other", body, ErrBadSignature},
		{"tampered body", good, "s3cret", body + " ", ErrBadSignature},
		{"sha1 header format", "sha1=" + hmacHex(body, "s3cret"), "s3cret", body, ErrBadSignature},
		{"not hex", "sha256=zz", "s3cret", body, ErrBadSignature},
		{"truncated", good[:40], "s3cret", body, ErrBadSignature},
		{"unsigned", "", "s3cret", body, ErrUnsigned},
		{"no secret configured", good, "", body, ErrNoSecret},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := VerifyGitHub([]byte(tc.body), tc.header, []byte(tc.secret)); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestVerifyGitLab(t *testing.T) {
	if err := VerifyGitLab("tok-123", []byte("tok-123")); err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]error{"tok-124": ErrBadSignature, "tok-12": ErrBadSignature, "": ErrUnsigned} {
		if err := VerifyGitLab(header, []byte("tok-123")); !errors.Is(err, want) {
			t.Fatalf("token %q: err = %v, want %v", header, err, want)
		}
	}
	if err := VerifyGitLab("x", nil); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("no secret: %v", err)
	}
}

func TestVerifyHMAC(t *testing.T) {
	body := `{"ref":"refs/heads/staging"}`
	for _, sig := range []string{hmacHex(body, "k"), "sha256=" + hmacHex(body, "k")} {
		if err := VerifyHMAC([]byte(body), sig, []byte("k")); err != nil {
			t.Fatalf("signature %s: %v", sig, err)
		}
	}
	if err := VerifyHMAC([]byte(body), hmacHex(body, "wrong"), []byte("k")); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("wrong secret: %v", err)
	}
	if err := VerifyHMAC([]byte(body), " ", []byte("k")); !errors.Is(err, ErrUnsigned) {
		t.Fatalf("blank signature: %v", err)
	}
}

func TestVerifyDetectsProvider(t *testing.T) {
	body := []byte(`{"x":1}`)
	secret := []byte("hook-secret")
	sig := hmacHex(string(body), "hook-secret")
	cases := []struct {
		header, value string
		provider      Provider
	}{
		{HeaderGitHubSignature, "sha256=" + sig, GitHub},
		{HeaderGitLabToken, "hook-secret", GitLab},
		{HeaderGiteaSignature, sig, Generic},
		{HeaderGogsSignature, sig, Generic},
		{HeaderSignature, "sha256=" + sig, Generic},
	}
	for _, tc := range cases {
		h := http.Header{}
		h.Set(tc.header, tc.value)
		p, err := Verify(h, body, secret)
		if err != nil || p != tc.provider {
			t.Fatalf("%s: provider %q err %v, want %q", tc.header, p, err, tc.provider)
		}
		if _, err := Verify(h, body, []byte("other-secret")); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("%s with wrong secret: %v", tc.header, err)
		}
	}
	if _, err := Verify(http.Header{}, body, secret); !errors.Is(err, ErrUnsigned) {
		t.Fatalf("unsigned request: %v", err)
	}
	if _, err := Verify(http.Header{}, body, nil); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("no secret: %v", err)
	}
}

func TestDeliveryID(t *testing.T) {
	h := http.Header{}
	if DeliveryID(h) != "" {
		t.Fatal("id without headers")
	}
	h.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	if got := DeliveryID(h); got != "github:72d3162e-cc78-11e3-81ab-4c9367dc0958" {
		t.Fatalf("github id = %q", got)
	}
	g := http.Header{}
	g.Set("X-Gitlab-Event-UUID", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	if got := DeliveryID(g); got != "gitlab:72d3162e-cc78-11e3-81ab-4c9367dc0958" || got == DeliveryID(h) {
		t.Fatalf("gitlab id = %q", got)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"ref":"main"}`), "sha256=00", "secret")
	f.Add([]byte{}, "", "")
	f.Add([]byte("x"), "sha256="+hmacHex("x", "k"), "k")
	f.Fuzz(func(t *testing.T, body []byte, sig, secret string) {
		for _, name := range []string{HeaderGitHubSignature, HeaderGitLabToken, HeaderGiteaSignature} {
			h := http.Header{}
			h.Set(name, sig)
			_, err := Verify(h, body, []byte(secret))
			if err == nil && secret == "" {
				t.Fatalf("%s accepted without a secret", name)
			}
		}
		if err := VerifyGitHub(body, "sha256="+hmacHex(string(body), secret), []byte(secret)); secret != "" && err != nil {
			t.Fatalf("own signature refused: %v", err)
		}
	})
}
