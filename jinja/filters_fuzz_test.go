package jinja

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParsePyInt checks int()'s parser against Go's for the plain decimal
// forms both accept, and that it never panics.
func FuzzParsePyInt(f *testing.F) {
	for _, s := range []string{"42", " -7 ", "1_000", "0x1f", "0b101", "0o17", "_1", "1__2", "99999999999999999999", "-9223372036854775808", "+", ""} {
		f.Add(s, 10)
		f.Add(s, 0)
		f.Add(s, 16)
	}
	f.Fuzz(func(t *testing.T, s string, base int) {
		if base != 0 && (base < 2 || base > 36) {
			base = 10
		}
		n, err := parsePyInt(s, base)
		if base != 10 || strings.ContainsAny(s, "_ \t\n\v\f\r") {
			return
		}
		want, werr := strconv.ParseInt(s, 10, 64)
		if werr == nil && (err != nil || n != want) {
			t.Errorf("parsePyInt(%q) = %d, %v; want %d", s, n, err, want)
		}
	})
}

// FuzzParsePyFloat checks float()'s parser against Go's for the forms both
// accept.
func FuzzParsePyFloat(f *testing.F) {
	for _, s := range []string{"1.5", " -2 ", "1_000.5", "inf", "-Infinity", "nan", "1e400", "0x10", ".5", "5.", "e5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parsePyFloat(s)
		if strings.ContainsAny(s, "_xXpP \t\n\v\f\r") {
			return
		}
		want, err := strconv.ParseFloat(s, 64)
		if err == nil && (!ok || (got != want && got == got)) {
			t.Errorf("parsePyFloat(%q) = %v, %v; want %v", s, got, ok, want)
		}
	})
}

// FuzzTextFilters runs the text filters over arbitrary input: they return
// a value or an error, never panic, and wordwrap keeps every non-space
// character.
func FuzzTextFilters(f *testing.F) {
	for _, s := range []string{"The quick brown fox", "well-known a--b --c", "<p>x</p><!-- y -->&amp;", "http://x.com (www.y.org) a@b.cc", "a\r\nb\x85c\u2028", "\xff\xfe"} {
		f.Add(s, 5)
	}
	filters := builtinFilters()
	names := []string{"title", "capitalize", "striptags", "urlize", "wordcount", "trim", "center", "indent", "truncate", "escape", "urlencode", "tojson", "pprint", "reverse", "list", "format"}
	f.Fuzz(func(t *testing.T, s string, width int) {
		width = width%40 + 1
		if width < 1 {
			width = -width + 1
		}
		s = strings.ToValidUTF8(s, "?")
		for _, name := range names {
			_, _ = filters[name](testState(), s, Args{})
		}
		for _, hy := range []bool{true, false} {
			got, err := filters["wordwrap"](testState(), s, Args{Pos: []Value{int64(width), true, nil, hy}})
			if err != nil {
				t.Fatalf("wordwrap(%q, %d): %v", s, width, err)
			}
			out := got.(string)
			if !utf8.ValidString(out) {
				t.Fatalf("wordwrap(%q) is not UTF-8", s)
			}
			if strip(out) != strip(s) {
				t.Fatalf("wordwrap(%q, %d) = %q lost characters", s, width, out)
			}
		}
	})
}

// strip removes whitespace.
func strip(s string) string {
	return strings.Join(strings.FieldsFunc(s, isPySpace), "")
}

// FuzzQuotedLen checks the size urlencode reserves against what it writes.
func FuzzQuotedLen(f *testing.F) {
	f.Add("a b/c?d=é")
	f.Fuzz(func(t *testing.T, s string) {
		for _, qs := range []bool{false, true} {
			if got, want := quotedLen(s, qs), len(urlQuote(s, qs)); got != want {
				t.Errorf("quotedLen(%q, %v) = %d, want %d", s, qs, got, want)
			}
		}
	})
}
