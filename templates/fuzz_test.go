package templates

import (
	"context"
	"testing"
	"time"
)

// FuzzParseHeaders checks that header extraction never panics and that
// every header it returns has a line inside the source.
func FuzzParseHeaders(f *testing.F) {
	for _, s := range []string{
		"{# template-match: router bgp \\d+||.* #}\n",
		"{#- template-match: a -#}{# template-match: #}",
		"{# template-match: unclosed",
		"{# x #}{#",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		hs, _ := ParseHeaders([]byte(src))
		lines := 1
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		for _, h := range hs {
			if h.Line < 1 || h.Line > lines {
				t.Fatalf("header line %d outside 1..%d", h.Line, lines)
			}
		}
	})
}

// FuzzTemplate parses, validates and renders arbitrary template sources:
// the engine must return errors, never panic or hang.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		"hostname {{ node.name }}\n",
		"{% for i in range(3) %}{{ i }}{% endfor %}",
		"{% macro m(a, b=1) %}{{ a }}{{ caller() if caller is defined }}{% endmacro %}{% call m(1) %}x{% endcall %}",
		"{% if x %}{% elif y %}{% else %}{% endif %}",
		"{% include 'other.j2' %}{% import 'other.j2' as o %}{% from 'other.j2' import m %}",
		"{% extends 'other.j2' %}{% block b %}{{ super() }}{% endblock %}",
		"{{ '10.0.0.1/24' | network }} {{ [1,2] | vlan_compress }}",
		"{% set ns = namespace(a=1) %}{% set ns.a = 2 %}{{ ns.a }}",
		"{% raw %}{{{% endraw %}",
		"{{ x | default('y') | upper }}{# template-match: a||b #}",
		"{% for %}", "{{", "{%", "{#", "}}", "{% endfor %}", "{{ 1 + }}",
		"{% call(a) m() %}{% endcall %}", "a {%+ if true %}b{% endif %}",
	} {
		f.Add(s)
	}
	// Operations building huge values: the value limit must stop them.
	for _, s := range hostileCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		env := New(mapFS(map[string]string{
			"t.j2":     src,
			"other.j2": "{% macro m() %}m{% endmacro %}{% block b %}B{% endblock %}",
		}), Options{Timeout: 50 * time.Millisecond, MaxOutput: 1 << 16, MaxValueItems: 1000})
		_ = env.Validate()
		_, _ = env.Render(context.Background(), "t.j2", map[string]any{"node": map[string]any{"name": "r1"}, "x": 1})
	})
}
