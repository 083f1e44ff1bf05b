package jinja

import (
	"unicode/utf8"
)

// reprBound returns an upper bound of the size in bytes of repr(v) (and of
// str(v)), stopping early once it passes limit. Lists that hold the same
// big string many times make a small value with a huge text, so the text's
// size is checked before it is built.
func reprBound(v Value, limit int) int {
	n := 0
	var walk func(v Value, depth int)
	walk = func(v Value, depth int) {
		if n > limit {
			return
		}
		switch x := v.(type) {
		case string:
			n += 2 + len(x)
			for i := 0; i < len(x) && n <= limit; i++ {
				if c := x[i]; c < 0x20 || c == '\\' || c == '\'' || c == 0x7f {
					n += 3
				} else if c >= utf8.RuneSelf {
					n += 9 // at most \U0010ffff for a rune of 2 or more bytes
				}
			}
		case *List:
			n += 2 + len(x.View) + 2
			if depth > 100 {
				n = limit + 1
				return
			}
			for _, it := range x.Items {
				n += 2
				walk(it, depth+1)
				if n > limit {
					return
				}
			}
		case *Dict:
			n += 2
			if depth > 100 {
				n = limit + 1
				return
			}
			for i := range x.keys {
				n += 4
				walk(x.keys[i], depth+1)
				walk(x.vals[i], depth+1)
				if n > limit {
					return
				}
			}
		case *Namespace:
			n += 12
			if x.Attrs != nil {
				walk(x.Attrs, depth+1)
			}
		case *Func:
			n += 16 + len(x.Name)
		default:
			n += 32 // numbers, None, booleans, objects
		}
	}
	walk(v, 0)
	return n
}

// boundedStr is Str(v), checked against the budget first when v is a
// container.
func boundedStr(s *State, what string, v Value) (string, error) {
	switch v.(type) {
	case *List, *Dict, *Namespace:
		if err := s.CheckBytes(what, reprBound(v, s.limits.MaxValueBytes)); err != nil {
			return "", err
		}
	}
	return Str(v)
}

// boundedRepr is Repr(v), checked against the budget first.
func boundedRepr(s *State, what string, v Value) (string, error) {
	if err := s.CheckBytes(what, reprBound(v, s.limits.MaxValueBytes)); err != nil {
		return "", err
	}
	return Repr(v), nil
}
