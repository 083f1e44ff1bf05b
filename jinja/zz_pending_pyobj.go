package jinja

// TEMPORARY: minimal stand-ins for the Python object operations of ops.go,
// only as much as the builtin filters need. This file is removed when the
// real operations are merged.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// BinaryOp applies a binary operator (only "+" here).
func BinaryOp(s *State, op string, a, b Value) (Value, error) {
	if u, ok := a.(Undefined); ok {
		return nil, u.Error()
	}
	if u, ok := b.(Undefined); ok {
		return nil, u.Error()
	}
	if op != "+" {
		return nil, fmt.Errorf("operator %s not supported", op)
	}
	if af, ai, aInt, ok := asNumber(a); ok {
		if bf, bi, bInt, ok := asNumber(b); ok {
			if aInt && bInt {
				return ai + bi, nil
			}
			if aInt {
				af = float64(ai)
			}
			if bInt {
				bf = float64(bi)
			}
			return af + bf, nil
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			if err := s.CheckBytes("+", len(x)+len(y)); err != nil {
				return nil, err
			}
			return x + y, nil
		}
	case *List:
		if y, ok := b.(*List); ok && x.Tuple == y.Tuple {
			if err := s.CheckItems("+", len(x.Items)+len(y.Items)); err != nil {
				return nil, err
			}
			out := make([]Value, 0, len(x.Items)+len(y.Items))
			out = append(append(out, x.Items...), y.Items...)
			return &List{Items: out, Tuple: x.Tuple}, nil
		}
	}
	return nil, fmt.Errorf("unsupported operand type(s) for +: '%s' and '%s'", TypeName(a), TypeName(b))
}

// CompareOp compares with ==, !=, <, <=, >, >=.
func CompareOp(op string, a, b Value) (bool, error) {
	switch op {
	case "==", "eq":
		return Equal(a, b), nil
	case "!=", "ne":
		return !Equal(a, b), nil
	case "<", "lt":
		return Less(a, b)
	case ">", "gt":
		return Less(b, a)
	case "<=", "le":
		lt, err := Less(a, b)
		return lt || (err == nil && Equal(a, b)), err
	case ">=", "ge":
		lt, err := Less(b, a)
		return lt || (err == nil && Equal(a, b)), err
	}
	return false, fmt.Errorf("unknown comparison %s", op)
}

// Less is Python's a < b.
func Less(a, b Value) (bool, error) {
	if u, ok := a.(Undefined); ok {
		return false, u.Error()
	}
	if u, ok := b.(Undefined); ok {
		return false, u.Error()
	}
	if af, ai, aInt, ok := asNumber(a); ok {
		if bf, bi, bInt, ok := asNumber(b); ok {
			if aInt && bInt {
				return ai < bi, nil
			}
			if aInt {
				af = float64(ai)
			}
			if bInt {
				bf = float64(bi)
			}
			return af < bf, nil
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return x < y, nil
		}
	case *List:
		if y, ok := b.(*List); ok && x.Tuple == y.Tuple {
			for i := 0; i < len(x.Items) && i < len(y.Items); i++ {
				if Equal(x.Items[i], y.Items[i]) {
					continue
				}
				return Less(x.Items[i], y.Items[i])
			}
			return len(x.Items) < len(y.Items), nil
		}
	}
	return false, fmt.Errorf("'<' not supported between instances of '%s' and '%s'", TypeName(a), TypeName(b))
}

// GetAttr is obj.name, falling back to obj["name"].
func GetAttr(s *State, obj Value, name string) (Value, error) {
	switch x := obj.(type) {
	case Undefined:
		return nil, x.Error()
	case *Dict:
		if v, ok := x.GetStr(name); ok {
			return v, nil
		}
	case *Namespace:
		if v, ok := x.Attrs.GetStr(name); ok {
			return v, nil
		}
	case Object:
		if v, ok := x.Attr(name); ok {
			return v, nil
		}
	}
	return Undefined{Hint: fmt.Sprintf("'%s object' has no attribute '%s'", TypeName(obj), name)}, nil
}

// GetItem is obj[key], falling back to obj.key for a string key.
func GetItem(s *State, obj Value, key Value) (Value, error) {
	if g, ok := obj.(interface{ Tuple() *List }); ok {
		if _, isStr := key.(string); !isStr {
			obj = g.Tuple()
		}
	}
	switch x := obj.(type) {
	case Undefined:
		return nil, x.Error()
	case *Dict:
		if v, ok := x.Get(key); ok {
			return v, nil
		}
	case *List:
		if i, ok := key.(int64); ok {
			if i < 0 {
				i += int64(len(x.Items))
			}
			if i >= 0 && i < int64(len(x.Items)) {
				return x.Items[i], nil
			}
		}
	case string:
		if i, ok := key.(int64); ok {
			r := []rune(x)
			if i < 0 {
				i += int64(len(r))
			}
			if i >= 0 && i < int64(len(r)) {
				return string(r[i]), nil
			}
		}
	}
	if k, ok := key.(string); ok {
		return GetAttr(s, obj, k)
	}
	return Undefined{Hint: fmt.Sprintf("'%s object' has no attribute %s", TypeName(obj), Repr(key))}, nil
}

// Iterate returns the items iterating over v yields.
func Iterate(v Value) ([]Value, error) {
	if g, ok := v.(interface{ Tuple() *List }); ok {
		v = g.Tuple()
	}
	switch x := v.(type) {
	case *List:
		return x.Items, nil
	case *Dict:
		return x.Keys(), nil
	case string:
		out := make([]Value, 0, utf8.RuneCountInString(x))
		for _, r := range x {
			out = append(out, string(r))
		}
		return out, nil
	case Undefined:
		return nil, x.Error()
	}
	return nil, fmt.Errorf("'%s' object is not iterable", TypeName(v))
}

// Length is Python's len(v).
func Length(v Value) (int, error) {
	if g, ok := v.(interface{ Tuple() *List }); ok {
		v = g.Tuple()
	}
	switch x := v.(type) {
	case *List:
		return len(x.Items), nil
	case *Dict:
		return x.Len(), nil
	case string:
		return utf8.RuneCountInString(x), nil
	case Undefined:
		return 0, x.Error()
	}
	return 0, fmt.Errorf("object of type '%s' has no len()", TypeName(v))
}

// PercentFormat is Python's format % args (%s, %r, %d, %i, %f, %%).
func PercentFormat(s *State, format string, args Value) (string, error) {
	var items []Value
	var dict *Dict
	switch x := args.(type) {
	case *List:
		if x.Tuple {
			items = x.Items
		} else {
			items = []Value{x}
		}
	case *Dict:
		dict = x
	default:
		items = []Value{args}
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(format) {
			return "", fmt.Errorf("incomplete format")
		}
		var arg Value
		if format[i] == '(' && dict != nil {
			j := strings.IndexByte(format[i:], ')')
			if j < 0 {
				return "", fmt.Errorf("incomplete format key")
			}
			v, ok := dict.GetStr(format[i+1 : i+j])
			if !ok {
				return "", fmt.Errorf("KeyError: %s", format[i+1:i+j])
			}
			arg = v
			i += j + 1
			if i >= len(format) {
				return "", fmt.Errorf("incomplete format")
			}
		} else if format[i] != '%' {
			if n >= len(items) {
				return "", fmt.Errorf("not enough arguments for format string")
			}
			arg = items[n]
			n++
		}
		switch format[i] {
		case '%':
			b.WriteByte('%')
		case 's':
			str, err := Str(arg)
			if err != nil {
				return "", err
			}
			b.WriteString(str)
		case 'r':
			b.WriteString(Repr(arg))
		case 'd', 'i':
			f, iv, isInt, ok := asNumber(arg)
			if !ok {
				return "", fmt.Errorf("%%d format: a real number is required, not %s", TypeName(arg))
			}
			if !isInt {
				iv = int64(f)
			}
			b.WriteString(strconv.FormatInt(iv, 10))
		case 'f':
			f, iv, isInt, ok := asNumber(arg)
			if !ok {
				return "", fmt.Errorf("must be real number, not %s", TypeName(arg))
			}
			if isInt {
				f = float64(iv)
			}
			b.WriteString(strconv.FormatFloat(f, 'f', 6, 64))
		default:
			return "", fmt.Errorf("unsupported format character '%c'", format[i])
		}
	}
	if dict == nil && n < len(items) {
		return "", fmt.Errorf("not all arguments converted during string formatting")
	}
	return b.String(), nil
}
