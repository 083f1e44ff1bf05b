package jinja

import "fmt"

// missing is the value of a parameter that was not given.
type missing struct{}

// Missing is what Bind returns for an optional parameter that was not given.
var Missing Value = missing{}

// IsMissing reports whether v is Missing.
func IsMissing(v Value) bool { _, ok := v.(missing); return ok }

// Or returns v, or def when v is Missing.
func Or(v, def Value) Value {
	if IsMissing(v) {
		return def
	}
	return v
}

// Bind assigns a's arguments to the parameters names of fn, as Python binds
// a call of def fn(names...): positional arguments first, then keywords; a
// parameter given twice, a keyword that names no parameter and a surplus
// positional argument are errors, and so is a missing one among the first
// required parameters. Optional parameters not given are Missing.
func (a Args) Bind(fn string, required int, names ...string) ([]Value, error) {
	if len(a.Pos) > len(names) {
		return nil, fmt.Errorf("%s() takes at most %d arguments (%d given)", fn, len(names), len(a.Pos))
	}
	out := make([]Value, len(names))
	copy(out, a.Pos)
	for i := len(a.Pos); i < len(out); i++ {
		out[i] = Missing
	}
	for _, kw := range a.Kw {
		i := indexOf(names, kw.Name)
		switch {
		case i < 0:
			return nil, fmt.Errorf("%s() got an unexpected keyword argument '%s'", fn, kw.Name)
		case i < len(a.Pos) || !IsMissing(out[i]):
			return nil, fmt.Errorf("%s() got multiple values for argument '%s'", fn, kw.Name)
		}
		out[i] = kw.Value
	}
	for i := 0; i < required && i < len(out); i++ {
		if IsMissing(out[i]) {
			return nil, fmt.Errorf("%s() missing required argument '%s'", fn, names[i])
		}
	}
	return out, nil
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}
