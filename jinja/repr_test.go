package jinja

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// Expected values printed by Python 3: str(v).
func TestStrMatchesPython(t *testing.T) {
	d := NewDict(2)
	d.SetStr("b", int64(2))
	d.SetStr("a", NewTuple("x", nil, 1.5))
	for _, c := range []struct {
		v    Value
		want string
	}{
		{1.0, "1.0"}, {0.1, "0.1"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"}, {123456789.125, "123456789.125"},
		{1.5e-5, "1.5e-05"}, {0.0001, "0.0001"}, {math.Copysign(0, -1), "-0.0"}, {2.5e-300, "2.5e-300"}, {1.7976931348623157e308, "1.7976931348623157e+308"},
		{1 / 3.0, "0.3333333333333333"}, {int64(-7), "-7"}, {nil, "None"}, {true, "True"},
		{NewTuple(int64(1)), "(1,)"}, {NewTuple(), "()"}, {NewList([]Value{"a'b", `a"b`, "a'\"b", "\n\x01é\u200b"}), `["a'b", 'a"b', 'a\'"b', '\n\x01é\u200b']`},
		{d, "{'b': 2, 'a': ('x', None, 1.5)}"},
		{&List{Items: []Value{NewTuple("a", int64(1))}, View: "dict_items"}, "dict_items([('a', 1)])"},
	} {
		got, err := Str(c.v)
		if err != nil || got != c.want {
			t.Errorf("str(%#v) = %q, %v; want %q", c.v, got, err, c.want)
		}
	}
}

// A container holding itself prints as Python prints it: [[...]].
func TestStrOfRecursiveContainers(t *testing.T) {
	l := NewList(nil)
	l.Items = append(l.Items, int64(1), l)
	d := NewDict(1)
	d.SetStr("self", d)
	for v, want := range map[Value]string{l: "[1, [...]]", d: "{'self': {...}}"} {
		if got, err := Str(v); err != nil || got != want {
			t.Errorf("str = %q, %v; want %q", got, err, want)
		}
	}
}

// The text of a value is bounded before it is built in full.
func TestStrIsBounded(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	items := make([]Value, 100)
	for i := range items {
		items[i] = big
	}
	s := &State{limits: Limits{MaxValueBytes: 10 << 20}.WithDefaults()}
	if _, err := s.Str(NewList(items)); !errors.Is(err, ErrValueLimit) {
		t.Fatalf("str of a 100 MiB list: %v, want ErrValueLimit", err)
	}
}

// Int and float compare exactly, as in Python: 2**53+1 != 2.0**53.
func TestEqualIntFloatExact(t *testing.T) {
	for _, c := range []struct {
		a, b Value
		want bool
	}{
		{int64(1<<53 + 1), float64(1 << 53), false},
		{int64(1 << 53), float64(1 << 53), true},
		{int64(3), 3.0, true}, {true, 1.0, true}, {int64(1), 1.5, false},
		{int64(math.MaxInt64), math.Pow(2, 63), false}, {int64(0), math.NaN(), false}, {int64(0), math.Inf(1), false},
	} {
		if got := Equal(c.a, c.b); got != c.want {
			t.Errorf("%v == %v: %v, want %v", c.a, c.b, got, c.want)
		}
		if got := Equal(c.b, c.a); got != c.want {
			t.Errorf("%v == %v: %v, want %v", c.b, c.a, got, c.want)
		}
	}
}

// A clone shares nothing that can change with its original.
func TestClone(t *testing.T) {
	inner := NewList([]Value{int64(1)})
	d := NewDict(2)
	d.SetStr("l", inner)
	d.SetStr("s", "x")
	c := Clone(d).(*Dict)
	cl, _ := c.GetStr("l")
	cl.(*List).Items = append(cl.(*List).Items, int64(2))
	c.SetStr("new", true)
	c.SetStr("s", "y")
	if Repr(d) != "{'l': [1], 's': 'x'}" || Repr(c) != "{'l': [1, 2], 's': 'y', 'new': True}" {
		t.Fatalf("original %s, clone %s", Repr(d), Repr(c))
	}
	c2 := Clone(d).(*Dict)
	c2.Delete("l")
	c.Delete("l")
	if Repr(d) != "{'l': [1], 's': 'x'}" || Repr(c2) != "{'s': 'x'}" {
		t.Fatalf("deleting from the clone changed the original: %s", Repr(d))
	}
}
