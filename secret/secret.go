// Package secret holds credentials in memory without letting them leak into
// logs, API output or exports, and resolves secret references such as
// "env:NAME" or "file:/path" into their values at the moment they are used.
package secret

import (
	"fmt"
	"log/slog"
)

// Redacted is what a Secret prints as in every textual representation.
const Redacted = "[REDACTED]"

// Secret is a credential value. Its String, GoString, Format, MarshalJSON,
// MarshalText and LogValue methods all redact the value, so a Secret can be
// put in a struct that is logged or encoded without exposing it. Use Reveal
// to obtain the value at the single place that needs it (for example when
// building an SNMP session).
type Secret string

// Reveal returns the clear-text value. Call it only where the value is handed
// to the protocol library that needs it; never log or return the result.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

// String returns a redacted placeholder, or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString redacts the value for the %#v verb.
func (s Secret) GoString() string { return fmt.Sprintf("secret.Secret(%q)", s.String()) }

// Format redacts the value for every fmt verb (%s, %v, %q, %x, ...).
//
// Writes to f go to fmt's own buffer, which does not fail; the fmt function
// that called Format reports the error of the final write.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			_, _ = fmt.Fprint(f, s.GoString())
			return
		}
		_, _ = fmt.Fprint(f, s.String())
	case 'q':
		_, _ = fmt.Fprintf(f, "%q", s.String())
	default:
		_, _ = fmt.Fprint(f, s.String())
	}
}

// MarshalJSON encodes the secret as the redacted placeholder.
func (s Secret) MarshalJSON() ([]byte, error) {
	return []byte(`"` + s.String() + `"`), nil
}

// MarshalText encodes the secret as the redacted placeholder (used by TOML,
// YAML and encoding/xml encoders).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue redacts the secret in log/slog records.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }
