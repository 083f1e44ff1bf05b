package jinja

import (
	"strings"
	"testing"
)

func upperFilter(s *State, v Value, a Args) (Value, error) {
	str, err := Str(v)
	return strings.ToUpper(str), err
}

func testEnv() *Env {
	e := New(nil, Options{})
	addTestFilters(e)
	return e
}

// addTestFilters adds the few filters and tests the render tests use when
// the environment lacks them.
func addTestFilters(e *Env) {
	if _, ok := e.Filter("upper"); !ok {
		e.AddFilter("upper", upperFilter)
	}
	if _, ok := e.Filter("list"); !ok {
		e.AddFilter("list", func(s *State, v Value, a Args) (Value, error) {
			items, err := Iterate(v)
			return NewList(append([]Value(nil), items...)), err
		})
	}
	if _, ok := e.Filter("default"); !ok {
		e.AddFilter("default", func(s *State, v Value, a Args) (Value, error) {
			args, err := a.Bind("default", 0, "default_value", "boolean")
			if err != nil {
				return nil, err
			}
			if _, undef := v.(Undefined); undef {
				return Or(args[0], ""), nil
			}
			return v, nil
		})
	}
	if _, ok := e.Test("defined"); !ok {
		e.AddTest("defined", func(s *State, v Value, a Args) (bool, error) {
			_, undef := v.(Undefined)
			return !undef, nil
		})
	}
	if _, ok := e.Test("iterable"); !ok {
		e.AddTest("iterable", func(s *State, v Value, a Args) (bool, error) {
			_, err := Iterate(v)
			return err == nil, nil
		})
	}
}

// TestRenderScoping checks Jinja2's scoping rules: loop and block bodies do
// not leak assignments, unset names fall back to the enclosing binding at
// each iteration, macros see later top-level assignments.
func TestRenderScoping(t *testing.T) {
	cases := []astCase{
		{Src: `{% set x = 1 %}{% for i in [1,2] %}{{ x }}{% set x = x + 1 %}{{ x }}{% endfor %}{{ x }}`,
			Body: body(set(tn("x"), k(int64(1))), forS(tn("i"), list(k(int64(1)), k(int64(2))),
				out(nm("x")), set(tn("x"), bin("+", nm("x"), k(int64(1)))), out(nm("x"))), out(nm("x"))),
			Want: "12121"},
		{Src: `{% set z = 1 %}{% macro m() %}{{ z }}{% endmacro %}{% set z = 2 %}{{ m() }}`,
			Body: body(set(tn("z"), k(int64(1))), macro("m", nil, out(nm("z"))), set(tn("z"), k(int64(2))), out(call(nm("m")))),
			Want: "2"},
		{Src: `{% for i in [1,2] %}{% if i == 2 %}{{ q }}{% endif %}{% set q = i %}{% endfor %}`,
			Body: body(forS(tn("i"), list(k(int64(1)), k(int64(2))),
				ifs(cmp("==", nm("i"), k(int64(2))), body(out(nm("q"))), nil), set(tn("q"), nm("i")))),
			WantErr: "'q' is undefined"},
		{Src: `{% if false %}{% set x = 3 %}{% endif %}{{ x }}`,
			Body: body(ifs(k(false), body(set(tn("x"), k(int64(3)))), nil), out(nm("x"))),
			Want: "1"},
		{Src: `{{ x }}{% set x = 3 %}{{ x }}`,
			Body: body(out(nm("x")), set(tn("x"), k(int64(3))), out(nm("x"))),
			Want: "13"},
		{Src: `{% for i in [1,2] %}{% set x = i %}{% endfor %}{{ x }}`,
			Body: body(forS(tn("i"), list(k(int64(1)), k(int64(2))), set(tn("x"), nm("i"))), out(nm("x"))),
			Want: "1"},
		{Src: `{% for i in [1,2] %}{% set x = x + i %}{{ x }}{% endfor %}`,
			Body: body(forS(tn("i"), list(k(int64(1)), k(int64(2))), set(tn("x"), bin("+", nm("x"), nm("i"))), out(nm("x")))),
			Want: "23"},
		{Src: `{% filter upper %}{% set x = 5 %}{% endfilter %}{{ x }}`,
			Body: body(&FilterBlock{Pos: p(1), Filters: []*Filter{{Pos: p(1), Name: "upper"}}, Body: body(set(tn("x"), k(int64(5))))}, out(nm("x"))),
			Want: "1"},
		{Src: `{% set y %}{% set x = 5 %}{% endset %}{{ x }}`,
			Body: body(&SetBlock{Pos: p(1), Target: tn("y"), Body: body(set(tn("x"), k(int64(5))))}, out(nm("x"))),
			Want: "1"},
		{Src: `{% with %}{% set x = 5 %}{% endwith %}{{ x }}`,
			Body: body(&With{Pos: p(1), Body: body(set(tn("x"), k(int64(5))))}, out(nm("x"))),
			Want: "1"},
		{Src: `{% with a = 5, b = x %}{{ a }}{{ b }}{% endwith %}`,
			Body: body(&With{Pos: p(1), Targets: []Target{tn("a"), tn("b")}, Values: []Expr{k(int64(5)), nm("x")}, Body: body(out(nm("a")), out(nm("b")))}),
			Want: "51"},
		{Src: `{% set ns = namespace(a=0) %}{% for i in items %}{% set ns.a = ns.a + i %}{% endfor %}{{ ns.a }}`,
			Body: body(set(tn("ns"), kw(call(nm("namespace")), "a", k(int64(0)))),
				forS(tn("i"), nm("items"), set(&AttrTarget{Pos: p(1), Name: "ns", Attr: "a"}, bin("+", attr(nm("ns"), "a"), nm("i")))),
				out(attr(nm("ns"), "a"))),
			Want: "6"},
		{Src: `{% set ns = 1 %}{% set ns.a = 1 %}`,
			Body:    body(set(tn("ns"), k(int64(1))), set(&AttrTarget{Pos: p(1), Name: "ns", Attr: "a"}, k(int64(1)))),
			WantErr: "cannot assign attribute on non-namespace object"},
		{Src: `{% set a, b = 1, 2 %}{{ a }}{{ b }}`,
			Body: body(set(tt("a", "b"), tuple(k(int64(1)), k(int64(2)))), out(nm("a")), out(nm("b"))),
			Want: "12"},
		{Src: `{% set a, b = 1 %}`,
			Body:    body(set(tt("a", "b"), k(int64(1)))),
			WantErr: "cannot unpack non-iterable int object"},
		{Src: `{{ foo() }}`, Body: body(out(call(nm("foo")))), WantErr: "'foo' is undefined"},
		{Src: `{{ x() }}`, Body: body(out(call(nm("x")))), WantErr: "'int' object is not callable"},
		{Src: `{{ x|nosuch }}`, Body: body(out(&Filter{Pos: p(1), X: nm("x"), Name: "nosuch"})), WantErr: "No filter named 'nosuch'."},
		{Src: `{{ x is nosuch }}`, Body: body(out(&Test{Pos: p(1), X: nm("x"), Name: "nosuch"})), WantErr: "No test named 'nosuch'."},
	}
	runASTCases(t, testEnv(), cases)
}

// TestRenderExpressions checks truthiness, and/or operand values, chained
// comparisons, the inline if without else and value printing.
func TestRenderExpressions(t *testing.T) {
	cond := func(c, th Expr) Expr { return &Cond{Pos: p(1), Cond: c, Then: th} }
	cases := []astCase{
		{Src: `{{ 1 and 2 }}{{ 0 or "" }}{{ none or 3 }}`,
			Body: body(out(bin("and", k(int64(1)), k(int64(2)))), out(bin("or", k(int64(0)), k(""))), out(bin("or", k(nil), k(int64(3))))),
			Want: "23"},
		{Src: `{{ 0 and x }}{{ [] or "e" }}`,
			Body: body(out(bin("and", k(int64(0)), nm("x"))), out(bin("or", list(), k("e")))),
			Want: "0e"},
		{Src: `{{ 0 and nope }}`, Body: body(out(bin("and", k(int64(0)), nm("nope")))), Want: "0"},
		{Src: `{{ 1 < 2 < 3 }}{{ 1 < 3 < 2 }}`,
			Body: body(out(&Compare{Pos: p(1), First: k(int64(1)), Ops: []string{"<", "<"}, Rest: []Expr{k(int64(2)), k(int64(3))}}),
				out(&Compare{Pos: p(1), First: k(int64(1)), Ops: []string{"<", "<"}, Rest: []Expr{k(int64(3)), k(int64(2))}})),
			Want: "TrueFalse"},
		{Src: `{{ "a" ~ 1 ~ none }}`, Body: body(out(bin("~", bin("~", k("a"), k(int64(1))), k(nil)))), Want: "a1None"},
		{Src: `{{ none }}{{ true }}{{ 1.5 }}{{ (1, "a") }}{{ [1, "a"] }}{{ {"a": none} }}`,
			Body: body(out(k(nil)), out(k(true)), out(k(1.5)), out(tuple(k(int64(1)), k("a"))), out(list(k(int64(1)), k("a"))),
				out(&DictLit{Pos: p(1), Keys: []Expr{k("a")}, Values: []Expr{k(nil)}})),
			Want: "NoneTrue1.5(1, 'a')[1, 'a']{'a': None}"},
		{Src: `{{ (1 if false) }}`, Body: body(out(cond(k(false), k(int64(1))))), Want: ""},
		{Src: `{{ (1 if false) ~ "a" }}`, Body: body(out(bin("~", cond(k(false), k(int64(1))), k("a")))), Want: "a"},
		{Src: `{{ (1 if false) + 1 }}`, Body: body(out(bin("+", cond(k(false), k(int64(1))), k(int64(1))))),
			WantErr: "the inline if-expression on line 1 in 't' evaluated to false and no else section was defined."},
		{Src: `{% for i in (1 if false) %}{% endfor %}`, Body: body(forS(tn("i"), cond(k(false), k(int64(1))))), Want: ""},
		{Src: `{{ nope }}`, Body: body(out(nm("nope"))), WantErr: "t:1:1: 'nope' is undefined"},
		{Src: `{{ x.y }}`, Body: body(out(attr(nm("x"), "y"))), WantErr: "'int object' has no attribute 'y'"},
		{Src: `{{ dict(a=1, b=2) }}{{ namespace(a=1) }}`,
			Body: body(out(kw(kw(call(nm("dict")), "a", k(int64(1))), "b", k(int64(2)))), out(kw(call(nm("namespace")), "a", k(int64(1))))),
			Want: "{'a': 1, 'b': 2}<Namespace {'a': 1}>"},
		{Src: `{{ cycler(1,2).next() }}{% set j = joiner("-") %}{{ j() }}{{ j() }}{{ j() }}`,
			Body: body(out(call(attr(call(nm("cycler"), k(int64(1)), k(int64(2))), "next"))), set(tn("j"), call(nm("joiner"), k("-"))),
				out(call(nm("j"))), out(call(nm("j"))), out(call(nm("j")))),
			Want: "1--"},
	}
	runASTCases(t, testEnv(), cases)
}
