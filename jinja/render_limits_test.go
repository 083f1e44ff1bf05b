package jinja

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// TestRenderLimits checks hostile templates fail quickly with the right
// sentinel and a position.
func TestRenderLimits(t *testing.T) {
	fsys := fstest.MapFS{
		"self.j2": {Data: []byte(`{% include "self.j2" %}`)},
		"a.j2":    {Data: []byte(`{% extends "b.j2" %}`)},
		"b.j2":    {Data: []byte(`{% extends "a.j2" %}`)},
		"imp.j2":  {Data: []byte(`{% import "imp.j2" as m %}`)},
		"base.j2": {Data: []byte(`{% block a %}{% endblock %}`)},
	}
	cases := []struct {
		name   string
		limits Limits
		src    string
		want   error
		line   int
	}{
		{"nested loops", Limits{Timeout: 100 * time.Millisecond},
			"\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", ErrTimeLimit, 2},
		{"macro recursion", Limits{},
			"{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}\n{{ r(0) }}", ErrDepthLimit, 1},
		{"block calling itself", Limits{}, "{% block a %}\n{{ self.a() }}{% endblock %}", ErrDepthLimit, 2},
		{"super calling self", Limits{}, "{% extends 'base.j2' %}{% block a %}{{ self.a() }}{% endblock %}", ErrDepthLimit, 1},
		{"recursive loop", Limits{}, "{% for i in [1] recursive %}{{ loop([1]) }}{% endfor %}", ErrDepthLimit, 1},
		{"caller recursion", Limits{}, "{% macro m() %}{% call m() %}x{% endcall %}{{ caller() }}{% endmacro %}{% call m() %}y{% endcall %}", ErrDepthLimit, 1},
		{"self include", Limits{}, `{% include "self.j2" %}`, ErrDepthLimit, 1},
		{"extends cycle", Limits{}, `{% extends "a.j2" %}`, ErrDepthLimit, 0},
		{"import cycle", Limits{}, `{% import "imp.j2" as m %}`, ErrDepthLimit, 1},
		{"output", Limits{MaxOutput: 1000}, "{% for i in range(100000) %}xxxxxxxxxx{% endfor %}", ErrOutputLimit, 1},
		{"output of a value", Limits{MaxOutput: 1000}, `{% for i in range(1000) %}{{ i }}{% endfor %}`, ErrOutputLimit, 1},
		{"nested captures", Limits{MaxOutput: 1 << 20},
			"{% macro r(n) %}{% if n < 50 %}{{ r(n + 1) }}{% else %}{% for i in range(100000) %}xxxxxxxxxxxxxxxxxxxx{% endfor %}{% endif %}{% endmacro %}{{ r(0) }}", ErrOutputLimit, 1},
		{"captures in a loop", Limits{MaxOutput: 1 << 20},
			"{% for i in range(100000) %}{% set s %}{% for j in range(1000) %}xxxxxxxxxx{% endfor %}{% endset %}{% endfor %}", ErrOutputLimit, 1},
		{"fan-out macro recursion", Limits{Timeout: 200 * time.Millisecond},
			"{% macro r(n) %}{% if n < 60 %}{{ r(n + 1) }}{{ r(n + 1) }}{% endif %}{% endmacro %}{{ r(0) }}", ErrTimeLimit, 1},
		{"huge range", Limits{}, "\n\n{{ range(1000000000) }}", ErrValueLimit, 3},
		{"huge negative-step range", Limits{}, "{% for i in range(0, -9223372036854775807, -1) %}{% endfor %}", ErrValueLimit, 1},
		{"string repeat", Limits{}, `{{ "x" * 100000 * 100000 }}`, ErrValueLimit, 1},
		{"concatenation in a loop", Limits{MaxValueBytes: 1 << 20},
			`{% set ns = namespace(s="xxxxxxxxxxxxxxxx") %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}`, ErrValueLimit, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := New(fsys, Options{Limits: tc.limits})
			tmpl, err := env.FromString("hostile.j2", tc.src)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = tmpl.RenderString(context.Background(), nil)
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %s", took)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *Error", err)
			}
			if tc.line > 0 && pe.Line != tc.line {
				t.Errorf("line = %d, want %d (%v)", pe.Line, tc.line, err)
			}
		})
	}
}

// TestRenderCancelled checks a cancelled context stops the render.
func TestRenderCancelled(t *testing.T) {
	env := New(nil, Options{})
	tmpl, err := env.FromString("t", `{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}`)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tmpl.RenderString(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

// TestRenderErrorPositions checks errors carry the name and line of the
// template where they happen, also inside included and imported templates.
func TestRenderErrorPositions(t *testing.T) {
	fsys := fstest.MapFS{
		"bad.j2":  {Data: []byte("ok\n{{ missing }}")},
		"mac.j2":  {Data: []byte("{% macro m() %}\n\n{{ 1 + none }}{% endmacro %}")},
		"base.j2": {Data: []byte("{% block a %}{% endblock %}")},
	}
	cases := []struct {
		src, tmpl string
		line      int
		want      error
		msg       string
	}{
		{"a\n\n{{ nope }}", "t.j2", 3, ErrUndefined, "'nope' is undefined"},
		{"{% if true %}\n{% for i in [1] %}\n{{ i.x.y }}{% endfor %}{% endif %}", "t.j2", 3, ErrUndefined, "has no attribute 'x'"},
		{"\n{% include 'bad.j2' %}", "bad.j2", 2, ErrUndefined, "'missing' is undefined"},
		{"{% from 'mac.j2' import m %}\n{{ m() }}", "mac.j2", 3, nil, "unsupported operand type(s) for +: 'int' and 'NoneType'"},
		{"{% extends 'base.j2' %}{% block a %}\n{{ nope }}{% endblock %}", "t.j2", 2, ErrUndefined, "'nope' is undefined"},
		{"\n{% include 'none.j2' %}", "t.j2", 2, ErrNotFound, "none.j2"},
	}
	env := New(fsys, Options{})
	for _, tc := range cases {
		t.Run(tc.src, func(t *testing.T) {
			tmpl, err := env.FromString("t.j2", tc.src)
			if err != nil {
				t.Fatal(err)
			}
			_, err = tmpl.RenderString(context.Background(), nil)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v (%T), want *Error", err, err)
			}
			if pe.Template != tc.tmpl || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
				t.Fatalf("error = %v, want %s:%d: ...%s...", err, tc.tmpl, tc.line, tc.msg)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestCompileUnknownFilter checks an unknown filter or test fails at
// compile time with ErrUnknownFilter and its position, as in Jinja2,
// except inside an if statement or an inline if, where Jinja2 reports it
// only when it is called.
func TestCompileUnknownFilter(t *testing.T) {
	env := New(nil, Options{})
	for _, src := range []string{
		"\n{{ x | nosuch }}",
		"\n{% filter nosuch %}{% endfilter %}",
		"{% if x %}\n{% for i in [] %}{{ x|nosuch }}{% endfor %}{% endif %}",
	} {
		_, err := env.FromString("t.j2", src)
		var pe *Error
		if !errors.Is(err, ErrUnknownFilter) || !errors.As(err, &pe) || pe.Line != 2 {
			t.Errorf("%q: error = %v, want ErrUnknownFilter on line 2", src, err)
		}
	}
	for src, want := range map[string]string{
		"{% if false %}{{ x|nosuch }}{% endif %}ok": "ok",
		"{{ x|nosuch if false }}ok":                 "ok",
		"{% if true %}\n{{ x|nosuch }}{% endif %}":  "No filter named 'nosuch' found.",
		"\n{% if x is nosuch %}{% endif %}":         "No test named 'nosuch' found.",
	} {
		tmpl, err := env.FromString("t.j2", src)
		if err != nil {
			t.Errorf("%q: compile error %v", src, err)
			continue
		}
		got, err := tmpl.RenderString(context.Background(), map[string]any{"x": 1})
		if want == "ok" {
			if err != nil || got != "ok" {
				t.Errorf("%q: got %q, %v", src, got, err)
			}
			continue
		}
		var pe *Error
		if !errors.Is(err, ErrUnknownFilter) || !errors.As(err, &pe) || pe.Line != 2 || pe.Msg != want {
			t.Errorf("%q: error = %v, want %q on line 2", src, err, want)
		}
	}
}

// TestTemplateLoader checks names are validated, templates cached and
// missing ones reported with ErrNotFound.
func TestTemplateLoader(t *testing.T) {
	fsys := fstest.MapFS{
		"a.j2":     {Data: []byte("A{{ x }}")},
		"dir/b.j2": {Data: []byte("B")},
		"big.j2":   {Data: []byte(strings.Repeat("x", 100))},
	}
	env := New(fsys, Options{MaxTemplateSize: 50})
	for _, bad := range []string{"", "/a.j2", "../a.j2", "dir/../a.j2", `dir\b.j2`, "dir", "missing.j2"} {
		if _, err := env.Template(bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("Template(%q) error = %v, want ErrNotFound", bad, err)
		}
	}
	// As Jinja2's FileSystemLoader does, "." and empty elements are dropped.
	for _, ok := range []string{"./a.j2", "dir//b.j2", "./dir/./b.j2"} {
		if _, err := env.Template(ok); err != nil {
			t.Errorf("Template(%q): %v", ok, err)
		}
	}
	if _, err := env.Template("big.j2"); !errors.Is(err, ErrValueLimit) {
		t.Errorf("big template: error = %v, want ErrValueLimit", err)
	}
	a1, err := env.Template("a.j2")
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := env.Template("a.j2")
	if a1 != a2 {
		t.Error("template not cached")
	}
	if b, err := env.Template("dir/b.j2"); err != nil || b.Name() != "dir/b.j2" {
		t.Errorf("dir/b.j2: %v", err)
	}
	var sb strings.Builder
	if err := a1.Render(context.Background(), map[string]any{"x": []any{1, "s"}}, &sb); err != nil || sb.String() != "A[1, 's']" {
		t.Errorf("Render = %q, %v", sb.String(), err)
	}
}

// TestRenderConcurrent renders one template from many goroutines.
func TestRenderConcurrent(t *testing.T) {
	env := New(nil, Options{})
	tmpl, err := env.FromString("t", `{% macro m(a) %}<{{ a }}>{% endmacro %}{% for i in range(n) %}{{ m(i) }}{% set x = i %}{% endfor %}`)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			n := int64(g * 10)
			want := ""
			for i := range n {
				want += "<" + strconv.FormatInt(i, 10) + ">"
			}
			got, err := tmpl.RenderString(context.Background(), map[string]any{"n": n})
			if err != nil || got != want {
				t.Errorf("n=%d: got %q, %v", n, got, err)
			}
		})
	}
	wg.Wait()
}

// TestRenderRecoversPanics checks a panic in a host filter becomes an
// *Error instead of crashing the process.
func TestRenderRecoversPanics(t *testing.T) {
	env := New(nil, Options{})
	env.AddFilter("boom", func(*State, Value, Args) (Value, error) { panic("boom") })
	tmpl, err := env.FromString("t", "{{ 1 | boom }}")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tmpl.RenderString(context.Background(), nil)
	var pe *Error
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "internal error") {
		t.Fatalf("error = %v, want an internal *Error", err)
	}
}

// TestRenderPrintsObjects checks how loop, self and an imported module
// print, as in Jinja2.
func TestRenderPrintsObjects(t *testing.T) {
	env := New(fstest.MapFS{"m.j2": {Data: []byte("body{% macro m() %}{% endmacro %}")}}, Options{})
	tmpl, err := env.FromString("t", `{% for i in [1, 2] %}{{ loop }}{% endfor %}|{{ self }}|{% import "m.j2" as m %}{{ m }}`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tmpl.RenderString(context.Background(), nil)
	// Jinja2 3.1: <LoopContext 1/2><LoopContext 2/2>|<TemplateReference None>|body
	if want := "<LoopContext 1/2><LoopContext 2/2>|<TemplateReference None>|body"; err != nil || got != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
}
