package jinja

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// srcCase is a template source, its output and error (a message
// substring) as Python Jinja2 3.1 renders it with StrictUndefined and the
// loopcontrols and do extensions.
type srcCase struct {
	src, want, wantErr string
}

// testFS holds the templates the include, import and extends cases load.
var testFS = fstest.MapFS{
	"inc.j2":     {Data: []byte(`{% set y = 5 %}[{{ x }}]`)},
	"incy.j2":    {Data: []byte(`<{{ y }}>`)},
	"mac.j2":     {Data: []byte(`{% set g = 7 %}{% macro m(a) %}m{{ a }}{{ g }}{% endmacro %}{% macro n() %}{{ x }}{% endmacro %}{% set _p = 1 %}`)},
	"base.j2":    {Data: []byte(`B{% block a %}ba{% endblock %}|{% block b %}bb{% endblock %}E`)},
	"mid.j2":     {Data: []byte(`{% extends "base.j2" %}{% block a %}M{{ super() }}{% endblock %}`)},
	"req.j2":     {Data: []byte(`{% block r required %}{% endblock %}!`)},
	"scoped.j2":  {Data: []byte(`{% for i in items %}{% block s scoped %}{{ i }}{% endblock %}{% endfor %}`)},
	"rec.j2":     {Data: []byte(`{% macro r(n) %}{{ n }}{% if n > 0 %}{{ r(n - 1) }}{% endif %}{% endmacro %}`)},
	"self.j2":    {Data: []byte(`{% include "self.j2" %}`)},
	"ext_set.j2": {Data: []byte(`{% extends "base.j2" %}{% set t = 3 %}{% block a %}{{ t }}{% endblock %}ignored`)},
	"li.j2":      {Data: []byte(`{% macro n() %}{{ i }}{% endmacro %}{{ i }}`)},
}

func sourceVars() map[string]any {
	d := NewDict(2)
	d.SetStr("k", "v")
	d.SetStr("n", nil)
	return map[string]any{"x": int64(1), "items": NewList([]Value{int64(1), int64(2), int64(3)}), "s": "ab", "d": d}
}

func runSourceCases(t *testing.T, o Options, cases []srcCase) {
	t.Helper()
	env := New(testFS, o)
	addTestFilters(env)
	for _, tc := range cases {
		t.Run(tc.src, func(t *testing.T) {
			got, err := renderSource(env, tc.src)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q (output %q)", err, tc.wantErr, got)
				}
				var pe *Error
				if !errors.As(err, &pe) {
					t.Fatalf("error %T is not *Error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func renderSource(env *Env, src string) (string, error) {
	tmpl, err := env.FromString("t", src)
	if err != nil {
		return "", err
	}
	return tmpl.RenderString(context.Background(), sourceVars())
}
