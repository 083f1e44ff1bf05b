package secret

import (
	"fmt"
	"path/filepath"
	"strings"
)

// pattern is one allow-list or deny-list entry: a scheme and a name pattern
// in which '*' matches any run of characters, '/' included.
type pattern struct {
	scheme string
	name   string
}

func (p pattern) String() string { return p.scheme + ":" + p.name }

// parsePattern checks one list entry. A file pattern must be absolute and
// clean up to its first '*', so that "file:/etc/unet/secrets/*" cannot be
// widened by a relative path or "..".
func parsePattern(s string) (pattern, error) {
	scheme, name, ok := strings.Cut(s, ":")
	if !ok || name == "" {
		return pattern{}, fmt.Errorf("secret pattern %q: want SCHEME:NAME such as env:UNET_* or file:/etc/unet/secrets/*", s)
	}
	switch scheme {
	case SchemeEnv, SchemeDB:
	case SchemeFile:
		prefix, _, _ := strings.Cut(name, "*")
		if !filepath.IsAbs(name) {
			return pattern{}, fmt.Errorf("secret pattern %q: file patterns need an absolute path", s)
		}
		if dir := strings.TrimSuffix(prefix, "/"); dir != "" && filepath.Clean(dir) != dir {
			return pattern{}, fmt.Errorf("secret pattern %q: path must be clean, without '.', '..' or repeated '/'", s)
		}
	default:
		return pattern{}, fmt.Errorf("secret pattern %q: unknown scheme %q (want env, file or db)", s, scheme)
	}
	return pattern{scheme: scheme, name: name}, nil
}

func parsePatterns(list []string) ([]pattern, error) {
	out := make([]pattern, 0, len(list))
	for _, s := range list {
		p, err := parsePattern(strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// match reports whether the reference (scheme, name) matches p.
func (p pattern) match(scheme, name string) bool {
	return p.scheme == scheme && glob(p.name, name)
}

func matchAny(ps []pattern, scheme, name string) bool {
	for _, p := range ps {
		if p.match(scheme, name) {
			return true
		}
	}
	return false
}

// glob matches s against pat, where '*' matches any run of characters
// (including none and including '/'); every other character matches itself.
func glob(pat, s string) bool {
	// Iterative matching with one backtracking point: linear in practice,
	// never exponential.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(pat) && pat[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(pat) && pat[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi] == '*' {
		pi++
	}
	return pi == len(pat)
}

// Use names what a secret reference is for. Each use has its own
// allow-list, so a client that may store an SNMP profile cannot point its
// community at the Git token (and send it to a host it controls), and a Git
// source cannot carry an SNMP credential.
type Use string

const (
	// UseSNMP covers SNMP communities and SNMPv3 keys.
	UseSNMP Use = "snmp"
	// UseGit covers Git source tokens, passwords, SSH keys and webhook
	// secrets.
	UseGit Use = "git"
)

// Uses lists every use, in a stable order.
func Uses() []Use { return []Use{UseSNMP, UseGit} }

// DefaultAllow is the allow-list of use when the operator sets none:
// environment variables whose names start with UNET_<USE>_, stored secrets
// whose names start with <use>- and files below the data directory's
// secrets/<use>/ sub-directory.
func DefaultAllow(use Use, dataDir string) []string {
	u := string(use)
	list := []string{"env:UNET_" + strings.ToUpper(u) + "_*", "db:" + u + "-*"}
	if abs, err := filepath.Abs(dataDir); err == nil {
		list = append(list, "file:"+filepath.Join(abs, "secrets", u)+"/*")
	}
	return list
}

// DefaultDeny lists the references refused whatever the allow-list says:
// the environment variables μNet reads its own configuration from (the
// database URL carries a password, the secrets key variable names the
// master key).
func DefaultDeny() []string {
	return []string{"env:UNET_DATABASE_URL", "env:UNET_CONFIG", "env:UNET_SERVER*", "env:UNET_SECRETS_KEY*", "env:UNET_DATA_DIR"}
}
