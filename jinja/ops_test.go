package jinja

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

// newTestState returns a render state with the given limits (defaults for
// zero fields).
func newTestState(l Limits) *State {
	return &State{ctx: context.Background(), limits: l.WithDefaults()}
}

// mkDict builds a dict from alternating keys and values.
func mkDict(kv ...Value) *Dict {
	d := NewDict(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		if err := d.Set(kv[i], kv[i+1]); err != nil {
			panic(err)
		}
	}
	return d
}

type binaryOpCase struct {
	op   string
	a, b Value
	want string // repr of the result
	err  string
}

func TestBinaryOpMatchesPython(t *testing.T) {
	s := newTestState(Limits{})
	for _, c := range binaryOpCases {
		got, err := BinaryOp(s, c.op, c.a, c.b)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s %s %s: got %s, %v; want error %q", Repr(c.a), c.op, Repr(c.b), Repr(got), err, c.err)
			}
			continue
		}
		if err != nil || Repr(got) != c.want {
			t.Errorf("%s %s %s = %s, %v; want %s", Repr(c.a), c.op, Repr(c.b), Repr(got), err, c.want)
		}
	}
}

type compareOpCase struct {
	op   string
	a, b Value
	want bool
	err  string
}

func TestCompareOpMatchesPython(t *testing.T) {
	for _, c := range compareOpCases {
		got, err := CompareOp(c.op, c.a, c.b)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s %s %s: got %v, %v; want error %q", Repr(c.a), c.op, Repr(c.b), got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s %s %s = %v, %v; want %v", Repr(c.a), c.op, Repr(c.b), got, err, c.want)
		}
	}
}

func TestUnaryOp(t *testing.T) {
	// Expected values from Python 3.
	for _, c := range []struct {
		op   string
		v    Value
		want string
		err  string
	}{
		{"-", int64(5), "-5", ""}, {"+", int64(-5), "-5", ""}, {"-", 1.5, "-1.5", ""}, {"-", 0.0, "-0.0", ""},
		{"-", true, "-1", ""}, {"+", false, "0", ""}, {"not", int64(0), "True", ""}, {"not", "a", "False", ""},
		{"not", NewList(nil), "True", ""}, {"not", nil, "True", ""},
		{"-", "a", "", "bad operand type for unary -: 'str'"}, {"+", nil, "", "bad operand type for unary +: 'NoneType'"},
		{"-", NewList(nil), "", "bad operand type for unary -: 'list'"},
		{"-", int64(-9223372036854775808), "", "integer overflow"},
		{"-", Undefined{Hint: "'x' is undefined"}, "", "'x' is undefined"},
		{"not", Undefined{Hint: "'x' is undefined"}, "", "'x' is undefined"},
	} {
		got, err := UnaryOp(c.op, c.v)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s %s: got %v, %v; want error %q", c.op, Repr(c.v), got, err, c.err)
			}
			continue
		}
		if err != nil || Repr(got) != c.want {
			t.Errorf("%s %s = %s, %v; want %s", c.op, Repr(c.v), Repr(got), err, c.want)
		}
	}
}

func TestOperatorsOnUndefined(t *testing.T) {
	s := newTestState(Limits{})
	u := Undefined{Hint: "'node' is undefined"}
	for _, op := range []string{"+", "-", "*", "/", "//", "%", "**", "~"} {
		if _, err := BinaryOp(s, op, u, int64(1)); !errors.Is(err, ErrUndefined) {
			t.Errorf("undefined %s 1: %v", op, err)
		}
		if _, err := BinaryOp(s, op, "x", u); !errors.Is(err, ErrUndefined) {
			t.Errorf("'x' %s undefined: %v", op, err)
		}
	}
	for _, op := range []string{"==", "!=", "<", "in", "not in"} {
		if _, err := CompareOp(op, int64(1), u); !errors.Is(err, ErrUndefined) {
			t.Errorf("1 %s undefined: %v", op, err)
		}
	}
	if _, err := Less(u, int64(1)); !errors.Is(err, ErrUndefined) {
		t.Errorf("Less(undefined, 1): %v", err)
	}
}

// Hostile sizes fail fast with ErrValueLimit, before allocating.
func TestOperatorsRespectBudget(t *testing.T) {
	s := newTestState(Limits{MaxValueBytes: 1 << 20, MaxValueItems: 1000})
	big := strings.Repeat("x", 1<<19)
	for _, c := range []struct {
		op   string
		a, b Value
	}{
		{"*", "x", int64(100000 * 100000)},
		{"*", int64(1 << 40), "xy"},
		{"*", "x", int64(9223372036854775807)},
		{"*", NewList([]Value{int64(1)}), int64(1001)},
		{"*", NewList([]Value{int64(1), int64(2)}), int64(9223372036854775807)},
		{"+", big, big + "y"},
		{"~", big, big + "y"},
		{"+", NewList(make([]Value, 600)), NewList(make([]Value, 600))},
		{"%", "%2000000000s", "x"},
		{"%", "%.2000000000f", 1.5},
		{"%", "%0*d", NewTuple(int64(2000000000), int64(1))},
	} {
		_, err := BinaryOp(s, c.op, c.a, c.b)
		if !errors.Is(err, ErrValueLimit) {
			t.Errorf("%.20s %s %.20s: %v; want the value limit", Repr(c.a), c.op, Repr(c.b), err)
		}
	}
	if v, err := BinaryOp(s, "*", "ab", int64(3)); err != nil || v != "ababab" {
		t.Errorf("'ab' * 3 = %v, %v", v, err)
	}
}

func TestLessSortsLikePython(t *testing.T) {
	// sorted([3, 1.5, True, -2, 2.0]) == [-2, True, 1.5, 2.0, 3]
	items := []Value{int64(3), 1.5, true, int64(-2), 2.0}
	if err := SortValues(items, false); err != nil || Repr(NewList(items)) != "[-2, True, 1.5, 2.0, 3]" {
		t.Errorf("sorted = %s, %v", Repr(NewList(items)), err)
	}
	// sorted([1, 1.0, True, 0], reverse=True) == [1, 1.0, True, 0] (stable)
	items = []Value{int64(1), 1.0, true, int64(0)}
	if err := SortValues(items, true); err != nil || Repr(NewList(items)) != "[1, 1.0, True, 0]" {
		t.Errorf("sorted reverse = %s, %v", Repr(NewList(items)), err)
	}
	items = []Value{int64(1), "a"}
	if err := SortValues(items, false); err == nil || err.Error() != "'<' not supported between instances of 'str' and 'int'" {
		t.Errorf("sorted([1, 'a']): %v", err)
	}
}

func BenchmarkBinaryOpInt(b *testing.B) {
	s := newTestState(Limits{})
	var x Value = int64(12345)
	var y Value = int64(678)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BinaryOp(s, "+", x, y); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBinaryOpString(b *testing.B) {
	s := newTestState(Limits{})
	var x Value = "interface GigabitEthernet0/"
	var y Value = "1"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BinaryOp(s, "~", x, y); err != nil {
			b.Fatal(err)
		}
	}
}

// A small list holding one big string many times has a huge text.
func TestStringConversionRespectsBudget(t *testing.T) {
	s := newTestState(Limits{MaxValueBytes: 1 << 20, MaxValueItems: 1000})
	big := strings.Repeat("x", 1<<16)
	items := make([]Value, 1000)
	for i := range items {
		items[i] = big
	}
	l := NewList(items)
	if _, err := BinaryOp(s, "~", "a", l); !errors.Is(err, ErrValueLimit) {
		t.Errorf("'a' ~ list: %v", err)
	}
	if _, err := BinaryOp(s, "~", mkDict("k", l), "a"); !errors.Is(err, ErrValueLimit) {
		t.Errorf("dict ~ 'a': %v", err)
	}
	for _, f := range []string{"%s", "%r", "%a"} {
		if _, err := PercentFormat(s, f, NewTuple(l)); !errors.Is(err, ErrValueLimit) {
			t.Errorf("%s %% list: %v", f, err)
		}
	}
	for _, f := range []string{"{}", "{!r}", "{!s}", "{!a}"} {
		if _, err := StrFormat(s, f, Args{Pos: []Value{l}}); !errors.Is(err, ErrValueLimit) {
			t.Errorf("%s.format(list): %v", f, err)
		}
	}
	if v, err := BinaryOp(s, "~", "a", NewList([]Value{"b", int64(1)})); err != nil || v != "a['b', 1]" {
		t.Errorf("'a' ~ ['b', 1] = %v, %v", v, err)
	}
}

// Operators, comparisons and slices never panic, whatever the operands.
func FuzzOperators(f *testing.F) {
	f.Add(int64(-7), int64(2), 1.5, "ab", uint8(0))
	f.Add(int64(-9223372036854775808), int64(-1), math.Copysign(0, -1), "é", uint8(3))
	f.Fuzz(func(t *testing.T, i, j int64, x float64, str string, k uint8) {
		s := newTestState(Limits{MaxValueBytes: 1 << 16, MaxValueItems: 1000})
		vals := []Value{i, j, x, str, k%2 == 0, nil, NewList([]Value{i, str}), NewTuple(x), mkDict(str, i)}
		a, b := vals[int(k)%len(vals)], vals[int(k/16)%len(vals)]
		for _, op := range []string{"+", "-", "*", "/", "//", "%", "**", "~"} {
			_, _ = BinaryOp(s, op, a, b)
			_, _ = BinaryOp(s, op, i, j)
			_, _ = BinaryOp(s, op, x, i)
		}
		for _, op := range []string{"==", "!=", "<", "<=", ">", ">=", "in", "not in"} {
			_, _ = CompareOp(op, a, b)
		}
		for _, v := range vals {
			_, _ = SliceOf(s, str, i, j, v)
			_, _ = SliceOf(s, NewList([]Value{i, j, x}), v, j, i)
			_, _ = GetItem(s, str, v)
			_, _ = GetItem(s, a, v)
			_, _ = UnaryOp("-", v)
		}
	})
}
