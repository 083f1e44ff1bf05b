// Package snmp polls network devices over SNMP v2c and v3: the system group,
// the interface tables (ifTable and ifXTable through GETBULK) and vendor
// CPU/memory objects. It derives the vendor from sysObjectID and the running
// software version from sysDescr, and schedules polls of many devices with
// bounded concurrency, per-device deadlines and back-off.
//
// The package knows nothing about storage: a TargetSource says what to poll
// and a Sink receives the results, one batch per poll cycle.
package snmp

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unet-dev/unet/secret"
)

// Version is an SNMP protocol version.
type Version string

// Supported protocol versions.
const (
	V2c Version = "2c"
	V3  Version = "3"
)

// AuthProto is an SNMPv3 authentication protocol (USM).
type AuthProto string

// Supported authentication protocols.
const (
	AuthNone   AuthProto = ""
	AuthMD5    AuthProto = "md5"
	AuthSHA    AuthProto = "sha"
	AuthSHA224 AuthProto = "sha224"
	AuthSHA256 AuthProto = "sha256"
	AuthSHA384 AuthProto = "sha384"
	AuthSHA512 AuthProto = "sha512"
)

// PrivProto is an SNMPv3 privacy (encryption) protocol (USM).
type PrivProto string

// Supported privacy protocols. AES192 and AES256 use the key extension of
// draft-blumenthal-aes-usm, as net-snmp and Juniper do.
const (
	PrivNone   PrivProto = ""
	PrivDES    PrivProto = "des"
	PrivAES    PrivProto = "aes"
	PrivAES192 PrivProto = "aes192"
	PrivAES256 PrivProto = "aes256"
)

// Defaults applied by Profile.WithDefaults, and DefaultRetries for front
// ends to offer.
const (
	DefaultPort           = 161
	DefaultTimeout        = 2 * time.Second
	DefaultRetries        = 1
	DefaultMaxRepetitions = 25
)

// Profile is a named set of SNMP connection parameters. Credentials are
// secret references ("env:NAME", "file:/path") resolved only when a poll
// starts, so a Profile can be stored, listed and exported safely.
type Profile struct {
	Name    string  `json:"name"`
	Version Version `json:"version"`
	// CommunityRef references the v2c community.
	CommunityRef string `json:"community_ref,omitempty"`
	// User is the SNMPv3 USM user name.
	User string `json:"user,omitempty"`
	// AuthProto and AuthKeyRef enable SNMPv3 authentication.
	AuthProto  AuthProto `json:"auth_proto,omitempty"`
	AuthKeyRef string    `json:"auth_key_ref,omitempty"`
	// PrivProto and PrivKeyRef enable SNMPv3 privacy; they need
	// authentication.
	PrivProto  PrivProto `json:"priv_proto,omitempty"`
	PrivKeyRef string    `json:"priv_key_ref,omitempty"`
	// Port is the agent's UDP port (0 means 161).
	Port uint16 `json:"port,omitempty"`
	// Timeout bounds one request/response exchange (0 means 2s).
	Timeout time.Duration `json:"timeout,omitempty"`
	// Retries is how many times a request is re-sent after a timeout
	// (0: never). Front ends default it to DefaultRetries.
	Retries int `json:"retries"`
	// MaxRepetitions is the GETBULK max-repetitions per table column
	// (0 means 25). Lower it for agents that struggle with large responses.
	MaxRepetitions int `json:"max_repetitions,omitempty"`
}

// SecurityLevel names the SNMPv3 security level implied by a profile:
// "noAuthNoPriv", "authNoPriv" or "authPriv" ("" for v2c).
func (p Profile) SecurityLevel() string {
	switch {
	case p.Version != V3:
		return ""
	case p.AuthProto == AuthNone:
		return "noAuthNoPriv"
	case p.PrivProto == PrivNone:
		return "authNoPriv"
	default:
		return "authPriv"
	}
}

// WithDefaults returns the profile with zero port, timeout and
// max-repetitions set to their defaults. Retries is taken as is.
func (p Profile) WithDefaults() Profile {
	if p.Port == 0 {
		p.Port = DefaultPort
	}
	if p.Timeout == 0 {
		p.Timeout = DefaultTimeout
	}
	if p.MaxRepetitions == 0 {
		p.MaxRepetitions = DefaultMaxRepetitions
	}
	return p
}

// textOrEmpty returns s, or "" when it was refused.
func textOrEmpty(s string, refused bool) string {
	if refused {
		return ""
	}
	return s
}

// FieldError is one invalid field of a Profile.
type FieldError struct {
	Field   string
	Message string
}

// Error implements error.
func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every invalid field of a Profile.
type ValidationError struct {
	Profile string
	Fields  []FieldError
}

// Error implements error.
func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Error()
	}
	name := e.Profile
	if name == "" {
		name = "(unnamed)"
	}
	return fmt.Sprintf("invalid SNMP profile %s: %s", name, strings.Join(msgs, "; "))
}

// Is makes errors.Is(err, ErrConfig) true for validation errors.
func (e *ValidationError) Is(target error) bool { return target == ErrConfig }

// Limits of the string fields of a Profile, in characters unless said
// otherwise.
const (
	// MaxNameLen bounds the profile name.
	MaxNameLen = 64
	// MaxUserLen bounds the SNMPv3 user name, in bytes: usmUserName is an
	// SnmpAdminString of 1..32 octets (RFC 3414), so a longer name can never
	// authenticate.
	MaxUserLen = 32
	// MaxRefLen bounds a secret reference.
	MaxRefLen = 1024
	// MaxKeywordLen bounds the version and protocol names (fixed lists).
	MaxKeywordLen = 16
)

// textProblem returns why s is refused as the value of a string field, or
// "": invalid UTF-8, a control character (C0 with tab, newline and ESC, DEL,
// C1) or more than max characters. The message never repeats the value.
func textProblem(s string, max int) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Sprintf("is %d characters long; the limit is %d", n, max)
	}
	i := 0
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return fmt.Sprintf("contains the control character %U at position %d; control characters (tab, newline, ESC, …) are not allowed", r, i+1)
		}
		i++
	}
	return ""
}

// Validate checks the profile without resolving any secret: the version and
// protocols are known, the credentials needed by the version and security
// level are present and are syntactically valid secret references, and
// numbers are in range. It returns a *ValidationError listing every problem.
func (p Profile) Validate() error {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	checkRef := func(field, ref string) {
		if _, err := secret.ParseRef(ref); err != nil {
			add(field, "%v", err)
		}
	}
	// Every string field is bounded and free of control characters. The
	// checks below quote values in their messages, so a profile with such a
	// field is refused with these problems alone.
	bad := map[string]bool{}
	for _, f := range []struct {
		field string
		v     *string
		max   int
	}{
		{"name", &p.Name, MaxNameLen},
		{"version", (*string)(&p.Version), MaxKeywordLen},
		{"community_ref", &p.CommunityRef, MaxRefLen},
		{"user", &p.User, MaxUserLen},
		{"auth_proto", (*string)(&p.AuthProto), MaxKeywordLen},
		{"auth_key_ref", &p.AuthKeyRef, MaxRefLen},
		{"priv_proto", (*string)(&p.PrivProto), MaxKeywordLen},
		{"priv_key_ref", &p.PrivKeyRef, MaxRefLen},
	} {
		if *f.v == "" {
			continue
		}
		msg := textProblem(*f.v, f.max)
		if msg == "" && f.field == "user" && len(p.User) > MaxUserLen {
			msg = fmt.Sprintf("is %d bytes long; the limit is %d bytes (usmUserName, RFC 3414)", len(p.User), MaxUserLen)
		}
		if msg != "" {
			add(f.field, "%s", msg)
			bad[f.field] = true
		}
	}
	if len(bad) > 0 {
		return &ValidationError{Profile: textOrEmpty(p.Name, bad["name"]), Fields: errs}
	}
	if strings.TrimSpace(p.Name) == "" {
		add("name", "is required")
	}
	switch p.Version {
	case V2c:
		if p.CommunityRef == "" {
			add("community_ref", "is required for version 2c (a secret reference such as env:UNET_SNMP_COMMUNITY)")
		} else {
			checkRef("community_ref", p.CommunityRef)
		}
		if p.User != "" || p.AuthProto != AuthNone || p.PrivProto != PrivNone {
			add("user", "v3 user and protocols are not used by version 2c")
		}
	case V3:
		if p.User == "" {
			add("user", "is required for version 3")
		}
		if p.CommunityRef != "" {
			add("community_ref", "is not used by version 3")
		}
		switch p.AuthProto {
		case AuthNone:
			if p.AuthKeyRef != "" {
				add("auth_proto", "is required when auth_key_ref is set")
			}
			if p.PrivProto != PrivNone {
				add("priv_proto", "privacy needs authentication: set auth_proto and auth_key_ref")
			}
		case AuthMD5, AuthSHA, AuthSHA224, AuthSHA256, AuthSHA384, AuthSHA512:
			if p.AuthKeyRef == "" {
				add("auth_key_ref", "is required with auth_proto %s", p.AuthProto)
			} else {
				checkRef("auth_key_ref", p.AuthKeyRef)
			}
		default:
			add("auth_proto", "unknown %q (want md5, sha, sha224, sha256, sha384 or sha512)", string(p.AuthProto))
		}
		switch p.PrivProto {
		case PrivNone:
			if p.PrivKeyRef != "" {
				add("priv_proto", "is required when priv_key_ref is set")
			}
		case PrivDES, PrivAES, PrivAES192, PrivAES256:
			if p.PrivKeyRef == "" {
				add("priv_key_ref", "is required with priv_proto %s", p.PrivProto)
			} else {
				checkRef("priv_key_ref", p.PrivKeyRef)
			}
		default:
			add("priv_proto", "unknown %q (want des, aes, aes192 or aes256)", string(p.PrivProto))
		}
	case "":
		add("version", "is required (2c or 3)")
	default:
		add("version", "unknown %q (want 2c or 3)", string(p.Version))
	}
	if p.Timeout < 0 {
		add("timeout", "must not be negative")
	} else if p.Timeout > 5*time.Minute {
		add("timeout", "%s is longer than the 5m maximum", p.Timeout)
	}
	if p.Retries < 0 || p.Retries > 10 {
		add("retries", "%d is outside 0..10", p.Retries)
	}
	if p.MaxRepetitions < 0 || p.MaxRepetitions > 1000 {
		add("max_repetitions", "%d is outside 0..1000", p.MaxRepetitions)
	}
	if len(errs) > 0 {
		return &ValidationError{Profile: p.Name, Fields: errs}
	}
	return nil
}
