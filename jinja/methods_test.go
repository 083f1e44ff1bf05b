package jinja

import (
	"errors"
	"strings"
	"testing"
)

type methodCase struct {
	recv   Value
	method string
	args   *List
	kw     []KwArg
	want   string // repr of the result
	err    string
	after  string // repr of the receiver after the call
}

func TestMethodsMatchPython(t *testing.T) {
	s := newTestState(Limits{})
	for _, c := range methodCases {
		before := Repr(c.recv)
		m, err := GetAttr(s, c.recv, c.method)
		if err != nil {
			t.Errorf("%s.%s: %v", before, c.method, err)
			continue
		}
		f, ok := m.(*Func)
		if !ok {
			t.Errorf("%s.%s = %s, not a method", before, c.method, Repr(m))
			continue
		}
		got, err := f.Call(s, Args{Pos: c.args.Items, Kw: c.kw})
		call := before + "." + c.method + Repr(NewTuple(c.args.Items...))
		switch {
		case c.err != "":
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: got %s, %v; want error %q", call, Repr(got), err, c.err)
			}
		case err != nil || Repr(got) != c.want:
			t.Errorf("%s = %s, %v; want %s", call, Repr(got), err, c.want)
		}
		if a := Repr(c.recv); a != c.after {
			t.Errorf("%s: receiver is %s afterwards; want %s", call, a, c.after)
		}
	}
}

func TestMethodsRespectBudget(t *testing.T) {
	s := newTestState(Limits{MaxValueBytes: 1 << 16, MaxValueItems: 100})
	big := strings.Repeat("ab", 1<<14)
	call := func(recv Value, name string, args ...Value) error {
		m, err := GetAttr(s, recv, name)
		if err != nil {
			return err
		}
		_, err = m.(*Func).Call(s, Args{Pos: args})
		return err
	}
	for _, c := range []struct {
		recv Value
		name string
		args []Value
	}{
		{"x", "center", []Value{int64(2000000000)}},
		{"x", "ljust", []Value{int64(9223372036854775807), "é"}},
		{"x", "rjust", []Value{int64(70000)}},
		{"x", "zfill", []Value{int64(9223372036854775807)}},
		{big, "replace", []Value{"a", big}},
		{big, "replace", []Value{"", "xx"}},
		{big, "join", []Value{NewList([]Value{big, big, big})}},
		{strings.Repeat("a,", 200), "split", []Value{","}},
		{NewList(make([]Value, 100)), "append", []Value{int64(1)}},
		{NewList(make([]Value, 60)), "extend", []Value{NewList(make([]Value, 60))}},
		{NewList(make([]Value, 100)), "insert", []Value{int64(0), int64(1)}},
		{"{:99999999}", "format", []Value{int64(1)}},
		{"\t\t", "expandtabs", []Value{int64(9223372036854775807)}},
		{strings.Repeat("\t", 1000), "expandtabs", []Value{int64(1000)}},
	} {
		if err := call(c.recv, c.name, c.args...); !errors.Is(err, ErrValueLimit) {
			t.Errorf("%.20s.%s: %v; want the value limit", Repr(c.recv), c.name, err)
		}
	}
}

// Every method, called with arbitrary arguments, returns a value or an
// error and never panics.
func FuzzMethods(f *testing.F) {
	for _, c := range methodCases {
		if str, ok := c.recv.(string); ok {
			a, _ := Str(Or(firstItem(c.args), ""))
			f.Add(str, c.method, a, int64(len(c.args.Items)), uint8(0))
		}
	}
	f.Add("a,b", "split", ",", int64(1), uint8(1))
	f.Add("", "pop", "", int64(-1), uint8(2))
	f.Fuzz(func(t *testing.T, str, method, arg string, n int64, kind uint8) {
		s := newTestState(Limits{MaxValueBytes: 1 << 16, MaxValueItems: 1000})
		var recv Value
		switch kind % 3 {
		case 0:
			recv = str
		case 1:
			recv = NewList([]Value{str, n, arg})
		default:
			recv = mkDict(str, n, arg, nil)
		}
		m, err := GetAttr(s, recv, method)
		if err != nil {
			t.Fatal(err)
		}
		fn, ok := m.(*Func)
		if !ok {
			return
		}
		for _, args := range [][]Value{nil, {arg}, {n}, {arg, n}, {arg, arg}, {n, arg, n}, {NewTuple(arg, str)}, {nil, n}} {
			_, _ = fn.Call(s, Args{Pos: args})
		}
		_, _ = fn.Call(s, Args{Kw: []KwArg{{"reverse", true}}})
	})
}

func firstItem(l *List) Value {
	if len(l.Items) == 0 {
		return Missing
	}
	return l.Items[0]
}
