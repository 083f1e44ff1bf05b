package jinja

import (
	"strings"
	"testing"
)

// Expected values from Python Jinja2 3.1.
var builtinTestCases = []filterCase{
	{"odd", int64(3), []Value{}, nil, "True"},
	{"odd", int64(-3), []Value{}, nil, "True"},
	{"odd", int64(4), []Value{}, nil, "False"},
	{"odd", float64(3.0), []Value{}, nil, "True"},
	{"odd", true, []Value{}, nil, "True"},
	{"odd", "a", []Value{}, nil, "!TypeError"},
	{"even", int64(4), []Value{}, nil, "True"},
	{"even", float64(2.5), []Value{}, nil, "False"},
	{"even", int64(0), []Value{}, nil, "True"},
	{"divisibleby", int64(9), []Value{int64(3)}, nil, "True"},
	{"divisibleby", int64(10), []Value{int64(3)}, nil, "False"},
	{"divisibleby", int64(9), []Value{int64(0)}, nil, "!ZeroDivisionError"},
	{"divisibleby", float64(7.5), []Value{float64(2.5)}, nil, "True"},
	{"defined", int64(1), []Value{}, nil, "True"},
	{"defined", nil, []Value{}, nil, "True"},
	{"undefined", int64(1), []Value{}, nil, "False"},
	{"filter", "upper", []Value{}, nil, "True"},
	{"filter", "nope", []Value{}, nil, "False"},
	{"filter", int64(3), []Value{}, nil, "False"},
	{"test", "odd", []Value{}, nil, "True"},
	{"test", "upper", []Value{}, nil, "True"},
	{"test", "center", []Value{}, nil, "False"},
	{"none", nil, []Value{}, nil, "True"},
	{"none", int64(0), []Value{}, nil, "False"},
	{"boolean", true, []Value{}, nil, "True"},
	{"boolean", int64(1), []Value{}, nil, "False"},
	{"false", false, []Value{}, nil, "True"},
	{"false", int64(0), []Value{}, nil, "False"},
	{"true", true, []Value{}, nil, "True"},
	{"true", int64(1), []Value{}, nil, "False"},
	{"integer", int64(1), []Value{}, nil, "True"},
	{"integer", true, []Value{}, nil, "False"},
	{"integer", float64(1.0), []Value{}, nil, "False"},
	{"float", float64(1.0), []Value{}, nil, "True"},
	{"float", int64(1), []Value{}, nil, "False"},
	{"lower", "abc1", []Value{}, nil, "True"},
	{"lower", "aBc", []Value{}, nil, "False"},
	{"lower", "123", []Value{}, nil, "False"},
	{"upper", "ABC1", []Value{}, nil, "True"},
	{"upper", "ǅ", []Value{}, nil, "False"},
	{"upper", "", []Value{}, nil, "False"},
	{"lower", int64(5), []Value{}, nil, "False"},
	{"string", "a", []Value{}, nil, "True"},
	{"string", int64(1), []Value{}, nil, "False"},
	{"mapping", dict("a", int64(1)), []Value{}, nil, "True"},
	{"mapping", NewList([]Value{int64(1)}), []Value{}, nil, "False"},
	{"number", int64(1), []Value{}, nil, "True"},
	{"number", float64(1.5), []Value{}, nil, "True"},
	{"number", true, []Value{}, nil, "True"},
	{"number", "1", []Value{}, nil, "False"},
	{"number", nil, []Value{}, nil, "False"},
	{"sequence", NewList([]Value{int64(1)}), []Value{}, nil, "True"},
	{"sequence", "ab", []Value{}, nil, "True"},
	{"sequence", dict("a", int64(1)), []Value{}, nil, "True"},
	{"sequence", int64(1), []Value{}, nil, "False"},
	{"sequence", nil, []Value{}, nil, "False"},
	{"iterable", NewList([]Value{int64(1)}), []Value{}, nil, "True"},
	{"iterable", "ab", []Value{}, nil, "True"},
	{"iterable", dict(), []Value{}, nil, "True"},
	{"iterable", int64(1), []Value{}, nil, "False"},
	{"callable", int64(1), []Value{}, nil, "False"},
	{"callable", "x", []Value{}, nil, "False"},
	{"sameas", nil, []Value{nil}, nil, "True"},
	{"sameas", true, []Value{true}, nil, "True"},
	{"sameas", int64(1), []Value{true}, nil, "False"},
	{"sameas", NewList([]Value{int64(1)}), []Value{NewList([]Value{int64(1)})}, nil, "False"},
	{"escaped", "x", []Value{}, nil, "False"},
	{"in", int64(1), []Value{NewList([]Value{int64(1), int64(2)})}, nil, "True"},
	{"in", "b", []Value{"abc"}, nil, "True"},
	{"in", "", []Value{"abc"}, nil, "True"},
	{"in", "a", []Value{dict("a", int64(1))}, nil, "True"},
	{"in", int64(3), []Value{NewTuple(int64(1), int64(2))}, nil, "False"},
	{"in", int64(1), []Value{"abc"}, nil, "!TypeError"},
	{"in", NewList([]Value{int64(1)}), []Value{dict("a", int64(1))}, nil, "!TypeError"},
	{"in", int64(1), []Value{int64(5)}, nil, "!TypeError"},
	{"in", float64(1.0), []Value{NewList([]Value{int64(1)})}, nil, "True"},
	{"eq", int64(1), []Value{float64(1.0)}, nil, "True"},
	{"==", "a", []Value{"a"}, nil, "True"},
	{"equalto", int64(1), []Value{"1"}, nil, "False"},
	{"ne", int64(1), []Value{int64(2)}, nil, "True"},
	{"!=", int64(1), []Value{int64(1)}, nil, "False"},
	{"gt", int64(2), []Value{int64(1)}, nil, "True"},
	{">", "b", []Value{"a"}, nil, "True"},
	{"greaterthan", int64(1), []Value{int64(2)}, nil, "False"},
	{"ge", int64(2), []Value{int64(2)}, nil, "True"},
	{">=", int64(1), []Value{int64(2)}, nil, "False"},
	{"lt", int64(1), []Value{int64(2)}, nil, "True"},
	{"<", NewList([]Value{int64(1), int64(2)}), []Value{NewList([]Value{int64(1), int64(3)})}, nil, "True"},
	{"lessthan", int64(2), []Value{int64(1)}, nil, "False"},
	{"le", int64(2), []Value{float64(2.0)}, nil, "True"},
	{"<=", int64(3), []Value{int64(2)}, nil, "False"},
	{"lt", int64(1), []Value{"a"}, nil, "!TypeError"},
	// {{ d.items() is sequence }} and {{ d.items() is iterable }}
	{"sequence", &List{Items: []Value{NewTuple("a", int64(1))}, View: "dict_items"}, nil, nil, "False"},
	{"iterable", &List{Items: []Value{NewTuple("a", int64(1))}, View: "dict_items"}, nil, nil, "True"},
}

func TestBuiltinTests(t *testing.T) {
	tests := builtinTests()
	for _, c := range builtinTestCases {
		f, ok := tests[c.name]
		if !ok {
			t.Errorf("no test %q", c.name)
			continue
		}
		got, err := f(testState(), c.v, Args{Pos: c.pos})
		label := c.name + "(" + Repr(c.v) + ", " + Repr(NewList(c.pos)) + ")"
		switch {
		case strings.HasPrefix(c.want, "!"):
			if err == nil {
				t.Errorf("%s = %v, want an error (%s)", label, got, c.want[1:])
			}
		case err != nil:
			t.Errorf("%s: %v, want %s", label, err, c.want)
		case Repr(got) != c.want:
			t.Errorf("%s = %s, want %s", label, Repr(got), c.want)
		}
	}
}
