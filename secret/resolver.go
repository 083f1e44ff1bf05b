package secret

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxFileSize bounds how much of a file reference is read: a credential is
// short, and a reference pointing at a large file is a configuration mistake.
const maxFileSize = 64 << 10

// Lookup returns the value of a secret stored in the database (db:NAME).
type Lookup func(ctx context.Context, name string) (Secret, error)

// Options configure a Resolver.
type Options struct {
	// Allow lists the references that may be stored and resolved, as
	// SCHEME:PATTERN entries where '*' matches any run of characters
	// ("env:UNET_*", "file:/etc/unet/secrets/*", "db:*"). Empty allows
	// nothing.
	Allow []string
	// Use is what the references are for; it only names the allow-list in
	// messages (the caller builds one Resolver per use).
	Use Use
	// Deny lists references refused even when Allow matches them (the
	// variables and files holding μNet's own configuration and keys).
	Deny []string
	// DB resolves db:NAME references; nil refuses them as unavailable.
	DB Lookup
	// LookupEnv reads environment variables (default os.LookupEnv).
	LookupEnv func(string) (string, bool)
}

// Resolver turns secret references into values, for references inside an
// operator-set allow-list only. The same Resolver checks a reference when a
// client stores it (Check) and again when it is used (Resolve), so a
// reference stored before the allow-list was narrowed is refused too. A nil
// *Resolver refuses every reference.
type Resolver struct {
	allow, deny []pattern
	use         Use
	db          Lookup
	lookupEnv   func(string) (string, bool)
}

// NewResolver builds a Resolver from o; it fails on a malformed pattern.
func NewResolver(o Options) (*Resolver, error) {
	allow, err := parsePatterns(o.Allow)
	if err != nil {
		return nil, fmt.Errorf("secrets allow-list: %w", err)
	}
	deny, err := parsePatterns(o.Deny)
	if err != nil {
		return nil, fmt.Errorf("secrets deny-list: %w", err)
	}
	r := &Resolver{allow: allow, deny: deny, use: o.Use, db: o.DB, lookupEnv: o.LookupEnv}
	if r.lookupEnv == nil {
		r.lookupEnv = os.LookupEnv
	}
	return r, nil
}

// WithDB returns a copy of r that resolves db:NAME references with l.
func (r *Resolver) WithDB(l Lookup) *Resolver {
	if r == nil {
		return nil
	}
	c := *r
	c.db = l
	return &c
}

// Allowed returns the allow-list in its textual form, for messages and
// `unet secrets allowed`.
func (r *Resolver) Allowed() []string {
	if r == nil {
		return nil
	}
	out := make([]string, len(r.allow))
	for i, p := range r.allow {
		out[i] = p.String()
	}
	return out
}

// Check parses ref and verifies that it is inside the allow-list, without
// reading the secret. Errors wrap ErrInvalidRef or ErrNotAllowed and never
// contain an invalid ref.
func (r *Resolver) Check(ref string) error {
	_, err := r.check(ref)
	return err
}

func (r *Resolver) check(ref string) (Ref, error) {
	p, err := ParseRef(ref)
	if err != nil {
		return Ref{}, err
	}
	if r == nil {
		return Ref{}, fmt.Errorf("secret reference %s: %w: no secret resolver is configured", p, ErrNotAllowed)
	}
	if !matchAny(r.allow, p.Scheme, p.Name) {
		if r.use != "" {
			return Ref{}, fmt.Errorf("%w: %s is outside the allow-list of %s credentials (%s); the operator sets it in the [secrets] %s_allow list of the config file",
				ErrNotAllowed, p, r.use, r.allowText(), r.use)
		}
		return Ref{}, fmt.Errorf("%w: %s is outside the allow-list (%s); the operator sets it in the [secrets] allow list of the config file",
			ErrNotAllowed, p, r.allowText())
	}
	if matchAny(r.deny, p.Scheme, p.Name) {
		return Ref{}, fmt.Errorf("%w: %s is on the deny-list (which always holds μNet's own configuration and keys) and is never handed out", ErrNotAllowed, p)
	}
	return p, nil
}

func (r *Resolver) allowText() string {
	if len(r.allow) == 0 {
		return "empty"
	}
	return strings.Join(r.Allowed(), ", ")
}

// Resolve checks ref against the allow-list and returns the secret it
// points at:
//
//	env:NAME    the value of environment variable NAME
//	file:/path  the content of the file, without one trailing newline; the
//	            path after following symbolic links must be allowed too
//	db:NAME     the stored secret NAME, decrypted
//
// Errors name the reference (never the value) and wrap ErrInvalidRef,
// ErrNotAllowed, ErrNotFound or ErrEmpty.
func (r *Resolver) Resolve(ctx context.Context, ref string) (Secret, error) {
	p, err := r.check(ref)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("resolve secret %s: %w", p, err)
	}
	switch p.Scheme {
	case SchemeEnv:
		return resolveEnv(p, r.lookupEnv)
	case SchemeFile:
		real, err := filepath.EvalSymlinks(p.Name)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return "", fmt.Errorf("resolve secret %s: file does not exist: %w", p, ErrNotFound)
			}
			return "", fmt.Errorf("resolve secret %s: %w", p, err)
		}
		if matchAny(r.deny, SchemeFile, real) || r.deniedFile(real) {
			return "", fmt.Errorf("%w: %s leads to a file on the deny-list (which always holds μNet's own keys) and is never handed out", ErrNotAllowed, p)
		}
		if real != p.Name && !matchAny(r.allow, SchemeFile, real) {
			return "", fmt.Errorf("%w: %s is a symbolic link to a path outside the allow-list", ErrNotAllowed, p)
		}
		return readFile(p, real)
	default:
		if r.db == nil {
			return "", fmt.Errorf("resolve secret %s: stored secrets are not available here: %w", p, ErrNotFound)
		}
		v, err := r.db(ctx, p.Name)
		if err != nil {
			return "", fmt.Errorf("resolve secret %s: %w", p, err)
		}
		if v.IsZero() {
			return "", fmt.Errorf("resolve secret %s: %w", p, ErrEmpty)
		}
		return v, nil
	}
}

// deniedFile reports whether real is the target of an exact file entry of
// the deny-list (the secrets key file reached through another name).
func (r *Resolver) deniedFile(real string) bool {
	for _, d := range r.deny {
		if d.scheme != SchemeFile || strings.Contains(d.name, "*") {
			continue
		}
		if t, err := filepath.EvalSymlinks(d.name); err == nil && t == real {
			return true
		}
	}
	return false
}

func resolveEnv(r Ref, lookup func(string) (string, bool)) (Secret, error) {
	v, ok := lookup(r.Name)
	if !ok {
		return "", fmt.Errorf("resolve secret %s: environment variable %s is not set in the μNet process: %w", r, r.Name, ErrNotFound)
	}
	if v == "" {
		return "", fmt.Errorf("resolve secret %s: environment variable %s is set but empty: %w", r, r.Name, ErrEmpty)
	}
	return Secret(v), nil
}

// readFile reads the secret of r from path (r's path with symbolic links
// followed).
func readFile(r Ref, path string) (Secret, error) {
	b, err := readLimited(path)
	if err != nil {
		return "", fmt.Errorf("resolve secret %s: %w", r, err)
	}
	v := strings.TrimSuffix(string(b), "\n")
	v = strings.TrimSuffix(v, "\r")
	if v == "" {
		return "", fmt.Errorf("resolve secret %s: file is empty: %w", r, ErrEmpty)
	}
	return Secret(v), nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("file does not exist: %w", ErrNotFound)
		}
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only: closing cannot lose anything
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errors.New("path is a directory, want a file")
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("file is larger than %d bytes", maxFileSize)
	}
	return b, nil
}
