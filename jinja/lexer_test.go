package jinja

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestNormalizeSource(t *testing.T) {
	for _, c := range []struct {
		src  string
		keep bool
		want string
	}{
		{"a\r\nb\rc\n", false, "a\nb\nc"},
		{"a\n\n", false, "a\n"},
		{"a\n", true, "a\n"},
		{"a\r\n", true, "a\n"},
		{"\n", false, ""},
		{"", false, ""},
		// Only \r\n, \r and \n are line breaks (Jinja2 3.x).
		{"a\x0bb\x0c\u2028\x85", false, "a\x0bb\x0c\u2028\x85"},
	} {
		if got := normalizeSource(c.src, c.keep); got != c.want {
			t.Errorf("normalizeSource(%q, %v) = %q, want %q", c.src, c.keep, got, c.want)
		}
	}
}

// Literal values as Python Jinja2 gives them.
func TestLexLiterals(t *testing.T) {
	for _, c := range []struct {
		src  string
		want Value
	}{
		{"{{ 1_000 }}", int64(1000)},
		{"{{ 0b1_0 }}", int64(2)},
		{"{{ 0o1_7 }}", int64(15)},
		{"{{ 0X_F }}", int64(15)},
		{"{{ 9223372036854775807 }}", int64(9223372036854775807)},
		{"{{ 1_0.5e1_0 }}", 105000000000.0},
		{"{{ 1e400 }}", math.Inf(1)},
		{"{{ 'a\\x41\\101\\u00e9\\U0001F600' }}", "aAAé😀"},
		{"{{ 'a\\qb' }}", "a\\qb"},
		{"{{ 'a\\\nb' }}", "ab"},
	} {
		tree, err := Parse("t", c.src, Options{})
		if err != nil {
			t.Errorf("%q: %v", c.src, err)
			continue
		}
		got := tree.Body[0].(*Output).X.(*Const).Value
		if got != c.want {
			t.Errorf("%q: got %#v, want %#v", c.src, got, c.want)
		}
	}
}

// Errors of constructs refused on purpose, and errors that Jinja2's lazy
// lexer reports only when the parser gets there.
func TestLexErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"{{ 9223372036854775808 }}", "t:1:4: integer literal too large: 9223372036854775808"},
		{"{{ '\\N{DASH}' }}", "t:1:4: \\N{...} escapes are not supported"},
		{"{{ x y }}{{ $ }}", "t:1:6: expected token 'end of print statement', got 'y'"},
		{"{{ x }}{{ $ }}", "t:1:11: unexpected char '$' at 10"},
		{"é\n{{ é $ }}", "t:2:6: unexpected char '$' at 7"},
		{"{# x", "t:1:3: Missing end of comment tag"},
		{"{% raw %}x", "t:1:10: Missing end of raw directive"},
		{"{{ ) }}", "t:1:4: unexpected ')'"},
		{"{{ (] }}", "t:1:5: unexpected ']', expected ')'"},
	} {
		_, err := Parse("t", c.src, Options{})
		if err == nil || err.Error() != c.want || !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: got %v, want %s", c.src, err, c.want)
		}
	}
}

func TestLexTokens(t *testing.T) {
	toks := lex("t", "a {{- x.0|f(1.5) -}}\n b{% if y %}", Options{TrimBlocks: true})
	var parts []string
	for _, tok := range toks {
		parts = append(parts, tok.describe()+"="+tok.val)
	}
	want := "template data / text=a|begin of print statement={{-|x=x|.=.|integer=0|" +
		"|=||f=f|(=(|float=1.5|)=)|end of print statement=-}}\n |template data / text=b|" +
		"begin of statement block={%|if=if|y=y|end of statement block=%}|end of template="
	if got := strings.Join(parts, "|"); got != want {
		t.Errorf("tokens\n got %s\nwant %s", got, want)
	}
}
