package jinja

import (
	"context"
	"strings"
	"testing"
)

// testState returns a render state with the default limits.
func testState() *State {
	return &State{ctx: context.Background(), limits: Limits{}.WithDefaults(), env: New(nil, Options{})}
}

// dict builds a dict from alternating keys and values.
func dict(kv ...Value) *Dict {
	d := NewDict(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		if err := d.Set(kv[i], kv[i+1]); err != nil {
			panic(err)
		}
	}
	return d
}

// filterCase is one call of a builtin filter and the repr of its result as
// Python Jinja2 3.1 computes it; a want starting with "!" is an error.
type filterCase struct {
	name string
	v    Value
	pos  []Value
	kw   []KwArg
	want string
}

func runFilterCases(t *testing.T, cases []filterCase) {
	t.Helper()
	filters := builtinFilters()
	for _, c := range cases {
		f, ok := filters[c.name]
		if !ok {
			t.Errorf("no filter %q", c.name)
			continue
		}
		got, err := f(testState(), c.v, Args{Pos: c.pos, Kw: c.kw})
		label := c.name + "(" + Repr(c.v) + ", " + Repr(NewList(c.pos)) + ")"
		if strings.HasPrefix(c.want, "!") {
			if err == nil {
				t.Errorf("%s = %s, want an error (%s)", label, Repr(got), c.want[1:])
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v, want %s", label, err, c.want)
			continue
		}
		if r := Repr(got); r != c.want {
			t.Errorf("%s = %s, want %s", label, r, c.want)
		}
	}
}
