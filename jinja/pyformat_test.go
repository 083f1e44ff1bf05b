package jinja

import (
	"errors"
	"testing"
)

type formatCase struct {
	format string
	args   Value // PercentFormat: the right operand; StrFormat: a list of positional arguments
	kw     []KwArg
	want   string
	err    string
}

func TestPercentFormatMatchesPython(t *testing.T) {
	s := newTestState(Limits{})
	for _, c := range percentFormatCases {
		got, err := PercentFormat(s, c.format, c.args)
		checkFormat(t, "%", c, got, err)
	}
}

func TestStrFormatMatchesPython(t *testing.T) {
	s := newTestState(Limits{})
	for _, c := range strFormatCases {
		got, err := StrFormat(s, c.format, Args{Pos: c.args.(*List).Items, Kw: c.kw})
		checkFormat(t, "format", c, got, err)
	}
}

func checkFormat(t *testing.T, kind string, c formatCase, got string, err error) {
	t.Helper()
	if c.err != "" {
		if err == nil || err.Error() != c.err {
			t.Errorf("%s %q with %s: got %q, %v; want error %q", kind, c.format, Repr(c.args), got, err, c.err)
		}
		return
	}
	if err != nil || got != c.want {
		t.Errorf("%s %q with %s = %q, %v; want %q", kind, c.format, Repr(c.args), got, err, c.want)
	}
}

func TestFormatRespectsBudget(t *testing.T) {
	s := newTestState(Limits{MaxValueBytes: 1 << 16})
	for _, f := range []string{"{:2000000000}", "{:.2000000000f}", "{:x^99999999}", "{:099999999,}", "{:999999999999999999999}"} {
		_, err := StrFormat(s, f, Args{Pos: []Value{int64(1)}})
		if err == nil {
			t.Errorf("format %q: no error", f)
		}
	}
	if _, err := StrFormat(s, "{:2000000000}", Args{Pos: []Value{"x"}}); !errors.Is(err, ErrValueLimit) {
		t.Errorf("wide string field: %v", err)
	}
	if _, err := PercentFormat(s, "%-2000000000d", int64(1)); !errors.Is(err, ErrValueLimit) {
		t.Errorf("wide %%d: %v", err)
	}
}

func FuzzPercentFormat(f *testing.F) {
	for _, c := range percentFormatCases {
		f.Add(c.format, "x", int64(7), 2.5)
	}
	f.Fuzz(func(t *testing.T, format, str string, i int64, x float64) {
		s := newTestState(Limits{MaxValueBytes: 1 << 16, MaxValueItems: 100})
		for _, args := range []Value{NewTuple(str, i, x), mkDict("a", str, "b", i), str, i, x, NewList([]Value{i})} {
			_, _ = PercentFormat(s, format, args)
		}
	})
}

func FuzzStrFormat(f *testing.F) {
	for _, c := range strFormatCases {
		f.Add(c.format, "x", int64(7), 2.5)
	}
	f.Fuzz(func(t *testing.T, format, str string, i int64, x float64) {
		s := newTestState(Limits{MaxValueBytes: 1 << 16, MaxValueItems: 100})
		a := Args{Pos: []Value{str, i, x, NewList([]Value{i, str}), mkDict("a", x)}, Kw: []KwArg{{"name", str}, {"n", i}}}
		_, _ = StrFormat(s, format, a)
	})
}
