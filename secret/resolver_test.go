package secret

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func newTestResolver(t *testing.T, o Options) *Resolver {
	t.Helper()
	r, err := NewResolver(o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("UNET_TEST_SECRET", "from-env")
	t.Setenv("UNET_TEST_EMPTY", "")
	plain := write("plain", "from-file")
	nl := write("nl", "with-newline\n")
	crlf := write("crlf", "with-crlf\r\n")
	keep := write("keep", "  spaces kept  \n\n")
	empty := write("empty", "\n")
	big := write("big", strings.Repeat("x", maxFileSize+1))
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	r := newTestResolver(t, Options{Allow: []string{"env:UNET_TEST_*", "file:" + dir + "/*"}})

	tests := []struct {
		ref     string
		want    string
		wantErr error
		errText string
	}{
		{ref: "env:UNET_TEST_SECRET", want: "from-env"},
		{ref: "env:UNET_TEST_UNSET_VARIABLE", wantErr: ErrNotFound, errText: "is not set"},
		{ref: "env:UNET_TEST_EMPTY", wantErr: ErrEmpty, errText: "set but empty"},
		{ref: "env:", wantErr: ErrInvalidRef},
		{ref: "env:1BAD", wantErr: ErrInvalidRef},
		{ref: "env:BAD-NAME", wantErr: ErrInvalidRef},
		{ref: "file:" + plain, want: "from-file"},
		{ref: "file:" + nl, want: "with-newline"},
		{ref: "file:" + crlf, want: "with-crlf"},
		{ref: "file:" + keep, want: "  spaces kept  \n"},
		{ref: "file:" + empty, wantErr: ErrEmpty},
		{ref: "file:" + filepath.Join(dir, "missing"), wantErr: ErrNotFound, errText: "does not exist"},
		{ref: "file:" + filepath.Join(dir, "sub"), errText: "directory"},
		{ref: "file:" + big, errText: "larger than"},
		{ref: "file:", wantErr: ErrInvalidRef},
		{ref: "file:relative/path", wantErr: ErrInvalidRef, errText: "absolute path"},
		{ref: "file:" + dir + "/sub/../plain", wantErr: ErrInvalidRef, errText: "clean"},
		{ref: "plaintext-community", wantErr: ErrInvalidRef, errText: "env:NAME, file:PATH or db:NAME"},
		{ref: "", wantErr: ErrInvalidRef},
		{ref: ":x", wantErr: ErrInvalidRef},
		{ref: "vault:kv/snmp#key", wantErr: ErrInvalidRef},
		{ref: "db:x", wantErr: ErrNotAllowed},
		{ref: "env:HOME", wantErr: ErrNotAllowed, errText: "allow-list"},
		{ref: "file:/etc/hostname", wantErr: ErrNotAllowed, errText: "allow-list"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			got, err := r.Resolve(context.Background(), tt.ref)
			if tt.wantErr == nil && tt.errText == "" {
				if err != nil {
					t.Fatalf("Resolve(%q) error: %v", tt.ref, err)
				}
				if got.Reveal() != tt.want {
					t.Fatalf("Resolve(%q) = %q, want %q", tt.ref, got.Reveal(), tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Resolve(%q) = %q, want error", tt.ref, got.Reveal())
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Resolve(%q) error %v, want %v", tt.ref, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("Resolve(%q) error %q does not mention %q", tt.ref, err, tt.errText)
			}
		})
	}
}

func TestInvalidRefIsNeverEchoed(t *testing.T) {
	r := newTestResolver(t, Options{Allow: []string{"env:*", "file:/*", "db:*"}})
	for _, pasted := range []string{"s3cr3t", "p@ss:w0rd", "env:bad-s3cr3t", "db:../s3cr3t", "file:s3cr3t", "vault:s3cr3t"} {
		for name, err := range map[string]error{
			"ParseRef": func() error { _, err := ParseRef(pasted); return err }(),
			"Check":    r.Check(pasted),
			"Resolve":  func() error { _, err := r.Resolve(context.Background(), pasted); return err }(),
		} {
			if !errors.Is(err, ErrInvalidRef) {
				t.Errorf("%s(%q) = %v, want ErrInvalidRef", name, pasted, err)
				continue
			}
			if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "w0rd") {
				t.Errorf("%s(%q) echoes the input: %v", name, pasted, err)
			}
		}
		if d := Describe(pasted); strings.Contains(d, "s3cr3t") {
			t.Errorf("Describe(%q) = %q", pasted, d)
		}
	}
	if d := Describe("env:UNET_X"); d != "env:UNET_X" {
		t.Errorf("Describe of a valid reference = %q", d)
	}
}

func TestAllowList(t *testing.T) {
	dir := t.TempDir()
	secrets := filepath.Join(dir, "secrets", "snmp")
	if err := os.MkdirAll(filepath.Join(secrets, "nested"), 0o700); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(dir, "outside")
	key := filepath.Join(secrets, "master.key")
	for p, v := range map[string]string{outside: "not for clients", key: "key", filepath.Join(secrets, "nested", "tok"): "tok"} {
		if err := os.WriteFile(p, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(secrets, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(key, filepath.Join(secrets, "key-alias")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(secrets, "nested", "tok"), filepath.Join(secrets, "tok-alias")); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"UNET_SNMP_COMMUNITY": "public", "UNET_GIT_TOKEN": "ghp_x", "UNET_DATABASE_URL": "postgres://u:pw@h/db", "HOME": "/root"}
	r := newTestResolver(t, Options{
		Allow:     DefaultAllow(UseSNMP, dir),
		Use:       UseSNMP,
		Deny:      append(DefaultDeny(), "file:"+key),
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
	allowed := []string{"env:UNET_SNMP_COMMUNITY", "file:" + secrets + "/nested/tok", "file:" + secrets + "/tok-alias"}
	for _, ref := range allowed {
		if _, err := r.Resolve(context.Background(), ref); err != nil {
			t.Errorf("Resolve(%s): %v", ref, err)
		}
	}
	refused := map[string]string{
		"env:HOME":                       "allow-list",
		"env:UNET_DATABASE_URL":          "allow-list",
		"env:UNET_GIT_TOKEN":             "snmp_allow",
		"db:git-token":                   "snmp_allow",
		"file:" + dir + "/secrets/git/t": "allow-list",
		"file:" + outside:                "allow-list",
		"file:" + secrets + "/escape":    "symbolic link",
		"file:" + key:                    "never handed out",
		"file:" + secrets + "/key-alias": "never handed out",
		"file:/etc/hostname":             "allow-list",
		"file:" + secrets + "-other/x":   "allow-list",
	}
	for ref, text := range refused {
		_, err := r.Resolve(context.Background(), ref)
		if !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), text) {
			t.Errorf("Resolve(%s) = %v, want ErrNotAllowed mentioning %q", ref, err, text)
		}
		if strings.Contains(err.Error(), "pw@") || strings.Contains(err.Error(), "not for clients") {
			t.Errorf("Resolve(%s) leaks the value: %v", ref, err)
		}
	}
	if err := r.Check("env:UNET_SNMP_COMMUNITY"); err != nil {
		t.Errorf("Check: %v", err)
	}
	if err := r.Check("file:" + outside); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("Check outside = %v", err)
	}
	var none *Resolver
	if err := none.Check("env:UNET_SNMP"); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("nil resolver Check = %v", err)
	}
}

func TestDBReferences(t *testing.T) {
	r := newTestResolver(t, Options{Allow: []string{"db:snmp-*"}})
	if _, err := r.Resolve(context.Background(), "db:snmp-ro"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("db ref without a store = %v", err)
	}
	r = r.WithDB(func(_ context.Context, name string) (Secret, error) {
		if name == "snmp-ro" {
			return "public", nil
		}
		return "", ErrNotFound
	})
	v, err := r.Resolve(context.Background(), "db:snmp-ro")
	if err != nil || v.Reveal() != "public" {
		t.Fatalf("db:snmp-ro = %q, %v", v.Reveal(), err)
	}
	if _, err := r.Resolve(context.Background(), "db:git-token"); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("db:git-token = %v, want ErrNotAllowed", err)
	}
}

func TestBadPatterns(t *testing.T) {
	for _, p := range []string{"UNET_*", "vault:*", "file:secrets/*", "file:/etc/../*", "env:"} {
		if _, err := NewResolver(Options{Allow: []string{p}}); err == nil {
			t.Errorf("pattern %q accepted", p)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, tt := range []struct {
		pat, s string
		want   bool
	}{
		{"UNET_*", "UNET_X", true}, {"UNET_*", "UNET_", true}, {"UNET_*", "XUNET_", false},
		{"/a/*", "/a/b/c", true}, {"/a/*", "/ab", false}, {"*", "", true}, {"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false}, {"exact", "exact", true}, {"exact", "exactly", false},
	} {
		if got := glob(tt.pat, tt.s); got != tt.want {
			t.Errorf("glob(%q, %q) = %v", tt.pat, tt.s, got)
		}
	}
}

// invalidHints is every text an ErrInvalidRef error is made of; an input
// found in the error is an echo unless the fixed text contains it anyway.
const invalidHints = "not a secret reference; use env:NAME, file:PATH or db:NAME " +
	"(env: needs a variable name of letters, digits and underscores) (file: needs an absolute path) " +
	"(file: path must be clean, without '.', '..' or repeated '/') (db: needs a name of letters, digits, '.', '_' and '-')"

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"env:A", "file:/etc/x", "db:x", "vault:a/b#c", "", ":", "env:", "file:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		r, err := ParseRef(ref)
		if err != nil {
			if !errors.Is(err, ErrInvalidRef) {
				t.Fatalf("ParseRef(%q) error not ErrInvalidRef: %v", ref, err)
			}
			if strings.Contains(err.Error(), ref) && !strings.Contains(invalidHints, ref) {
				t.Fatalf("ParseRef(%q) error echoes the input: %v", ref, err)
			}
			return
		}
		if r.String() != ref {
			t.Fatalf("round trip %q -> %q", ref, r.String())
		}
	})
}

func FuzzAllowPattern(f *testing.F) {
	for _, s := range []string{"env:UNET_*", "file:/etc/unet/secrets/*", "db:*", "file:/a/../b/*", "x:*", "env:", "file:/**x*"} {
		f.Add(s, "UNET_X")
	}
	f.Fuzz(func(t *testing.T, pat, name string) {
		p, err := parsePattern(pat)
		if err != nil {
			return
		}
		if !strings.Contains(p.name, "*") && p.match(p.scheme, name) != (p.name == name) {
			t.Fatalf("pattern %q without '*' matched %q", pat, name)
		}
		if !p.match(p.scheme, p.name) {
			t.Fatalf("pattern %q does not match its own text", pat)
		}
	})
}
