package jinja

import (
	"strings"
	"testing"
)

// Inspect reaches every filter, test, call and name of a template, in
// source order, and skips children when asked to.
func TestInspect(t *testing.T) {
	src := `{% extends "base.j2" %}{% set x | upper %}{{ a.b[c] | f1(d) }}{% endset %}` +
		`{% for k, v in e | f2 if v is t1 %}{{ m(g, h=i) if j is not t2 else l[1:n] }}{% endfor %}` +
		`{% macro m(p=q) %}{% filter f3 %}{{ -r ~ s }}{% endfilter %}{% endmacro %}` +
		`{% include ["x.j2", u] %}{% with w = {y: z} %}{% call m() %}{{ caller }}{% endcall %}{% endwith %}`
	tree, err := Parse("t.j2", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, s := range tree.Body {
		Inspect(s, func(n Node) bool {
			switch x := n.(type) {
			case *Filter:
				seen = append(seen, "|"+x.Name)
			case *Test:
				seen = append(seen, "is "+x.Name)
			case *Name:
				seen = append(seen, x.Name)
			case *Macro:
				seen = append(seen, "macro")
				return false
			}
			return true
		})
	}
	got := strings.Join(seen, " ")
	want := "|upper |f1 a c d |f2 e is t1 v is t2 j m g i l n macro u y z m caller"
	if got != want {
		t.Fatalf("visited %s\nwant    %s", got, want)
	}
}
