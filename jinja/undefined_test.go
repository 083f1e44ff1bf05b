package jinja

import (
	"errors"
	"testing"
)

// Jinja2 with StrictUndefined: an undefined input fails every filter but
// default, d, items and pprint (whose repr is "Undefined"), and the tests
// below hold or fail as they do there.
func TestFiltersOnUndefined(t *testing.T) {
	u := Undefined{Hint: "'x' is undefined"}
	args := map[string][]Value{
		"attr": {"x"}, "batch": {int64(2)}, "slice": {int64(2)}, "groupby": {"a"},
		"replace": {"a", "b"}, "map": {"upper"},
	}
	for name, f := range builtinFilters() {
		got, err := f(testState(), u, Args{Pos: args[name]})
		switch name {
		case "default", "d":
			if err != nil || got != "" {
				t.Errorf("%s(undefined) = %v, %v; want ''", name, got, err)
			}
		case "items":
			if l, ok := got.(*List); err != nil || !ok || l.Len() != 0 {
				t.Errorf("items(undefined) = %v, %v; want []", got, err)
			}
		case "pprint":
			if err != nil || got != "Undefined" {
				t.Errorf("pprint(undefined) = %v, %v; want 'Undefined'", got, err)
			}
		default:
			if !errors.Is(err, ErrUndefined) {
				t.Errorf("%s(undefined) = %v, %v; want the undefined error", name, got, err)
			}
		}
	}
}

func TestTestsOnUndefined(t *testing.T) {
	u := Undefined{Hint: "'x' is undefined"}
	// From Jinja2 3.1: these tests do not fail on an undefined value.
	want := map[string]bool{
		"boolean": false, "callable": true, "defined": false, "escaped": false,
		"false": false, "float": false, "integer": false, "mapping": false,
		"none": false, "number": false, "sameas": false, "sequence": false,
		"string": false, "true": false, "undefined": true,
	}
	args := map[string][]Value{"divisibleby": {int64(2)}, "sameas": {int64(1)}, "in": {NewList([]Value{int64(1)})}}
	for name, f := range builtinTests() {
		a := args[name]
		switch name {
		case "==", "!=", "<", ">", "<=", ">=", "eq", "ne", "lt", "gt", "le", "ge", "equalto", "greaterthan", "lessthan":
			a = []Value{int64(1)}
		}
		got, err := f(testState(), u, Args{Pos: a})
		if w, ok := want[name]; ok {
			if err != nil || got != w {
				t.Errorf("undefined is %s = %v, %v; want %v", name, got, err, w)
			}
		} else if !errors.Is(err, ErrUndefined) {
			t.Errorf("undefined is %s = %v, %v; want the undefined error", name, got, err)
		}
	}
}
