package jinja

import (
	"errors"
	"testing"
)

type accessCase struct {
	obj  Value
	key  Value
	want string // repr, "METHOD", "UNDEF" or "ERR"
	hint string
}

func checkAccess(t *testing.T, what string, c accessCase, got Value, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	switch c.want {
	case "METHOD":
		if _, ok := got.(*Func); !ok {
			t.Errorf("%s = %s; want a bound method", what, Repr(got))
		}
	case "UNDEF", "ERR":
		u, ok := got.(Undefined)
		if !ok || u.Hint != c.hint {
			t.Errorf("%s = %s (%#v); want undefined %q", what, Repr(got), got, c.hint)
		}
	default:
		if Repr(got) != c.want {
			t.Errorf("%s = %s; want %s", what, Repr(got), c.want)
		}
	}
}

func TestGetAttrMatchesJinja(t *testing.T) {
	s := newTestState(Limits{})
	for _, c := range getAttrCases {
		got, err := GetAttr(s, c.obj, c.key.(string))
		checkAccess(t, Repr(c.obj)+"."+c.key.(string), c, got, err)
	}
}

func TestGetItemMatchesJinja(t *testing.T) {
	s := newTestState(Limits{})
	for _, c := range getItemCases {
		if c.want == "ERR" {
			// Python raised (e.g. an unhashable key); μNet gives the
			// undefined value Jinja2 gives for other failed lookups.
			continue
		}
		got, err := GetItem(s, c.obj, c.key)
		checkAccess(t, Repr(c.obj)+"["+Repr(c.key)+"]", c, got, err)
	}
}

type testObject struct{}

func (testObject) Attr(name string) (Value, bool) {
	if name == "index" {
		return int64(3), true
	}
	return nil, false
}
func (testObject) TypeName() string { return "LoopContext" }

func TestAccessOtherObjects(t *testing.T) {
	s := newTestState(Limits{})
	ns := &Namespace{Attrs: mkDict("found", true)}
	u := Undefined{Hint: "'node' is undefined"}
	for _, c := range []struct {
		obj  Value
		name string
		want string
		hint string
	}{
		{ns, "found", "True", ""},
		{ns, "x", "", "'jinja2.utils.Namespace object' has no attribute 'x'"},
		{testObject{}, "index", "3", ""},
		{testObject{}, "x", "", "'LoopContext object' has no attribute 'x'"},
	} {
		for _, get := range []func() (Value, error){
			func() (Value, error) { return GetAttr(s, c.obj, c.name) },
			func() (Value, error) { return GetItem(s, c.obj, c.name) },
		} {
			got, err := get()
			if c.hint != "" {
				if u, ok := got.(Undefined); !ok || u.Hint != c.hint || err != nil {
					t.Errorf("%s.%s = %#v, %v; want undefined %q", Repr(c.obj), c.name, got, err, c.hint)
				}
			} else if err != nil || Repr(got) != c.want {
				t.Errorf("%s.%s = %s, %v; want %s", Repr(c.obj), c.name, Repr(got), err, c.want)
			}
		}
	}
	if _, err := GetAttr(s, u, "x"); !errors.Is(err, ErrUndefined) {
		t.Errorf("undefined.x: %v", err)
	}
	if _, err := GetItem(s, u, int64(0)); !errors.Is(err, ErrUndefined) {
		t.Errorf("undefined[0]: %v", err)
	}
	if _, err := GetItem(s, NewList(nil), u); !errors.Is(err, ErrUndefined) {
		t.Errorf("[][undefined]: %v", err)
	}
}

type sliceCase struct {
	obj, start, stop, step Value
	want, err              string
}

func TestSliceOfMatchesPython(t *testing.T) {
	s := newTestState(Limits{})
	for _, c := range sliceCases {
		got, err := SliceOf(s, c.obj, c.start, c.stop, c.step)
		what := Repr(c.obj) + "[" + Repr(c.start) + ":" + Repr(c.stop) + ":" + Repr(c.step) + "]"
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: got %s, %v; want error %q", what, Repr(got), err, c.err)
			}
			continue
		}
		if err != nil || Repr(got) != c.want {
			t.Errorf("%s = %s, %v; want %s", what, Repr(got), err, c.want)
		}
	}
}

func TestIterateAndLength(t *testing.T) {
	// Expected values from Python 3: list(v), len(v).
	for _, c := range []struct {
		v    Value
		want string
		n    int
		err  string
	}{
		{NewList([]Value{int64(1), "a"}), "[1, 'a']", 2, ""},
		{NewTuple(int64(1)), "[1]", 1, ""},
		{mkDict("b", int64(1), "a", int64(2)), "['b', 'a']", 2, ""},
		{"héllo", "['h', 'é', 'l', 'l', 'o']", 5, ""},
		{"", "[]", 0, ""},
		{"a\xffb", "['a', '\\xff', 'b']", 3, ""},
		{int64(5), "", 0, "'int' object is not iterable"},
		{nil, "", 0, "'NoneType' object is not iterable"},
		{1.5, "", 0, "'float' object is not iterable"},
	} {
		items, err := Iterate(c.v)
		n, lerr := Length(c.v)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("iter(%s): %v; want %q", Repr(c.v), err, c.err)
			}
			if lerr == nil || lerr.Error() != "object of type '"+TypeName(c.v)+"' has no len()" {
				t.Errorf("len(%s): %v", Repr(c.v), lerr)
			}
			continue
		}
		if err != nil || Repr(NewList(items)) != c.want {
			t.Errorf("list(%s) = %s, %v; want %s", Repr(c.v), Repr(NewList(items)), err, c.want)
		}
		if lerr != nil || n != c.n {
			t.Errorf("len(%s) = %d, %v; want %d", Repr(c.v), n, lerr, c.n)
		}
	}
	u := Undefined{Hint: "'x' is undefined"}
	if _, err := Iterate(u); !errors.Is(err, ErrUndefined) {
		t.Errorf("iter(undefined): %v", err)
	}
	if _, err := Length(u); !errors.Is(err, ErrUndefined) {
		t.Errorf("len(undefined): %v", err)
	}
}

func TestMacroAttributes(t *testing.T) {
	s := newTestState(Limits{})
	m := &Func{Name: "iface", Macro: &MacroInfo{Arguments: []string{"name", "mtu"}, Caller: true}}
	// Jinja2: {% macro iface(name, mtu) %}{{ caller() }}{% endmacro %}
	for name, want := range map[string]string{"name": "'iface'", "arguments": "('name', 'mtu')", "catch_kwargs": "False", "catch_varargs": "False", "caller": "True"} {
		if got, err := GetAttr(s, m, name); err != nil || Repr(got) != want {
			t.Errorf("macro.%s = %s, %v; want %s", name, Repr(got), err, want)
		}
	}
	got, _ := GetAttr(s, m, "x")
	if u, ok := got.(Undefined); !ok || u.Hint != "'jinja2.runtime.Macro object' has no attribute 'x'" {
		t.Errorf("macro.x = %#v", got)
	}
}

func TestSliceOfOtherTypes(t *testing.T) {
	// Jinja2 3.1: {{ d.items()[1:2] }}, {{ 5[1:2] }}, {{ d[1:2] }}, {{ none[1:] }}.
	s := newTestState(Limits{})
	for _, c := range []struct {
		obj  Value
		want string
	}{
		{&List{Items: []Value{}, View: "dict_items"}, "'dict_items' object is not subscriptable"},
		{int64(5), "'int' object is not subscriptable"},
		{mkDict("a", int64(1)), "unhashable type: 'slice'"},
		{nil, "'NoneType' object is not subscriptable"},
	} {
		if _, err := SliceOf(s, c.obj, int64(1), int64(2), nil); err == nil || err.Error() != c.want {
			t.Errorf("%s[1:2]: %v; want %q", Repr(c.obj), err, c.want)
		}
	}
}
