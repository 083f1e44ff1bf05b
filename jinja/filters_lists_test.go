package jinja

import (
	"errors"
	"testing"
)

// Expected values from Python Jinja2 3.1 (iterators it returns made lists).
var listFilterCases = []filterCase{
	{"length", NewList([]Value{int64(1), int64(2)}), []Value{}, []KwArg{}, "2"},
	{"count", "héllo", []Value{}, []KwArg{}, "5"},
	{"length", dict("a", int64(1)), []Value{}, []KwArg{}, "1"},
	{"length", int64(5), []Value{}, []KwArg{}, "!TypeError"},
	{"list", "abc", []Value{}, []KwArg{}, "['a', 'b', 'c']"},
	{"list", NewTuple(int64(1), int64(2)), []Value{}, []KwArg{}, "[1, 2]"},
	{"list", dict("a", int64(1), "b", int64(2)), []Value{}, []KwArg{}, "['a', 'b']"},
	{"list", int64(3), []Value{}, []KwArg{}, "!TypeError"},
	{"first", NewList([]Value{int64(3), int64(4)}), []Value{}, []KwArg{}, "3"},
	{"first", NewList([]Value{}), []Value{}, []KwArg{}, "Undefined"},
	{"first", "xy", []Value{}, []KwArg{}, "'x'"},
	{"first", dict("k", int64(1)), []Value{}, []KwArg{}, "'k'"},
	{"last", NewList([]Value{int64(3), int64(4)}), []Value{}, []KwArg{}, "4"},
	{"last", "xyé", []Value{}, []KwArg{}, "'é'"},
	{"last", dict("k", int64(1), "j", int64(2)), []Value{}, []KwArg{}, "'j'"},
	{"last", NewList([]Value{}), []Value{}, []KwArg{}, "Undefined"},
	{"join", NewList([]Value{int64(1), "a", nil}), []Value{}, []KwArg{}, "'1aNone'"},
	{"join", NewList([]Value{int64(1), int64(2)}), []Value{", "}, []KwArg{}, "'1, 2'"},
	{"join", NewList([]Value{dict("n", "a"), dict("n", "b")}), []Value{", ", "n"}, []KwArg{}, "'a, b'"},
	{"join", "abc", []Value{"-"}, []KwArg{}, "'a-b-c'"},
	{"join", NewList([]Value{NewList([]Value{int64(1)}), NewTuple(int64(2))}), []Value{"|"}, []KwArg{}, "'[1]|(2,)'"},
	{"reverse", "abcé", []Value{}, []KwArg{}, "'écba'"},
	{"reverse", NewList([]Value{int64(1), int64(2), int64(3)}), []Value{}, []KwArg{}, "[3, 2, 1]"},
	{"reverse", NewTuple(int64(1), int64(2)), []Value{}, []KwArg{}, "[2, 1]"},
	{"reverse", int64(5), []Value{}, []KwArg{}, "!FilterArgumentError"},
	{"sort", NewList([]Value{int64(3), int64(1), int64(2)}), []Value{}, []KwArg{}, "[1, 2, 3]"},
	{"sort", NewList([]Value{"b", "A", "a", "C"}), []Value{}, []KwArg{}, "['A', 'a', 'b', 'C']"},
	{"sort", NewList([]Value{"b", "A", "a", "C"}), []Value{}, []KwArg{{"case_sensitive", true}}, "['A', 'C', 'a', 'b']"},
	{"sort", NewList([]Value{int64(3), int64(1), int64(2)}), []Value{true}, []KwArg{}, "[3, 2, 1]"},
	{"sort", NewList([]Value{int64(1), "a"}), []Value{}, []KwArg{}, "!TypeError"},
	{"sort", NewList([]Value{dict("a", int64(2), "b", "x"), dict("a", int64(1), "b", "y"), dict("a", int64(2), "b", "a")}), []Value{}, []KwArg{{"attribute", "a,b"}}, "[{'a': 1, 'b': 'y'}, {'a': 2, 'b': 'a'}, {'a': 2, 'b': 'x'}]"},
	{"sort", NewList([]Value{dict("a", dict("c", int64(2))), dict("a", dict("c", int64(1)))}), []Value{}, []KwArg{{"attribute", "a.c"}}, "[{'a': {'c': 1}}, {'a': {'c': 2}}]"},
	{"sort", NewList([]Value{NewList([]Value{int64(2), "b"}), NewList([]Value{int64(1), "c"})}), []Value{}, []KwArg{{"attribute", "1"}}, "[[2, 'b'], [1, 'c']]"},
	{"sort", NewList([]Value{dict("n", "b", "i", int64(1)), dict("n", "B", "i", int64(2)), dict("n", "a", "i", int64(3))}), []Value{true}, []KwArg{{"attribute", "n"}}, "[{'n': 'b', 'i': 1}, {'n': 'B', 'i': 2}, {'n': 'a', 'i': 3}]"},
	{"unique", NewList([]Value{"a", "A", "b", "a"}), []Value{}, []KwArg{}, "['a', 'b']"},
	{"unique", NewList([]Value{"a", "A", "b"}), []Value{true}, []KwArg{}, "['a', 'A', 'b']"},
	{"unique", NewList([]Value{dict("x", int64(1)), dict("x", int64(1)), dict("x", int64(2))}), []Value{}, []KwArg{{"attribute", "x"}}, "[{'x': 1}, {'x': 2}]"},
	{"unique", NewList([]Value{NewList([]Value{int64(1)}), NewList([]Value{int64(1)})}), []Value{}, []KwArg{}, "!TypeError"},
	{"unique", NewList([]Value{int64(1), float64(1.0), true, int64(2)}), []Value{}, []KwArg{}, "[1, 2]"},
	{"max", NewList([]Value{int64(1), int64(3), int64(2)}), []Value{}, []KwArg{}, "3"},
	{"min", NewList([]Value{int64(1), int64(3), int64(2)}), []Value{}, []KwArg{}, "1"},
	{"max", NewList([]Value{"a", "B"}), []Value{}, []KwArg{}, "'B'"},
	{"max", NewList([]Value{"a", "B"}), []Value{true}, []KwArg{}, "'a'"},
	{"min", NewList([]Value{}), []Value{}, []KwArg{}, "Undefined"},
	{"max", NewList([]Value{dict("v", int64(1)), dict("v", int64(5))}), []Value{}, []KwArg{{"attribute", "v"}}, "{'v': 5}"},
	{"max", NewList([]Value{int64(1), float64(1.0)}), []Value{}, []KwArg{}, "1"},
	{"min", NewList([]Value{int64(1), "a"}), []Value{}, []KwArg{}, "!TypeError"},
	{"sum", NewList([]Value{int64(1), int64(2), int64(3)}), []Value{}, []KwArg{}, "6"},
	{"sum", NewList([]Value{int64(1), float64(2.5)}), []Value{}, []KwArg{}, "3.5"},
	{"sum", NewList([]Value{dict("p", int64(1)), dict("p", int64(2))}), []Value{"p"}, []KwArg{}, "3"},
	{"sum", NewList([]Value{int64(1)}), []Value{}, []KwArg{{"start", int64(10)}}, "11"},
	{"sum", NewList([]Value{NewList([]Value{int64(1)}), NewList([]Value{int64(2)})}), []Value{}, []KwArg{{"start", NewList([]Value{})}}, "[1, 2]"},
	{"sum", NewList([]Value{"a"}), []Value{}, []KwArg{}, "!TypeError"},
	{"map", NewList([]Value{"a", "B"}), []Value{"upper"}, []KwArg{}, "['A', 'B']"},
	{"map", NewList([]Value{dict("n", int64(1)), dict()}), []Value{}, []KwArg{{"attribute", "n"}, {"default", int64(0)}}, "[1, 0]"},
	{"map", NewList([]Value{float64(1.5), float64(2.5)}), []Value{"round"}, []KwArg{}, "[2.0, 2.0]"},
	{"map", NewList([]Value{"a,b"}), []Value{"replace", ",", ";"}, []KwArg{}, "['a;b']"},
	{"map", NewList([]Value{}), []Value{"nope"}, []KwArg{}, "[]"},
	{"map", NewList([]Value{int64(1)}), []Value{"nope"}, []KwArg{}, "!TemplateRuntimeError"},
	{"map", NewList([]Value{int64(1)}), []Value{}, []KwArg{}, "!FilterArgumentError"},
	{"map", NewList([]Value{dict("a", int64(1))}), []Value{}, []KwArg{{"attribute", "a"}, {"x", int64(1)}}, "!FilterArgumentError"},
	{"select", NewList([]Value{int64(0), int64(1), int64(2), int64(3), nil, ""}), []Value{}, []KwArg{}, "[1, 2, 3]"},
	{"select", NewList([]Value{int64(1), int64(2), int64(3), int64(4)}), []Value{"odd"}, []KwArg{}, "[1, 3]"},
	{"reject", NewList([]Value{int64(1), int64(2), int64(3), int64(4)}), []Value{"odd"}, []KwArg{}, "[2, 4]"},
	{"select", NewList([]Value{int64(1), int64(5), int64(10)}), []Value{"gt", int64(3)}, []KwArg{}, "[5, 10]"},
	{"select", NewList([]Value{int64(1), int64(5), int64(10)}), []Value{"divisibleby", int64(5)}, []KwArg{}, "[5, 10]"},
	{"select", NewList([]Value{int64(1)}), []Value{"nope"}, []KwArg{}, "!TemplateRuntimeError"},
	{"select", NewList([]Value{"a", int64(1)}), []Value{"string"}, []KwArg{}, "['a']"},
	{"selectattr", NewList([]Value{dict("a", int64(1)), dict("a", int64(0))}), []Value{"a"}, []KwArg{}, "[{'a': 1}]"},
	{"rejectattr", NewList([]Value{dict("a", int64(1)), dict("a", int64(0))}), []Value{"a"}, []KwArg{}, "[{'a': 0}]"},
	{"selectattr", NewList([]Value{dict("a", int64(1)), dict("a", int64(2))}), []Value{"a", "equalto", int64(2)}, []KwArg{}, "[{'a': 2}]"},
	{"selectattr", NewList([]Value{dict("a", int64(1))}), []Value{}, []KwArg{}, "!FilterArgumentError"},
	{"batch", NewList([]Value{int64(1), int64(2), int64(3), int64(4), int64(5)}), []Value{int64(2)}, []KwArg{}, "[[1, 2], [3, 4], [5]]"},
	{"batch", NewList([]Value{int64(1), int64(2), int64(3), int64(4), int64(5)}), []Value{int64(2), int64(0)}, []KwArg{}, "[[1, 2], [3, 4], [5, 0]]"},
	{"batch", NewList([]Value{int64(1), int64(2), int64(3)}), []Value{int64(0)}, []KwArg{}, "[[], [1, 2, 3]]"},
	{"batch", NewList([]Value{int64(1), int64(2), int64(3)}), []Value{int64(-1)}, []KwArg{}, "[[1, 2, 3]]"},
	{"batch", NewList([]Value{}), []Value{int64(2)}, []KwArg{}, "[]"},
	{"batch", NewList([]Value{int64(1), int64(2), int64(3)}), []Value{int64(5), "x"}, []KwArg{}, "[[1, 2, 3, 'x', 'x']]"},
	{"slice", NewList([]Value{int64(1), int64(2), int64(3), int64(4), int64(5), int64(6), int64(7)}), []Value{int64(3)}, []KwArg{}, "[[1, 2, 3], [4, 5], [6, 7]]"},
	{"slice", NewList([]Value{int64(1), int64(2), int64(3), int64(4), int64(5), int64(6), int64(7)}), []Value{int64(3), int64(0)}, []KwArg{}, "[[1, 2, 3], [4, 5, 0], [6, 7, 0]]"},
	{"slice", NewList([]Value{int64(1), int64(2)}), []Value{int64(4)}, []KwArg{}, "[[1], [2], [], []]"},
	{"slice", NewList([]Value{int64(1)}), []Value{int64(0)}, []KwArg{}, "!ZeroDivisionError"},
	{"slice", NewList([]Value{int64(1)}), []Value{int64(-2)}, []KwArg{}, "[]"},
	{"groupby", NewList([]Value{dict("c", "NY", "n", int64(1)), dict("c", "CA", "n", int64(2)), dict("c", "ny", "n", int64(3))}), []Value{"c"}, []KwArg{}, "[('CA', [{'c': 'CA', 'n': 2}]), ('NY', [{'c': 'NY', 'n': 1}, {'c': 'ny', 'n': 3}])]"},
	{"groupby", NewList([]Value{dict("c", "NY", "n", int64(1)), dict("c", "CA", "n", int64(2)), dict("c", "ny", "n", int64(3))}), []Value{"c"}, []KwArg{{"case_sensitive", true}}, "[('CA', [{'c': 'CA', 'n': 2}]), ('NY', [{'c': 'NY', 'n': 1}]), ('ny', [{'c': 'ny', 'n': 3}])]"},
	{"groupby", NewList([]Value{dict("c", "NY"), dict("n", int64(2))}), []Value{"c"}, []KwArg{{"default", "AA"}}, "[('AA', [{'n': 2}]), ('NY', [{'c': 'NY'}])]"},
	{"groupby", NewList([]Value{NewList([]Value{int64(1), "a"}), NewList([]Value{int64(0), "b"}), NewList([]Value{int64(1), "c"})}), []Value{int64(0)}, []KwArg{}, "[(0, [[0, 'b']]), (1, [[1, 'a'], [1, 'c']])]"},
	{"groupby", NewList([]Value{dict("a", dict("b", int64(2))), dict("a", dict("b", int64(1)))}), []Value{"a.b"}, []KwArg{}, "[(1, [{'a': {'b': 1}}]), (2, [{'a': {'b': 2}}])]"},
}

func TestListFilters(t *testing.T) { runFilterCases(t, listFilterCases) }

// A group of groupby is the tuple (grouper, list) with those attributes.
func TestGroupbyGroups(t *testing.T) {
	s := testState()
	users := NewList([]Value{dict("c", "NY", "n", int64(1)), dict("c", "CA", "n", int64(2)), dict("c", "ny", "n", int64(3))})
	got, err := filterGroupby(s, users, Args{Pos: []Value{"c"}})
	if err != nil {
		t.Fatal(err)
	}
	groups := got.(*List).Items
	g := groups[1].(*Group)
	if v, _ := g.Attr("grouper"); v != "NY" {
		t.Errorf("grouper = %v, want NY", v)
	}
	if v, _ := g.Attr("list"); Repr(v) != "[{'c': 'NY', 'n': 1}, {'c': 'ny', 'n': 3}]" {
		t.Errorf("list = %s", Repr(v))
	}
	if tup, ok := AsTuple(g); !ok || len(tup.Items) != 2 || tup.Items[0] != "NY" {
		t.Errorf("AsTuple = %v, %v", tup, ok)
	}
	if n, err := filterLength(s, g, Args{}); err != nil || n != int64(2) {
		t.Errorf("length = %v, %v", n, err)
	}
	if first, err := filterFirst(s, g, Args{}); err != nil || first != "NY" {
		t.Errorf("first = %v, %v", first, err)
	}
	if TypeName(g) != "tuple" {
		t.Errorf("type = %s", TypeName(g))
	}
	// Jinja2: {{ users|groupby("c")|tojson }}
	j, err := filterTojson(s, got, Args{})
	if err != nil || j != `[["CA", [{"c": "CA", "n": 2}]], ["NY", [{"c": "NY", "n": 1}, {"c": "ny", "n": 3}]]]` {
		t.Errorf("tojson = %v, %v", j, err)
	}
}

// random picks one of the items (not deterministically, as in Jinja2).
func TestRandomFilter(t *testing.T) {
	s := testState()
	items := NewList([]Value{int64(1), int64(2), int64(3)})
	for range 20 {
		got, err := filterRandom(s, items, Args{})
		if err != nil || !Equal(got, int64(1)) && !Equal(got, int64(2)) && !Equal(got, int64(3)) {
			t.Fatalf("random = %v, %v", got, err)
		}
	}
	if got, err := filterRandom(s, NewList(nil), Args{}); err != nil || TypeName(got) != "StrictUndefined" {
		t.Errorf("random([]) = %v, %v; want undefined", got, err)
	}
	if got, err := filterRandom(s, "é", Args{}); err != nil || got != "é" {
		t.Errorf("random('é') = %v, %v", got, err)
	}
}

// map, select and reject name filters and tests at run time; an unknown
// name is ErrUnknownFilter.
func TestMapSelectUnknownNames(t *testing.T) {
	s := testState()
	items := NewList([]Value{int64(1)})
	if _, err := filterMap(s, items, Args{Pos: []Value{"nope"}}); !errors.Is(err, ErrUnknownFilter) || err.Error() != "No filter named 'nope'." {
		t.Errorf("map: %v", err)
	}
	if _, err := selectFilter(true, false)(s, items, Args{Pos: []Value{"nope"}}); !errors.Is(err, ErrUnknownFilter) || err.Error() != "No test named 'nope'." {
		t.Errorf("select: %v", err)
	}
}
