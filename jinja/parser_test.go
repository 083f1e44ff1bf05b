package jinja

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

// parseCase is a template with its AST dump and lexer data as Python
// Jinja2 3.1.2 gives them (parse_cases_test.go). want is the dump of
// env.parse in the notation of dumpBody, "ERR line: message" for a syntax
// error, or "REFUSED" for a construct this engine refuses on purpose.
// data is the concatenation of the 'data' tokens of env.lex (valid when
// lexOK).
type parseCase struct {
	src   string
	opts  Options
	want  string
	data  string
	lexOK bool
}

// allParseCases returns the hand-written and the random cases.
func allParseCases() []parseCase {
	return append(append([]parseCase(nil), parseCases...), parseRandomCases...)
}

func TestParseAgainstJinja2(t *testing.T) {
	for _, c := range allParseCases() {
		tree, err := Parse("t", c.src, c.opts)
		switch {
		case c.want == "REFUSED":
			if err == nil || !errors.Is(err, ErrSyntax) {
				t.Errorf("%q: got %v, want a syntax error", c.src, err)
			}
		case strings.HasPrefix(c.want, "ERR "):
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrSyntax) {
				t.Errorf("%q %+v: got %v, want %s", c.src, c.opts, err, c.want)
				continue
			}
			if got := "ERR " + strconv.Itoa(e.Line) + ": " + e.Msg; got != c.want {
				t.Errorf("%q %+v:\n got %s\nwant %s", c.src, c.opts, got, c.want)
			}
		case err != nil:
			t.Errorf("%q %+v: %v", c.src, c.opts, err)
		default:
			if got := dumpBody(tree.Body); got != c.want {
				t.Errorf("%q %+v:\n got %s\nwant %s", c.src, c.opts, got, c.want)
			}
		}
	}
}

func TestLexDataAgainstJinja2(t *testing.T) {
	for _, c := range allParseCases() {
		if !c.lexOK {
			continue
		}
		var b strings.Builder
		for _, tok := range lex("t", c.src, c.opts) {
			if tok.kind == tokError {
				break
			}
			if tok.kind == tokData {
				b.WriteString(tok.val)
			}
		}
		if b.String() != c.data {
			t.Errorf("%q %+v:\n got %q\nwant %q", c.src, c.opts, b.String(), c.data)
		}
	}
}

func TestParsePositions(t *testing.T) {
	tree, err := Parse("t", "ab\n  {{ x.y }}{% if é %}\n{{ 1 + z }}{% endif %}", Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := tree.Body[1].(*Output)
	if out.Pos != (Pos{2, 3}) || out.X.Position() != (Pos{2, 7}) || out.X.(*Attr).X.Position() != (Pos{2, 6}) {
		t.Errorf("output positions %v %v", out.Pos, out.X.Position())
	}
	ifs := tree.Body[2].(*If)
	if ifs.Pos != (Pos{2, 15}) || ifs.Cond.Position() != (Pos{2, 18}) {
		t.Errorf("if positions %v %v", ifs.Pos, ifs.Cond.Position())
	}
	bin := ifs.Then[1].(*Output).X.(*Binary)
	if bin.Pos != (Pos{3, 6}) || bin.R.Position() != (Pos{3, 8}) {
		t.Errorf("binary positions %v %v", bin.Pos, bin.R.Position())
	}
	_, err = Parse("t", "a\n  {{ x $ }}", Options{})
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 || e.Col != 8 || e.Template != "t" {
		t.Errorf("error position: %#v", err)
	}
}

func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile("../templates/testdata/seed/bench/access-switch.j2")
	if err != nil {
		b.Fatal(err)
	}
	o := Options{TrimBlocks: true, LstripBlocks: true}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("access-switch.j2", string(src), o); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseNestingLimit(t *testing.T) {
	for _, src := range []string{
		"{{ " + strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000) + " }}",
		"{{ " + strings.Repeat("-", 5000) + "1 }}",
		"{{ " + strings.Repeat("not ", 5000) + "1 }}",
		"{{ " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + " }}",
		strings.Repeat("{% if x %}", 5000) + strings.Repeat("{% endif %}", 5000),
	} {
		_, err := Parse("t", src, Options{})
		var e *Error
		if !errors.As(err, &e) || e.Msg != "template nested too deeply" {
			t.Errorf("%.20q...: got %v", src, err)
		}
	}
	ok := "{{ " + strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200) + " }}" +
		strings.Repeat("{% if x %}", 300) + strings.Repeat("{% endif %}", 300)
	if _, err := Parse("t", ok, Options{}); err != nil {
		t.Error(err)
	}
}

// Long runs must not take quadratic time.
func TestParseLongRuns(t *testing.T) {
	const n = 50_000
	for _, src := range []string{
		strings.Repeat("a{# c #}", n),
		"{{ " + strings.Repeat("'ab' ", n) + "}}",
		"{{ x|f" + strings.Repeat(".g", n) + " }}",
		strings.Repeat("{% raw %}ab{% endraw %}", n),
	} {
		if _, err := Parse("t", src, Options{}); err != nil {
			t.Errorf("%.20q...: %v", src, err)
		}
	}
}
