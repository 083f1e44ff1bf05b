package jinja

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"
	"time"
)

// FuzzRender compiles and renders arbitrary sources under small limits:
// whatever the input, the result is output or a positioned *Error, never a
// panic or a hang.
func FuzzRender(f *testing.F) {
	for _, seed := range []string{
		"{% for i in items %}{{ loop.index }}{{ loop.cycle('a', 'b') }}{% endfor %}",
		"{% macro m(a, b=a) %}{{ caller(a) }}{{ varargs }}{{ kwargs }}{% endmacro %}{% call(x) m(1, 2, k=3) %}{{ x }}{% endcall %}",
		"{% set ns = namespace(a=1) %}{% set ns.a = ns.a + 1 %}{{ ns.a }}{% set a, b = [1, 2] %}",
		"{% extends 'base.j2' %}{% block a %}{{ super() }}{{ self.a() }}{% endblock %}",
		"{% include ['x', 'inc.j2'] %}{% import 'inc.j2' as m %}{% from 'inc.j2' import y %}",
		"{% for i in [[1], [2, [3]]] recursive %}{{ loop(i) if i is iterable else i }}{% endfor %}",
		"{% with a = 1 %}{% filter upper %}{{ a }}{% endfilter %}{% endwith %}{% set b | upper %}x{% endset %}",
		"{{ (1 if x) ~ 'a' }}{{ x and y or z }}{{ 1 < x <= 3 }}{{ range(5)[1:3] }}",
		"{% for i in range(10) %}{% if i is even %}{% continue %}{% endif %}{% break %}{% endfor %}",
	} {
		f.Add(seed)
	}
	fsys := fstest.MapFS{
		"base.j2": {Data: []byte("{% block a %}A{% endblock %}")},
		"inc.j2":  {Data: []byte("{% set y = 1 %}{% macro m() %}{{ y }}{% endmacro %}{% include 'inc.j2' %}")},
	}
	env := New(fsys, Options{Limits: Limits{Timeout: 200 * time.Millisecond, MaxOutput: 1 << 16, MaxValueItems: 1000, MaxDepth: 20}})
	addTestFilters(env)
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := env.FromString("fuzz", src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("compile error %T is not *Error: %v", err, err)
			}
			return
		}
		_, err = tmpl.RenderString(context.Background(), map[string]any{"items": []any{1, "a", nil}, "x": 2})
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("render error %T is not *Error: %v", err, err)
			}
		}
	})
}
