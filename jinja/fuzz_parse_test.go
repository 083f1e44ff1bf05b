package jinja

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that no input makes the parser panic, and that every
// failure is a positioned syntax error inside the source.
func FuzzParse(f *testing.F) {
	for _, c := range allParseCases() {
		f.Add(c.src, c.opts.TrimBlocks, c.opts.LstripBlocks, c.opts.KeepTrailingNewline)
	}
	f.Fuzz(func(t *testing.T, src string, trim, lstrip, keep bool) {
		o := Options{TrimBlocks: trim, LstripBlocks: lstrip, KeepTrailingNewline: keep}
		tree, err := Parse("f", src, o)
		if err == nil {
			if tree == nil {
				t.Fatal("nil tree without error")
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrSyntax) {
			t.Fatalf("%q: error %v is not a syntax *Error", src, err)
		}
		lines := strings.Count(normalizeSource(src, keep), "\n") + 1
		if e.Line < 1 || e.Line > lines || e.Col < 1 || e.Template != "f" {
			t.Fatalf("%q: error %v outside the source (%d lines)", src, err, lines)
		}
	})
}
