package jinja

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Hostile calls fail with ErrValueLimit at once, before allocating what
// they would produce (or, for tojson's indentation, before passing the
// limit).
func TestFilterBounds(t *testing.T) {
	big := strings.Repeat("x", 1000)
	words := strings.Repeat("a ", 100_000)
	many := make([]Value, 100_000)
	for i := range many {
		many[i] = "a"
	}
	cases := []struct {
		name string
		v    Value
		pos  []Value
		kw   []KwArg
	}{
		{"center", "x", []Value{int64(2_000_000_000)}, nil},
		{"center", "x", []Value{int64(1) << 62}, nil},
		{"replace", big, []Value{"x", strings.Repeat("x", 100_000)}, nil},
		{"replace", big, []Value{"", strings.Repeat("y", 100_000)}, nil},
		{"indent", "a\nb", []Value{int64(2_000_000_000)}, nil},
		{"indent", strings.Repeat("a\n", 100_000), []Value{strings.Repeat(" ", 1000)}, nil},
		{"join", NewList(many), []Value{strings.Repeat(",", 1000)}, nil},
		{"wordwrap", words, []Value{int64(1)}, []KwArg{{"wrapstring", strings.Repeat("\n", 1000)}}},
		{"batch", NewList([]Value{int64(1)}), []Value{int64(2_000_000_000), int64(0)}, nil},
		{"slice", NewList([]Value{int64(1)}), []Value{int64(2_000_000_000)}, nil},
		{"tojson", NewList([]Value{int64(1)}), []Value{int64(2_000_000_000)}, nil},
		{"tojson", nest(5000), []Value{strings.Repeat(" ", 1000)}, nil},
		{"list", strings.Repeat("x", 200_000), nil, nil},
		{"wordwrap", strings.Repeat("\n", 100_000), nil, []KwArg{{"wrapstring", strings.Repeat("-", 1000)}}},
		{"truncate", "x", []Value{int64(1) << 62}, nil},
	}
	for _, c := range cases {
		s := testState()
		// A small value limit keeps the writes the limit allows cheap.
		s.limits.MaxValueBytes = 1 << 20
		start := time.Now()
		got, err := builtinFilters()[c.name](s, c.v, Args{Pos: c.pos, Kw: c.kw})
		d := time.Since(start)
		if c.name == "truncate" {
			// Nothing to build: the short input is returned as is.
			if err != nil || got != "x" {
				t.Errorf("truncate = %v, %v", got, err)
			}
			continue
		}
		if !errors.Is(err, ErrValueLimit) {
			t.Errorf("%s: got %T, %v; want the value limit", c.name, got, err)
		}
		if d > 3*time.Second { // milliseconds of CPU; generous for a loaded machine
			t.Errorf("%s: took %v", c.name, d)
		}
	}
}

// nest returns depth lists nested in each other.
func nest(depth int) Value {
	var v Value = int64(1)
	for i := 0; i < depth; i++ {
		v = NewList([]Value{v})
	}
	return v
}

// A small list holding one big string many times has a huge text: the
// filters that print a value check its size before building the text.
func TestFilterBoundsSharedValues(t *testing.T) {
	big := strings.Repeat("x", 100_000)
	items := make([]Value, 1000)
	for i := range items {
		items[i] = big
	}
	v := NewList([]Value{NewList(items)})
	for _, name := range []string{"string", "upper", "center", "pprint", "tojson", "join", "escape", "replace", "format", "urlize", "trim"} { // indent and wordwrap refuse a list, as in Jinja2 {
		a := Args{}
		if name == "replace" {
			a.Pos = []Value{"a", "b"}
		}
		start := time.Now()
		_, err := builtinFilters()[name](testState(), v, a)
		if !errors.Is(err, ErrValueLimit) {
			t.Errorf("%s: %v, want the value limit", name, err)
		}
		if d := time.Since(start); d > 3*time.Second { // generous for a loaded machine
			t.Errorf("%s: took %v", name, d)
		}
	}
}

// The size checks are exact: blank lines are not indented, so many of them
// make a result no larger than the input.
func TestIndentBlankLinesWithinLimit(t *testing.T) {
	s := testState()
	s.limits.MaxValueBytes = 1 << 20
	in := strings.Repeat("\n", 1<<19) + "a"
	got, err := filterIndent(s, in, Args{Pos: []Value{int64(8)}})
	// Python: len(("\n" * 2**19 + "a")|indent(8)) == 2**19 + 9
	if err != nil || len(got.(string)) != 1<<19+9 {
		t.Errorf("indent: %v", err)
	}
}
