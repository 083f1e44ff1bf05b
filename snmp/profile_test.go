package snmp

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestProfileValidate(t *testing.T) {
	v2 := Profile{Name: "v2", Version: V2c, CommunityRef: "env:SNMP_RO"}
	v3 := Profile{Name: "v3", Version: V3, User: "u", AuthProto: AuthSHA256, AuthKeyRef: "file:/etc/unet/auth",
		PrivProto: PrivAES256, PrivKeyRef: "env:PRIV"}
	with := func(p Profile, f func(*Profile)) Profile { f(&p); return p }
	tests := []struct {
		name  string
		p     Profile
		level string
		errs  []string // substrings, one per expected field error
	}{
		{"v2c", v2, "", nil},
		{"v3 authPriv", v3, "authPriv", nil},
		{"v3 authNoPriv", with(v3, func(p *Profile) { p.PrivProto, p.PrivKeyRef = "", "" }), "authNoPriv", nil},
		{"v3 noAuthNoPriv", Profile{Name: "n", Version: V3, User: "u"}, "noAuthNoPriv", nil},
		{"every auth proto", with(v3, func(p *Profile) { p.AuthProto = AuthMD5 }), "authPriv", nil},
		{"no name", with(v2, func(p *Profile) { p.Name = " " }), "", []string{"name: is required"}},
		{"no version", with(v2, func(p *Profile) { p.Version = "" }), "", []string{"version: is required"}},
		{"v1", with(v2, func(p *Profile) { p.Version = "1" }), "", []string{`version: unknown "1"`}},
		{"v2c without community", with(v2, func(p *Profile) { p.CommunityRef = "" }), "", []string{"community_ref: is required"}},
		{"plain-text community", with(v2, func(p *Profile) { p.CommunityRef = "public" }), "", []string{"community_ref: not a secret reference"}},
		{"v2c with v3 fields", with(v2, func(p *Profile) { p.User = "u" }), "", []string{"user: v3 user"}},
		{"v3 without user", with(v3, func(p *Profile) { p.User = "" }), "authPriv", []string{"user: is required"}},
		{"v3 with community", with(v3, func(p *Profile) { p.CommunityRef = "env:X" }), "authPriv", []string{"community_ref: is not used"}},
		{"unknown auth", with(v3, func(p *Profile) { p.AuthProto = "sha3" }), "authPriv", []string{`auth_proto: unknown "sha3"`}},
		{"auth without key", with(v3, func(p *Profile) { p.AuthKeyRef = "" }), "authPriv", []string{"auth_key_ref: is required"}},
		{"key without auth", Profile{Name: "n", Version: V3, User: "u", AuthKeyRef: "env:A"}, "noAuthNoPriv", []string{"auth_proto: is required"}},
		{"priv without auth", Profile{Name: "n", Version: V3, User: "u", PrivProto: PrivAES, PrivKeyRef: "env:P"}, "noAuthNoPriv",
			[]string{"priv_proto: privacy needs authentication"}},
		{"unknown priv", with(v3, func(p *Profile) { p.PrivProto = "3des" }), "authPriv", []string{`priv_proto: unknown "3des"`}},
		{"priv without key", with(v3, func(p *Profile) { p.PrivKeyRef = "" }), "authPriv", []string{"priv_key_ref: is required"}},
		{"priv key without priv", with(v3, func(p *Profile) { p.PrivProto = "" }), "authNoPriv", []string{"priv_proto: is required"}},
		{"bad key ref", with(v3, func(p *Profile) { p.AuthKeyRef = "vault:x" }), "authPriv", []string{"auth_key_ref: not a secret reference"}},
		{"negative timeout", with(v2, func(p *Profile) { p.Timeout = -time.Second }), "", []string{"timeout: must not be negative"}},
		{"huge timeout", with(v2, func(p *Profile) { p.Timeout = time.Hour }), "", []string{"timeout: 1h0m0s is longer"}},
		{"too many retries", with(v2, func(p *Profile) { p.Retries = 11 }), "", []string{"retries: 11 is outside"}},
		{"negative retries", with(v2, func(p *Profile) { p.Retries = -1 }), "", []string{"retries: -1 is outside"}},
		{"bad repetitions", with(v2, func(p *Profile) { p.MaxRepetitions = 5000 }), "", []string{"max_repetitions"}},
		{"several errors", Profile{Version: V3}, "noAuthNoPriv", []string{"name: is required", "user: is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.SecurityLevel(); got != tt.level {
				t.Errorf("SecurityLevel() = %q, want %q", got, tt.level)
			}
			err := tt.p.Validate()
			if len(tt.errs) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrConfig) {
				t.Fatalf("Validate() = %v, want a *ValidationError matching ErrConfig", err)
			}
			if len(ve.Fields) != len(tt.errs) {
				t.Errorf("%d field errors %v, want %d", len(ve.Fields), ve.Fields, len(tt.errs))
			}
			for _, want := range tt.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestProfileDefaultsAndJSON(t *testing.T) {
	p := Profile{Name: "x", Version: V2c, CommunityRef: "env:C", Retries: 3}.WithDefaults()
	if p.Port != 161 || p.Timeout != DefaultTimeout || p.Retries != 3 || p.MaxRepetitions != DefaultMaxRepetitions {
		t.Errorf("defaults: %+v", p)
	}
	js, err := json.Marshal(Profile{Name: "core", Version: V3, User: "u", AuthProto: AuthSHA, AuthKeyRef: "env:K"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"core","version":"3","user":"u","auth_proto":"sha","auth_key_ref":"env:K","retries":0}`
	if string(js) != want {
		t.Errorf("json %s\nwant %s", js, want)
	}
}

// TestProfileValidateTextLimits: every string field is bounded and free of
// control characters; the user name is bounded in bytes (RFC 3414); a
// refused value is never quoted.
func TestProfileValidateTextLimits(t *testing.T) {
	base := Profile{Name: "p", Version: V3, User: "ops", AuthProto: AuthSHA, AuthKeyRef: "env:UNET_A"}
	for _, tt := range []struct {
		edit  func(*Profile)
		field string
	}{
		{func(p *Profile) { p.User = strings.Repeat("u", 601) + "\x1b" }, "user"},
		{func(p *Profile) { p.User = strings.Repeat("é", 17) }, "user"}, // 34 bytes
		{func(p *Profile) { p.User = "ops\u009b2J" }, "user"},
		{func(p *Profile) { p.AuthProto = AuthProto(strings.Repeat("sha", 100)) }, "auth_proto"},
		{func(p *Profile) { p.PrivProto, p.PrivKeyRef = "aes\x1b", "env:UNET_P" }, "priv_proto"},
		{func(p *Profile) { p.AuthKeyRef = "file:/run/\x1b[2J" }, "auth_key_ref"},
		{func(p *Profile) { p.Version = "3\n" }, "version"},
		{func(p *Profile) { p.Name = "p\x00" }, "name"},
	} {
		p := base
		tt.edit(&p)
		err := p.Validate()
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != tt.field {
			t.Errorf("%s: got %v", tt.field, err)
			continue
		}
		if strings.ContainsAny(err.Error(), "\x1b\x00\n\u009b") || len(err.Error()) > 300 {
			t.Errorf("%s: the message carries the value: %q", tt.field, err.Error())
		}
	}
	ok := base
	ok.User = strings.Repeat("u", 32)
	if err := ok.Validate(); err != nil {
		t.Errorf("32-byte user: %v", err)
	}
}
