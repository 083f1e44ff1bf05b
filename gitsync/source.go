package gitsync

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// IsLocalURL reports whether a source URL names a repository on the
// machine running μNet (a file:// URL or a plain path) rather than a remote
// one. Reading such a repository reads the server's own files, so it is
// refused unless the operator allows local URLs.
func IsLocalURL(u string) bool {
	ep, err := transport.NewEndpoint(u)
	if err != nil {
		return strings.HasPrefix(strings.ToLower(u), "file:")
	}
	return ep.Protocol == "file"
}

// LocalURLMessage explains why a local URL is refused and how the operator
// allows it.
const LocalURLMessage = "a local path or file:// URL reads the server's own files and is refused; " +
	"the operator allows it with allow_local_urls = true in the [git] section of the config file"

// Kind says what a source holds.
type Kind string

// The kinds of source.
const (
	KindPolicies  Kind = "policies"
	KindTemplates Kind = "templates"
	KindBoth      Kind = "both"
)

// DefaultEnvironment is the name of the environment that follows the
// source's own Branch, Tag or Commit. Named environments come from
// Source.Environments.
const DefaultEnvironment = "default"

// Source is a Git repository holding policies, templates, or both.
type Source struct {
	// Name identifies the source; it is used in directory names, so it is
	// limited to letters, digits, '.', '_' and '-'.
	Name string `json:"name"`
	// URL of the repository: https://, http://, ssh://, user@host:path,
	// file://, or a local path.
	URL string `json:"url"`
	// Branch, Tag and Commit select what the default environment follows; at
	// most one may be set. With none set, the remote's default branch (HEAD)
	// is followed.
	Branch string `json:"branch,omitempty"`
	Tag    string `json:"tag,omitempty"`
	Commit string `json:"commit,omitempty"`
	// Path is an optional sub-directory of the repository; snapshots contain
	// only that directory, and file paths are relative to it.
	Path string `json:"path,omitempty"`
	// Kind says which validators run on the source's snapshots.
	Kind Kind `json:"kind"`
	// Environments maps environment names to branches; each environment has
	// its own active snapshot.
	Environments map[string]string `json:"environments,omitempty"`
	// Auth references the credentials; nil means anonymous access.
	Auth *Auth `json:"auth,omitempty"`
	// Interval between scheduled syncs (0: no schedule). The Syncer does
	// not use it; the scheduler does.
	Interval time.Duration `json:"interval,omitempty"`
	// WebhookSecretRef references the secret webhook deliveries are
	// verified with (see the webhook package); empty refuses webhooks.
	WebhookSecretRef string `json:"webhook_secret_ref,omitempty"`
}

// Auth holds secret references (never secret values) for a source. The
// Syncer resolves them with its SecretResolver when it talks to the remote.
type Auth struct {
	// Username for HTTP(S) basic authentication; with only TokenRef set it
	// defaults to "x-access-token" (GitHub; GitLab and Gitea accept any
	// name with a personal access token). For SSH it is the login (default
	// "git").
	Username string `json:"username,omitempty"`
	// PasswordRef references an HTTP(S) password.
	PasswordRef string `json:"password_ref,omitempty"`
	// TokenRef references an HTTP(S) access token, sent as the password of
	// basic authentication.
	TokenRef string `json:"token_ref,omitempty"`
	// SSHKeyRef references a PEM private key for ssh:// remotes.
	SSHKeyRef string `json:"ssh_key_ref,omitempty"`
	// SSHPassphraseRef references the passphrase of an encrypted key.
	SSHPassphraseRef string `json:"ssh_passphrase_ref,omitempty"`
	// KnownHosts holds the accepted host keys in known_hosts format. SSH
	// remotes require it: host keys are always checked.
	KnownHosts string `json:"known_hosts,omitempty"`
}

// Environment is one environment of a source after defaults are applied.
type Environment struct {
	// Name of the environment (DefaultEnvironment for the source's own ref).
	Name string `json:"name"`
	// Ref is the full reference name followed ("refs/heads/main",
	// "refs/tags/v1"), or empty when a fixed commit or the remote HEAD is
	// followed.
	Ref plumbing.ReferenceName `json:"ref,omitempty"`
	// Commit is the fixed commit followed, if any.
	Commit string `json:"commit,omitempty"`
}

// Branch returns the short branch name of the environment, or "" when it
// does not follow a branch.
func (e Environment) Branch() string {
	if e.Ref.IsBranch() {
		return e.Ref.Short()
	}
	return ""
}

var (
	namePattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	commitPattern = regexp.MustCompile(`^[0-9a-f]{4,40}$`)
)

// Limits of the string fields of a Source, in characters unless said
// otherwise.
const (
	MaxURLLen      = 2048
	MaxRefNameLen  = 255 // branch and tag names
	MaxPathLen     = 1024
	MaxEnvNameLen  = 64
	MaxUsernameLen = 256
	MaxSecretRef   = 1024
	// MaxKnownHostsBytes bounds auth.known_hosts, in bytes. It is the one
	// multi-line field: newlines separate its entries; other control
	// characters are refused like everywhere else.
	MaxKnownHostsBytes = 64 << 10
)

// FieldError is the problem of one field of a Source's configuration
// ("url", "branch", "environments", "auth.username", …). Its message names
// the source and the field, as Validate's errors always did.
type FieldError struct {
	Field   string
	Message string
}

// Error implements error.
func (e *FieldError) Error() string { return e.Message }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// textProblem returns why s is refused as a field value, or "": invalid
// UTF-8, more than max characters, or a control character (C0 with tab and
// ESC, DEL, C1); newline is allowed when multiline. The message never
// repeats the value.
func textProblem(s string, max int, multiline bool) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Sprintf("is %d characters long; the limit is %d", n, max)
	}
	i := 0
	for _, r := range s {
		if (r < 0x20 || (r >= 0x7f && r <= 0x9f)) && !(multiline && r == '\n') {
			return fmt.Sprintf("contains the control character %U at position %d; control characters (tab, newline, ESC, …) are not allowed", r, i+1)
		}
		i++
	}
	return ""
}

// checkText reports the first string field of s that is too long, not
// UTF-8 or holds a control character.
func (s Source) checkText() *FieldError {
	type text struct {
		field, v string
		max      int
	}
	fields := []text{{"url", s.URL, MaxURLLen}, {"branch", s.Branch, MaxRefNameLen}, {"tag", s.Tag, MaxRefNameLen},
		{"commit", s.Commit, 64}, {"path", s.Path, MaxPathLen}, {"kind", string(s.Kind), 16}, {"webhook_secret_ref", s.WebhookSecretRef, MaxSecretRef}}
	if a := s.Auth; a != nil {
		fields = append(fields, text{"auth.username", a.Username, MaxUsernameLen}, text{"auth.password_ref", a.PasswordRef, MaxSecretRef},
			text{"auth.token_ref", a.TokenRef, MaxSecretRef}, text{"auth.ssh_key_ref", a.SSHKeyRef, MaxSecretRef},
			text{"auth.ssh_passphrase_ref", a.SSHPassphraseRef, MaxSecretRef})
	}
	for _, f := range fields {
		if f.v == "" {
			continue
		}
		if msg := textProblem(f.v, f.max, false); msg != "" {
			return fieldErr(f.field, "source %s: %s %s", s.Name, f.field, msg)
		}
	}
	if a := s.Auth; a != nil && a.KnownHosts != "" {
		if len(a.KnownHosts) > MaxKnownHostsBytes {
			return fieldErr("auth.known_hosts", "source %s: auth.known_hosts is %d bytes long; the limit is %d (64 KiB)", s.Name, len(a.KnownHosts), MaxKnownHostsBytes)
		}
		if msg := textProblem(a.KnownHosts, MaxKnownHostsBytes, true); msg != "" {
			return fieldErr("auth.known_hosts", "source %s: auth.known_hosts %s (newlines between entries are allowed)", s.Name, msg)
		}
	}
	envs := make([]string, 0, len(s.Environments))
	for env := range s.Environments {
		envs = append(envs, env)
	}
	sort.Strings(envs)
	for _, env := range envs {
		if msg := textProblem(env, MaxEnvNameLen, false); msg != "" {
			return fieldErr("environments", "source %s: an environment name %s", s.Name, msg)
		}
		if msg := textProblem(s.Environments[env], MaxRefNameLen, false); msg != "" {
			return fieldErr("environments."+env, "source %s: environment %s: the branch name %s", s.Name, env, msg)
		}
	}
	return nil
}

// Validate reports the first problem of the source's configuration, as a
// *FieldError naming the field.
func (s Source) Validate() error {
	if !namePattern.MatchString(s.Name) || strings.Contains(s.Name, "..") {
		return fieldErr("name", "source name %q: use letters, digits, '.', '_' and '-' (at most 128)", s.Name)
	}
	if e := s.checkText(); e != nil {
		return e
	}
	if strings.TrimSpace(s.URL) == "" {
		return fieldErr("url", "source %s: url is required", s.Name)
	}
	if u, err := url.Parse(s.URL); err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		switch u.Scheme {
		case "http", "https", "ssh", "file", "git":
		default:
			return fieldErr("url", "source %s: unsupported URL scheme %q (use https, http, ssh, file or a local path)", s.Name, u.Scheme)
		}
	}
	set := []string{}
	for i, v := range []string{s.Branch, s.Tag, s.Commit} {
		if v != "" {
			set = append(set, []string{"branch", "tag", "commit"}[i])
		}
	}
	if len(set) > 1 {
		return fieldErr(set[1], "source %s: set at most one of branch, tag and commit", s.Name)
	}
	if s.Commit != "" && !commitPattern.MatchString(s.Commit) {
		return fieldErr("commit", "source %s: commit %q is not a hexadecimal commit id", s.Name, s.Commit)
	}
	for i, ref := range []string{s.Branch, s.Tag} {
		if ref != "" && !validRefName(ref) {
			return fieldErr([]string{"branch", "tag"}[i], "source %s: %q is not a valid branch or tag name", s.Name, ref)
		}
	}
	if s.Path != "" {
		if _, err := cleanSubdir(s.Path); err != nil {
			return fieldErr("path", "source %s: %v", s.Name, err)
		}
	}
	if s.Interval < 0 {
		return fieldErr("interval", "source %s: interval %s is negative", s.Name, s.Interval)
	}
	switch s.Kind {
	case KindPolicies, KindTemplates, KindBoth:
	default:
		return fieldErr("kind", "source %s: kind %q: use policies, templates or both", s.Name, s.Kind)
	}
	envs := make([]string, 0, len(s.Environments))
	for env := range s.Environments {
		envs = append(envs, env)
	}
	sort.Strings(envs)
	for _, env := range envs {
		if !namePattern.MatchString(env) || env == DefaultEnvironment {
			return fieldErr("environments", "source %s: environment name %q is not allowed", s.Name, env)
		}
		if branch := s.Environments[env]; !validRefName(branch) {
			return fieldErr("environments."+env, "source %s: environment %s: %q is not a valid branch name", s.Name, env, branch)
		}
	}
	return nil
}

// EnvironmentList returns the default environment followed by the named
// environments in name order.
func (s Source) EnvironmentList() []Environment {
	def := Environment{Name: DefaultEnvironment}
	switch {
	case s.Branch != "":
		def.Ref = plumbing.NewBranchReferenceName(s.Branch)
	case s.Tag != "":
		def.Ref = plumbing.NewTagReferenceName(s.Tag)
	case s.Commit != "":
		def.Commit = strings.ToLower(s.Commit)
	}
	envs := []Environment{def}
	names := make([]string, 0, len(s.Environments))
	for n := range s.Environments {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		envs = append(envs, Environment{Name: n, Ref: plumbing.NewBranchReferenceName(s.Environments[n])})
	}
	return envs
}

// Environment returns the environment called name. A name the source does
// not define (including "") maps to the default environment, so a node whose
// environment a source does not distinguish uses the source's main line.
func (s Source) Environment(name string) Environment {
	envs := s.EnvironmentList()
	for _, e := range envs {
		if e.Name == name {
			return e
		}
	}
	return envs[0]
}

func validRefName(name string) bool {
	if name == "" || strings.HasPrefix(name, "-") || strings.HasPrefix(name, "/") ||
		strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".lock") ||
		strings.Contains(name, "..") || strings.Contains(name, "//") || strings.Contains(name, "@{") {
		return false
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(" ~^:?*[\\", r) {
			return false
		}
	}
	return true
}

// cleanSubdir normalises a sub-directory to a slash-separated relative path
// ("" for the root) and refuses paths that leave the repository.
func cleanSubdir(p string) (string, error) {
	c := path.Clean(strings.ReplaceAll(p, "\\", "/"))
	if c == "." || c == "/" {
		return "", nil
	}
	if strings.HasPrefix(c, "/") || c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("path %q must be a sub-directory inside the repository", p)
	}
	return c, nil
}
