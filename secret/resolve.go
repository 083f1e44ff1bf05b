package secret

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Supported reference schemes.
const (
	SchemeEnv  = "env"
	SchemeFile = "file"
)

// maxFileSize bounds how much of a file reference is read: a credential is
// short, and a reference pointing at a large file is a configuration mistake.
const maxFileSize = 64 << 10

var (
	// ErrInvalidRef reports a reference that is not of the form "scheme:value"
	// or uses an unknown scheme.
	ErrInvalidRef = errors.New("invalid secret reference")
	// ErrNotFound reports a reference whose target does not exist (unset
	// environment variable, missing file).
	ErrNotFound = errors.New("secret not found")
	// ErrEmpty reports a reference whose target exists but holds no value.
	ErrEmpty = errors.New("secret is empty")
)

// Ref is a parsed secret reference.
type Ref struct {
	// Scheme is the part before the first colon ("env", "file").
	Scheme string
	// Name is the part after the first colon: a variable name or a path.
	Name string
}

// String returns the reference in its "scheme:name" form. A reference names
// where a secret lives, never the secret itself, so it is safe to print.
func (r Ref) String() string { return r.Scheme + ":" + r.Name }

// ParseRef checks the syntax of a reference without resolving it, so
// configuration can be validated before any secret is read.
func ParseRef(ref string) (Ref, error) {
	scheme, name, ok := strings.Cut(ref, ":")
	if !ok || scheme == "" {
		return Ref{}, fmt.Errorf("%w %q: want env:NAME or file:/path", ErrInvalidRef, ref)
	}
	switch scheme {
	case SchemeEnv:
		if !validEnvName(name) {
			return Ref{}, fmt.Errorf("%w %q: environment variable name must be letters, digits and underscores, not starting with a digit", ErrInvalidRef, ref)
		}
	case SchemeFile:
		if name == "" {
			return Ref{}, fmt.Errorf("%w %q: missing file path after \"file:\"", ErrInvalidRef, ref)
		}
	default:
		return Ref{}, fmt.Errorf("%w %q: unknown scheme %q (supported: env, file)", ErrInvalidRef, ref, scheme)
	}
	return Ref{Scheme: scheme, Name: name}, nil
}

// Resolve reads the secret a reference points at:
//
//	env:NAME    the value of environment variable NAME
//	file:/path  the content of the file, without one trailing newline
//
// Errors name the reference (never the value) and wrap ErrInvalidRef,
// ErrNotFound or ErrEmpty.
func Resolve(ctx context.Context, ref string) (Secret, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("resolve secret %s: %w", ref, err)
	}
	r, err := ParseRef(ref)
	if err != nil {
		return "", err
	}
	switch r.Scheme {
	case SchemeEnv:
		return resolveEnv(r)
	default:
		return resolveFile(r)
	}
}

func resolveEnv(r Ref) (Secret, error) {
	v, ok := os.LookupEnv(r.Name)
	if !ok {
		return "", fmt.Errorf("resolve secret %s: environment variable %s is not set: %w", r, r.Name, ErrNotFound)
	}
	if v == "" {
		return "", fmt.Errorf("resolve secret %s: environment variable %s is set but empty: %w", r, r.Name, ErrEmpty)
	}
	return Secret(v), nil
}

func resolveFile(r Ref) (Secret, error) {
	f, err := os.Open(r.Name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("resolve secret %s: file does not exist: %w", r, ErrNotFound)
		}
		return "", fmt.Errorf("resolve secret %s: %w", r, err)
	}
	defer func() { _ = f.Close() }()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return "", fmt.Errorf("resolve secret %s: path is a directory, want a file", r)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return "", fmt.Errorf("resolve secret %s: %w", r, err)
	}
	if len(b) > maxFileSize {
		return "", fmt.Errorf("resolve secret %s: file is larger than %d bytes", r, maxFileSize)
	}
	v := strings.TrimSuffix(string(b), "\n")
	v = strings.TrimSuffix(v, "\r")
	if v == "" {
		return "", fmt.Errorf("resolve secret %s: file is empty: %w", r, ErrEmpty)
	}
	return Secret(v), nil
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
