package secret

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Supported reference schemes.
const (
	// SchemeEnv names an environment variable of the μNet process.
	SchemeEnv = "env"
	// SchemeFile names a file on the μNet host by absolute path.
	SchemeFile = "file"
	// SchemeDB names a value stored encrypted in μNet's database.
	SchemeDB = "db"
)

// maxDBName bounds the name of a stored secret.
const maxDBName = 128

var (
	// ErrInvalidRef reports a string that is not a secret reference. Its
	// message never repeats the string: a user who pasted a credential into
	// a *_ref field must not see it echoed in an error or a log.
	ErrInvalidRef = errors.New("not a secret reference; use env:NAME, file:PATH or db:NAME")
	// ErrNotAllowed reports a well-formed reference outside the operator's
	// allow-list (or inside its deny-list).
	ErrNotAllowed = errors.New("secret reference not allowed")
	// ErrNotFound reports a reference whose target does not exist (unset
	// environment variable, missing file, unknown stored secret).
	ErrNotFound = errors.New("secret not found")
	// ErrEmpty reports a reference whose target exists but holds no value.
	ErrEmpty = errors.New("secret is empty")
)

// Ref is a parsed secret reference.
type Ref struct {
	// Scheme is the part before the first colon ("env", "file", "db").
	Scheme string
	// Name is the part after the first colon: a variable name, an absolute
	// path or a stored secret's name.
	Name string
}

// String returns the reference in its "scheme:name" form. A reference names
// where a secret lives, never the secret itself, so it is safe to print.
func (r Ref) String() string { return r.Scheme + ":" + r.Name }

// invalid returns an ErrInvalidRef error with a hint that does not repeat
// the input.
func invalid(hint string) error {
	if hint == "" {
		return ErrInvalidRef
	}
	return fmt.Errorf("%w (%s)", ErrInvalidRef, hint)
}

// ParseRef checks the syntax of a reference without resolving it, so
// configuration can be validated before any secret is read:
//
//	env:NAME    NAME is letters, digits and underscores, not starting with a digit
//	file:PATH   PATH is absolute and clean (no "." or ".." elements)
//	db:NAME     NAME is letters, digits, '.', '_' and '-' (at most 128)
//
// Errors wrap ErrInvalidRef and never contain ref.
func ParseRef(ref string) (Ref, error) {
	scheme, name, ok := strings.Cut(ref, ":")
	if !ok || scheme == "" {
		return Ref{}, invalid("")
	}
	switch scheme {
	case SchemeEnv:
		if !validEnvName(name) {
			return Ref{}, invalid("env: needs a variable name of letters, digits and underscores")
		}
	case SchemeFile:
		if name == "" || !filepath.IsAbs(name) {
			return Ref{}, invalid("file: needs an absolute path")
		}
		if filepath.Clean(name) != name {
			return Ref{}, invalid("file: path must be clean, without '.', '..' or repeated '/'")
		}
	case SchemeDB:
		if !ValidName(name) {
			return Ref{}, invalid("db: needs a name of letters, digits, '.', '_' and '-'")
		}
	default:
		return Ref{}, invalid("")
	}
	return Ref{Scheme: scheme, Name: name}, nil
}

// Describe returns ref when it is a well-formed reference and a placeholder
// otherwise, for messages that must name a reference of unknown quality
// (one read back from storage) without risking to print a credential.
func Describe(ref string) string {
	if _, err := ParseRef(ref); err != nil {
		return "(not a secret reference)"
	}
	return ref
}

// ValidName reports whether name can name a stored secret (db:NAME).
func ValidName(name string) bool {
	if name == "" || len(name) > maxDBName || name[0] == '.' || name[0] == '-' {
		return false
	}
	for _, c := range name {
		switch {
		case c == '_', c == '-', c == '.', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return true
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
