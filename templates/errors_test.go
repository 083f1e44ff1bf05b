package templates

import (
	"context"
	"errors"
	"testing"
)

func TestRenderErrorsArePositioned(t *testing.T) {
	files := map[string]string{
		"undef.j2":       "hostname {{ node.name }}\nntp server {{ ntp_server }}\n",
		"undef-attr.j2":  "hostname {{ node.name }}\n\nip domain-name {{ node.domain }}\n",
		"undef-loop.j2":  "a\n{% for i in [1, 2] %}\n{{ i }} {{ nope }}\n{% endfor %}\n",
		"syntax.j2":      "hostname x\n{{ 1 + }}\n",
		"syntax-for.j2":  "a\nb\n{% for i in %}\n{% endfor %}\n",
		"unclosed.j2":    "a\n{% if x %}\nb\n",
		"inc-missing.j2": "a\n{% include 'missing.j2' %}\n",
		"inc-bad.j2":     "first\n{% include 'undef.j2' %}\n",
		"filter.j2":      "{{ 'x' | nosuch }}\n",
		"badip.j2":       "\n{{ 'not-an-ip' | network }}\n",
	}
	tests := []struct {
		name string
		want string
		is   error
	}{
		{"undef.j2", `undef.j2:2:15: 'ntp_server' is undefined`, ErrUndefined},
		{"undef-attr.j2", `undef-attr.j2:3:23: 'dict object' has no attribute 'domain'`, ErrUndefined},
		{"undef-loop.j2", `undef-loop.j2:3:12: 'nope' is undefined`, ErrUndefined},
		{"syntax.j2", `syntax.j2:2:8: unexpected 'end of print statement'`, ErrSyntax},
		{"syntax-for.j2", `syntax-for.j2:3:13: Expected an expression, got 'end of statement block'`, ErrSyntax},
		{"unclosed.j2", `unclosed.j2:3:1: Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'.`, ErrSyntax},
		{"inc-missing.j2", `inc-missing.j2:2:4: template not found: missing.j2`, ErrNotFound},
		{"inc-bad.j2", `undef.j2:2:15: 'ntp_server' is undefined`, ErrUndefined},
		{"filter.j2", `filter.j2:1:10: No filter named 'nosuch'.`, ErrUnknownFilter},
		{"badip.j2", `badip.j2:2:18: filter network: "not-an-ip" is not an IP address or prefix`, nil},
		{"nosuch.j2", `nosuch.j2: template "nosuch.j2": template not found`, ErrNotFound},
	}
	env := New(mapFS(files), Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.Render(context.Background(), tt.name, map[string]any{"node": map[string]any{"name": "r1"}})
			if err == nil {
				t.Fatal("no error")
			}
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("%T is not *Error: %v", err, err)
			}
			if got := err.Error(); len(got) < len(tt.want) || got[:len(tt.want)] != tt.want {
				t.Errorf("error\n got %q\nwant prefix %q", got, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %v", err, tt.is)
			}
		})
	}
}

func TestErrorMessagesDropInternals(t *testing.T) {
	src := "{% macro row(cells) %}\n{% for c in cells %}{{ c.nope }}{% endfor %}{{ caller() }}{% endmacro %}\n{% for v in [1] %}\n{% call row([{'a': 1}]) %}x{% endcall %}\n{% endfor %}"
	_, err := renderString(t, src, nil)
	if err == nil {
		t.Fatal("no error")
	}
	want := `t.j2:2:25: 'dict object' has no attribute 'nope'`
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	_, err = renderString(t, "{% for v in [1] %}\n{{ v | int(base='x', nope=1) }}{% endfor %}", nil)
	if want := "t.j2:2:8: do_int() got an unexpected keyword argument 'nope'"; err == nil || err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}

// TestErrorsNameTheTemplateThatFailed covers errors raised in another
// template than the one rendered: a parent of an extends chain, a block
// overridden by a child, an imported macro, a call block's body passed to an
// imported macro, a parent's macro called from a child's block, and an
// include inside a child's block. Each must name the file, line and column
// that failed.
func TestErrorsNameTheTemplateThatFailed(t *testing.T) {
	files := map[string]string{
		"undef.j2":     "hostname {{ node.name }}\nntp server {{ ntp_server }}\n",
		"base.j2":      "line1\n{% block body %}{% endblock %}\nend {{ nope_base }}\n",
		"child.j2":     "{% extends 'base.j2' %}\n{% block body %}ok{% endblock %}\n",
		"mid.j2":       "{% extends 'base.j2' %}\n",
		"leaf.j2":      "{% extends 'mid.j2' %}\n",
		"base2.j2":     "a\n{% block body %}{% endblock %}\n",
		"override.j2":  "{% extends 'base2.j2' %}\n{% block body %}\n\n  x {{ nope_child }}{% endblock %}\n",
		"default.j2":   "{% extends 'base3.j2' %}\n",
		"base3.j2":     "{% block b %}\n  {{ nope_default }}{% endblock %}\n",
		"macros.j2":    "{% macro m(x) %}\n  v {{ x.nope }}\n{% endmacro %}\n{% macro box() %}[{{ caller() }}]{% endmacro %}\n",
		"import.j2":    "{% import 'macros.j2' as mc %}\nhello\n{{ mc.m({'a': 1}) }}\n",
		"from.j2":      "{% from 'macros.j2' import m %}\nhello\n{{ m({'a': 1}) }}\n",
		"callbody.j2":  "{% import 'macros.j2' as mc %}\n{% call mc.box() %}\n  {{ nope_body }}{% endcall %}\n",
		"pmacro.j2":    "{% extends 'pbase.j2' %}{% block b %}{{ pm() }}{% endblock %}",
		"pbase.j2":     "{% macro pm() %}\n{{ nope_pm }}{% endmacro %}{% block b %}{% endblock %}",
		"blockinc.j2":  "{% extends 'base2.j2' %}\n{% block body %}{% include 'undef.j2' %}{% endblock %}",
		"incchild.j2":  "first\n{% include 'child.j2' %}\n",
		"samefile.j2":  "{% macro m() %}\n  {{ nope_here }}{% endmacro %}\nx\n{{ m() }}\n",
		"filtermac.j2": "{% from 'fmacros.j2' import f %}\n{{ f() }}\n",
		"fmacros.j2":   "{% macro f() %}\n\n{{ 'not-an-ip' | network }}{% endmacro %}\n",
	}
	tests := []struct{ name, want string }{
		{"child.j2", `base.j2:3:8: 'nope_base' is undefined`},
		{"leaf.j2", `base.j2:3:8: 'nope_base' is undefined`},
		{"override.j2", `override.j2:4:8: 'nope_child' is undefined`},
		{"default.j2", `base3.j2:2:6: 'nope_default' is undefined`},
		{"import.j2", `macros.j2:2:9: 'dict object' has no attribute 'nope'`},
		{"from.j2", `macros.j2:2:9: 'dict object' has no attribute 'nope'`},
		{"callbody.j2", `callbody.j2:3:6: 'nope_body' is undefined`},
		{"pmacro.j2", `pbase.j2:2:4: 'nope_pm' is undefined`},
		{"blockinc.j2", `undef.j2:2:15: 'ntp_server' is undefined`},
		{"incchild.j2", `base.j2:3:8: 'nope_base' is undefined`},
		{"samefile.j2", `samefile.j2:2:6: 'nope_here' is undefined`},
		{"filtermac.j2", `fmacros.j2:3:18: filter network: "not-an-ip" is not an IP address or prefix`},
	}
	env := New(mapFS(files), Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.Render(context.Background(), tt.name, map[string]any{"node": map[string]any{"name": "r1"}})
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("%T is not *Error: %v", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %q\nwant %q", err, tt.want)
			}
		})
	}
}
