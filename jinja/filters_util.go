package jinja

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// strict wraps a filter so that an undefined input is the undefined
// error, as with Jinja2's StrictUndefined.
func strict(f FilterFunc) FilterFunc {
	return func(s *State, v Value, a Args) (Value, error) {
		if u, ok := v.(Undefined); ok {
			return nil, u.Error()
		}
		return f(s, v, a)
	}
}

// argInt converts an integer parameter as Python's __index__ does: int and
// bool are accepted, anything else is a TypeError.
func argInt(v Value) (int, error) {
	switch x := v.(type) {
	case int64:
		if x > int64(maxInt) || x < -int64(maxInt) {
			return 0, fmt.Errorf("python int too large to convert to C ssize_t")
		}
		return int(x), nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case Undefined:
		return 0, x.Error()
	}
	return 0, fmt.Errorf("'%s' object cannot be interpreted as an integer", TypeName(v))
}

const maxInt = int(^uint(0) >> 1)

// argIntOr converts an optional integer parameter.
func argIntOr(v Value, def int) (int, error) {
	if IsMissing(v) {
		return def, nil
	}
	return argInt(v)
}

// argBool is Python's bool() of an optional parameter.
func argBool(v Value, def bool) (bool, error) {
	if IsMissing(v) {
		return def, nil
	}
	return Truth(v)
}

// argStr requires a str parameter.
func argStr(fn string, v Value) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case Undefined:
		return "", x.Error()
	}
	return "", fmt.Errorf("%s() argument must be str, not %s", fn, TypeName(v))
}

// runeLen is len() of a Python string.
func runeLen(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return utf8.RuneCountInString(s)
		}
	}
	return len(s)
}

// runePrefix returns the first n characters of s (all of s when shorter).
func runePrefix(s string, n int) string {
	if n <= 0 {
		return ""
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// attrPath is an attribute path of make_attrgetter: dotted parts, the
// digit-only ones looked up as integers.
type attrPath []Value

// parseAttr splits an attribute argument ("a.b.0") into its parts; an
// integer argument is one part; None is the empty path.
func parseAttr(v Value) (attrPath, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		parts := strings.Split(x, ".")
		out := make(attrPath, len(parts))
		for i, p := range parts {
			out[i] = p
			if isDigits(p) {
				if n, err := strconv.ParseInt(p, 10, 64); err == nil {
					out[i] = n
				}
			}
		}
		return out, nil
	case Undefined:
		return nil, x.Error()
	}
	return attrPath{v}, nil
}

// get looks the path up in item, as environment.getitem does for each part;
// an undefined result is replaced by def when def is not None.
func (p attrPath) get(s *State, item Value, def Value) (Value, error) {
	for _, part := range p {
		v, err := GetItem(s, item, part)
		if err != nil {
			return nil, err
		}
		if _, ok := v.(Undefined); ok && def != nil {
			v = def
		}
		item = v
	}
	return item, nil
}

// ignoreCase lowers strings (Jinja2's ignore_case postprocessor).
func ignoreCase(v Value) Value {
	if x, ok := v.(string); ok {
		return pyLower(x)
	}
	return v
}

// kwGet returns the keyword argument name.
func kwGet(a Args, name string) (Value, bool) {
	for _, kw := range a.Kw {
		if kw.Name == name {
			return kw.Value, true
		}
	}
	return nil, false
}

// AsTuple returns v as a tuple when it is one: a *List tuple or a groupby
// [Group]. The runtime's unpacking, iteration, indexing and len() use it so
// that a group behaves as the 2-tuple it is in Jinja2.
func AsTuple(v Value) (*List, bool) {
	switch x := v.(type) {
	case *List:
		return x, x.Tuple
	case *Group:
		return x.Tuple(), true
	}
	return nil, false
}

// iterItems is Iterate, also over a groupby group.
func iterItems(s *State, v Value) ([]Value, error) {
	if str, ok := v.(string); ok {
		// A string becomes one item per character.
		if err := s.CheckItems("iterating over a string", runeLen(str)); err != nil {
			return nil, err
		}
	}
	if g, ok := v.(*Group); ok {
		return g.Tuple().Items, nil
	}
	return Iterate(v)
}
