package secret

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
		{ref: "file:" + dir, errText: "directory"},
		{ref: "file:" + big, errText: "larger than"},
		{ref: "file:", wantErr: ErrInvalidRef},
		{ref: "plaintext-community", wantErr: ErrInvalidRef, errText: "env:NAME or file:/path"},
		{ref: "", wantErr: ErrInvalidRef},
		{ref: ":x", wantErr: ErrInvalidRef},
		{ref: "vault:kv/snmp#key", wantErr: ErrInvalidRef, errText: "unknown scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			got, err := Resolve(context.Background(), tt.ref)
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

func TestResolveErrorNeverContainsValue(t *testing.T) {
	t.Setenv("UNET_TEST_SECRET", "hunter2")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Resolve(ctx, "env:UNET_TEST_SECRET")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error leaks the value: %v", err)
	}
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"env:A", "file:/etc/x", "vault:a/b#c", "", ":", "env:", "file:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		r, err := ParseRef(ref)
		if err != nil {
			if !errors.Is(err, ErrInvalidRef) {
				t.Fatalf("ParseRef(%q) error not ErrInvalidRef: %v", ref, err)
			}
			return
		}
		if r.String() != ref {
			t.Fatalf("round trip %q -> %q", ref, r.String())
		}
	})
}
