package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
)

func TestOIDCClaimValues(t *testing.T) {
	claims := map[string]any{
		"groups":                    []any{"a", 7, "b"},
		"role":                      "admin",
		"realm_access":              map[string]any{"roles": []any{"noc"}},
		"https://example.net/roles": []any{"ns"},
		"number":                    3.0,
	}
	for name, want := range map[string][]string{
		"groups":                    {"a", "b"},
		"role":                      {"admin"},
		"realm_access.roles":        {"noc"},
		"https://example.net/roles": {"ns"},
		"number":                    nil,
		"missing":                   nil,
		"role.deeper":               nil,
	} {
		if got := claimValues(claims, name); !slices.Equal(got, want) {
			t.Errorf("claimValues(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestOIDCUserName(t *testing.T) {
	long := strings.Repeat("n", 256)
	for _, c := range []struct {
		claims map[string]any
		sub    string
		want   string
	}{
		{map[string]any{"preferred_username": "ada", "email": "ada@example.net"}, "s1", "ada"},
		{map[string]any{"email": "ada@example.net"}, "s1", "ada@example.net"},
		{map[string]any{"preferred_username": " ", "email": 5}, "s1", "s1"},
		{map[string]any{"preferred_username": "bad\nname"}, "s1", "s1"},
		{map[string]any{"preferred_username": long}, "s1", "s1"},
		{map[string]any{}, "", ""},
	} {
		if got := oidcUserName(c.claims, c.sub); got != c.want {
			t.Errorf("oidcUserName(%v, %q) = %q, want %q", c.claims, c.sub, got, c.want)
		}
	}
}

func TestUnverifiedIssuer(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	for tok, want := range map[string]string{
		"h." + enc([]byte(`{"iss":"https://sso.example.net/"}`)) + ".s": "https://sso.example.net",
		"h." + enc([]byte(`{"iss":42}`)) + ".s":                         "",
		"h.!!!.s":                                                       "",
		"unet_0123_abc":                                                 "",
		"a.b":                                                           "",
		"h." + enc([]byte(`x`)) + ".s":                                  "",
	} {
		if got := unverifiedIssuer(tok); got != want {
			t.Errorf("unverifiedIssuer(%q) = %q, want %q", tok, got, want)
		}
	}
}

func TestCheckIssuerURL(t *testing.T) {
	for u, ok := range map[string]bool{
		"https://sso.example.net/realms/noc": true,
		"http://127.0.0.1:5556":              true,
		"http://localhost:5556/dex":          true,
		"http://sso.example.net":             false,
		"sso.example.net":                    false,
		"https://sso.example.net/?x=1":       false,
		"https://user@sso.example.net":       false,
		"":                                   false,
	} {
		if err := checkIssuerURL(u); (err == nil) != ok {
			t.Errorf("checkIssuerURL(%q) = %v, want ok=%v", u, err, ok)
		}
	}
}

// FuzzOIDCTokenParsing: whatever a bearer credential holds, reading its
// issuer and its claims never panics, and an issuer read back is trimmed.
func FuzzOIDCTokenParsing(f *testing.F) {
	enc := base64.RawURLEncoding.EncodeToString
	f.Add("h."+enc([]byte(`{"iss":"https://sso.example.net/","groups":["a",1]}`))+".s", "groups")
	f.Add("a.b.c", "realm_access.roles")
	f.Add("..", ".")
	f.Fuzz(func(t *testing.T, tok, claim string) {
		iss := unverifiedIssuer(tok)
		if len(iss) > 0 && iss[len(iss)-1] == '/' {
			t.Fatalf("issuer %q not trimmed", iss)
		}
		parts := strings.Split(tok, ".")
		if len(parts) == 3 {
			if payload, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
				var claims map[string]any
				if json.Unmarshal(payload, &claims) == nil {
					_ = claimValues(claims, claim)
					_ = oidcUserName(claims, claim)
				}
			}
		}
	})
}

// TestOIDCAuthWithoutAuthenticator: a zero OIDCAuth refuses every
// protected route (401) instead of failing on the missing authenticator.
func TestOIDCAuthWithoutAuthenticator(t *testing.T) {
	r, err := http.NewRequest(http.MethodGet, "/api/v1/nodes", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", "Bearer h."+base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://x"}`))+".s")
	if p, err := (OIDCAuth{}).Authorize(r, PermNodesRead); p != nil || unet.ErrorCode(err) != unet.EUNAUTHORIZED {
		t.Fatalf("zero OIDCAuth: %v %v", p, err)
	}
	if p, err := (OIDCAuth{}).Authorize(r, PermPublic); p != nil || err != nil {
		t.Fatalf("public route: %v %v", p, err)
	}
}
