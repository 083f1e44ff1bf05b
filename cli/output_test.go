package cli

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscapeCell(t *testing.T) {
	for in, want := range map[string]string{
		"leaf1.example.net": "leaf1.example.net",
		"Zürich 東京":         "Zürich 東京",
		"a\x1b[31mb":        `a\x1b[31mb`,
		"a\tb\nc\rd\x00":    `a\x09b\x0ac\x0dd\x00`,
		"del\x7f c1\u009b":  `del\x7f c1\u009b`,
		"\u202eexe.txt":     `\u202eexe.txt`,
		"bad\xffutf8":       `bad\xffutf8`,
	} {
		if got := escapeCell(in); got != want {
			t.Errorf("escapeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzEscapeCell: an escaped cell is valid UTF-8 without a character that a
// terminal or tabwriter would act on, and safe cells are left alone.
func FuzzEscapeCell(f *testing.F) {
	for _, s := range []string{"", "leaf1", "a\x1b[2Jb", "\t\n\r", "\xff\xfe", "\u202e\u2066", "é\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := escapeCell(s)
		if !utf8.ValidString(got) {
			t.Fatalf("escapeCell(%q) = %q is not UTF-8", s, got)
		}
		for _, r := range got {
			if unsafeRune(r) {
				t.Fatalf("escapeCell(%q) = %q keeps %U", s, got, r)
			}
		}
		if !needsEscape(s) && got != s {
			t.Fatalf("safe cell %q changed to %q", s, got)
		}
		if needsEscape(s) && !strings.Contains(got, `\`) {
			t.Fatalf("escapeCell(%q) = %q shows no escape", s, got)
		}
	})
}
