package templates

import (
	"errors"
	"testing"
)

func TestValidate(t *testing.T) {
	env := New(mapFS(map[string]string{
		"good.j2":           "{# template-match: ntp server .* #}\n{% import '_m.j2' as m %}{{ m.x() }}{% include 'sub/part.j2' %}\n",
		"_m.j2":             "{% macro x() %}x{% endmacro %}",
		"sub/part.j2":       "{{ 1 | string | upper }}{% if 2 is even %}{% endif %}",
		"syntax.j2":         "ok\n{% for %}\n",
		"badheader.j2":      "{# template-match: interface (||.* #}\n",
		"emptyheader.j2":    "a\n\n{# template-match:  #}\n",
		"missing-inc.j2":    "a\n{% include 'nope.j2' %}\n{% include 'nope2.j2' ignore missing %}\n",
		"escape.j2":         "{% extends '../x.j2' %}",
		"from-missing.j2":   "\n\n{% from 'none.j2' import a %}",
		"unknown-filter.j2": "{{ x | frobnicate }}\n{% filter shout %}x{% endfilter %}\n{{ y is prime }}{{ z is not blue }}",
		"dynamic.j2":        "{% include name %}",
		"notes.txt":         "{{ not a template",
		".git/x.j2":         "{{",
	}), Options{})
	type want struct {
		loc  string
		kind error
	}
	wants := []want{
		{"badheader.j2:1", ErrBadHeader},
		{"emptyheader.j2:3", ErrBadHeader},
		{"escape.j2:1:12", ErrOutsideRoot},
		{"from-missing.j2:3:9", ErrNotFound},
		{"missing-inc.j2:2:12", ErrNotFound},
		{"syntax.j2:2", ErrSyntax},
		{"unknown-filter.j2:1:8", ErrUnknownFilter},
		{"unknown-filter.j2:2:11", ErrUnknownFilter},
		{"unknown-filter.j2:3:6", ErrUnknownFilter},
		{"unknown-filter.j2:3:22", ErrUnknownFilter},
	}
	errs := env.Validate()
	if len(errs) != len(wants) {
		for _, e := range errs {
			t.Log(e)
		}
		t.Fatalf("got %d errors, want %d", len(errs), len(wants))
	}
	for i, w := range wants {
		got := errs[i].Error()
		if len(got) < len(w.loc)+1 || got[:len(w.loc)+1] != w.loc+":" {
			t.Errorf("error %d: %q, want location %s", i, got, w.loc)
		}
		if !errors.Is(errs[i], w.kind) {
			t.Errorf("error %d: %q does not wrap %v", i, got, w.kind)
		}
	}
	if errs := env.ValidateTemplate("good.j2"); len(errs) != 0 {
		t.Errorf("good.j2: %v", errs)
	}
}

func TestList(t *testing.T) {
	env := New(mapFS(map[string]string{
		"eos/bgp.j2":     "{# template-match: router bgp .* #}\n",
		"eos/_macros.j2": "",
		"a.jinja":        "",
		"readme.md":      "",
		".hidden/x.j2":   "",
	}), Options{})
	list, err := env.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ti := range list {
		names = append(names, ti.Name)
	}
	if got, want := names, []string{"a.jinja", "eos/_macros.j2", "eos/bgp.j2"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("names %v, want %v", got, want)
	}
	if !list[1].Partial || list[2].Partial || len(list[2].Headers) != 1 || list[2].Headers[0].Match == nil {
		t.Errorf("list %+v", list)
	}
}

func TestValidateDir(t *testing.T) {
	errs, err := ValidateDir("testdata/seed/templates")
	if err != nil || len(errs) != 0 {
		t.Fatalf("seed corpus: %v %v", errs, err)
	}
	if _, err := ValidateDir("testdata/does-not-exist"); err == nil {
		t.Fatal("missing directory: no error")
	}
	if errs := Validate(mapFS(map[string]string{"a.j2": "{% if %}"})); len(errs) != 1 || errs[0].Line != 1 {
		t.Fatalf("got %v", errs)
	}
}
