package jinja

import (
	"fmt"
)

// boundMethod returns the *Func of a bound method.
func boundMethod(name string, call func(s *State, a Args) (Value, error)) *Func {
	return &Func{Name: name, Call: call}
}

// intArg converts an argument that Python wants as an index or count.
func intArg(v Value) (int64, error) {
	if u, ok := v.(Undefined); ok {
		return 0, u.Error()
	}
	if n, ok := seqCount(v); ok {
		return n, nil
	}
	return 0, fmt.Errorf("'%s' object cannot be interpreted as an integer", TypeName(v))
}

// optIntArg is an optional int argument where None means absent.
func optIntArg(v Value, def int64) (int64, error) {
	if IsMissing(v) || v == nil {
		return def, nil
	}
	return intArg(v)
}

// intArgOr is an optional int argument that must be an int when given.
func intArgOr(v Value, def int64) (int64, error) {
	if IsMissing(v) {
		return def, nil
	}
	return intArg(v)
}

// noArgs checks that a method taking no argument got none.
func noArgs(name string, a Args) error {
	if len(a.Pos) > 0 || len(a.Kw) > 0 {
		return fmt.Errorf("%s() takes no arguments (%d given)", name, len(a.Pos)+len(a.Kw))
	}
	return nil
}
