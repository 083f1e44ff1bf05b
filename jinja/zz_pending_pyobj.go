package jinja

// TEMPORARY: minimal stand-ins for the Python object semantics (binary and
// unary operators, comparisons, attribute and item access, iteration,
// conversion of host values), replaced by the full implementation at merge.

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// BinaryOp applies a binary operator.
func BinaryOp(s *State, op string, a, b Value) (Value, error) {
	if u, ok := a.(Undefined); ok {
		return nil, u.Error()
	}
	if u, ok := b.(Undefined); ok {
		return nil, u.Error()
	}
	if op == "~" {
		x, err := Str(a)
		if err != nil {
			return nil, err
		}
		y, err := Str(b)
		if err != nil {
			return nil, err
		}
		if err := s.CheckBytes("~", len(x)+len(y)); err != nil {
			return nil, err
		}
		return x + y, nil
	}
	switch x := a.(type) {
	case string:
		switch op {
		case "+":
			if y, ok := b.(string); ok {
				if err := s.CheckBytes("+", len(x)+len(y)); err != nil {
					return nil, err
				}
				return x + y, nil
			}
		case "*":
			if n, ok := b.(int64); ok {
				if n < 0 {
					n = 0
				}
				if n > 0 && int64(len(x)) > int64(s.limits.MaxValueBytes)/n {
					return nil, s.CheckBytes("*", -1)
				}
				return strings.Repeat(x, int(n)), nil
			}
		}
	case *List:
		if y, ok := b.(*List); ok && op == "+" {
			items := append(append([]Value(nil), x.Items...), y.Items...)
			return &List{Items: items, Tuple: x.Tuple}, nil
		}
	}
	af, ai, aint, aok := asNumber(a)
	bf, bi, bint, bok := asNumber(b)
	if !aok || !bok {
		return nil, fmt.Errorf("unsupported operand type(s) for %s: '%s' and '%s'", op, TypeName(a), TypeName(b))
	}
	if aint && bint {
		switch op {
		case "+":
			return ai + bi, nil
		case "-":
			return ai - bi, nil
		case "*":
			return ai * bi, nil
		case "//":
			if bi == 0 {
				return nil, errors.New("integer division or modulo by zero")
			}
			q := ai / bi
			if (ai%bi != 0) && ((ai < 0) != (bi < 0)) {
				q--
			}
			return q, nil
		case "%":
			if bi == 0 {
				return nil, errors.New("integer division or modulo by zero")
			}
			m := ai % bi
			if m != 0 && ((m < 0) != (bi < 0)) {
				m += bi
			}
			return m, nil
		case "**":
			if bi >= 0 {
				r := int64(1)
				for i := int64(0); i < bi; i++ {
					r *= ai
				}
				return r, nil
			}
		}
	}
	if aint {
		af = float64(ai)
	}
	if bint {
		bf = float64(bi)
	}
	switch op {
	case "+":
		return af + bf, nil
	case "-":
		return af - bf, nil
	case "*":
		return af * bf, nil
	case "/":
		if bf == 0 {
			return nil, errors.New("division by zero")
		}
		return af / bf, nil
	case "//":
		if bf == 0 {
			return nil, errors.New("float floor division by zero")
		}
		return math.Floor(af / bf), nil
	case "%":
		if bf == 0 {
			return nil, errors.New("float modulo")
		}
		return af - math.Floor(af/bf)*bf, nil
	case "**":
		return math.Pow(af, bf), nil
	}
	return nil, fmt.Errorf("unsupported operator %s", op)
}

// UnaryOp applies a unary operator.
func UnaryOp(op string, v Value) (Value, error) {
	if op == "not" {
		t, err := Truth(v)
		return !t, err
	}
	if u, ok := v.(Undefined); ok {
		return nil, u.Error()
	}
	switch x := v.(type) {
	case int64:
		if op == "-" {
			return -x, nil
		}
		return x, nil
	case float64:
		if op == "-" {
			return -x, nil
		}
		return x, nil
	case bool:
		n := int64(0)
		if x {
			n = 1
		}
		if op == "-" {
			return -n, nil
		}
		return n, nil
	}
	return nil, fmt.Errorf("bad operand type for unary %s: '%s'", op, TypeName(v))
}

// CompareOp applies a comparison operator.
func CompareOp(op string, a, b Value) (bool, error) {
	switch op {
	case "==":
		return Equal(a, b), nil
	case "!=":
		return !Equal(a, b), nil
	case "in", "not in":
		in := false
		switch y := b.(type) {
		case string:
			x, ok := a.(string)
			if !ok {
				return false, fmt.Errorf("'in <string>' requires string as left operand, not %s", TypeName(a))
			}
			in = strings.Contains(y, x)
		case *Dict:
			_, in = y.Get(a)
		case *List:
			for _, it := range y.Items {
				if Equal(a, it) {
					in = true
					break
				}
			}
		default:
			if u, ok := b.(Undefined); ok {
				return false, u.Error()
			}
			return false, fmt.Errorf("argument of type '%s' is not iterable", TypeName(b))
		}
		return in == (op == "in"), nil
	}
	if u, ok := a.(Undefined); ok {
		return false, u.Error()
	}
	if u, ok := b.(Undefined); ok {
		return false, u.Error()
	}
	c := 0
	if xs, ok := a.(string); ok {
		ys, ok := b.(string)
		if !ok {
			return false, fmt.Errorf("'%s' not supported between instances of '%s' and '%s'", op, TypeName(a), TypeName(b))
		}
		c = strings.Compare(xs, ys)
	} else {
		af, ai, aint, aok := asNumber(a)
		bf, bi, bint, bok := asNumber(b)
		if !aok || !bok {
			return false, fmt.Errorf("'%s' not supported between instances of '%s' and '%s'", op, TypeName(a), TypeName(b))
		}
		if aint {
			af = float64(ai)
		}
		if bint {
			bf = float64(bi)
		}
		switch {
		case af < bf:
			c = -1
		case af > bf:
			c = 1
		}
	}
	switch op {
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	case ">=":
		return c >= 0, nil
	}
	return false, fmt.Errorf("unknown comparison %s", op)
}

// GetAttr returns obj.name.
func GetAttr(s *State, obj Value, name string) (Value, error) {
	switch x := obj.(type) {
	case Undefined:
		return nil, x.Error()
	case *Dict:
		if v, ok := x.GetStr(name); ok {
			return v, nil
		}
		if name == "items" {
			return &Func{Name: "items", Call: func(s *State, a Args) (Value, error) {
				out := make([]Value, x.Len())
				for i := range out {
					out[i] = NewTuple(x.Key(i), x.Val(i))
				}
				return &List{Items: out, View: "dict_items"}, nil
			}}, nil
		}
	case *Namespace:
		if v, ok := x.Attrs.GetStr(name); ok {
			return v, nil
		}
	case Object:
		if v, ok := x.Attr(name); ok {
			return v, nil
		}
	case *Func:
		if name == "name" {
			return x.Name, nil
		}
	case string:
		switch name {
		case "upper":
			return &Func{Name: "upper", Call: func(*State, Args) (Value, error) { return strings.ToUpper(x), nil }}, nil
		}
	}
	return Undefined{Hint: fmt.Sprintf("'%s' has no attribute '%s'", objName(obj), name)}, nil
}

func objName(v Value) string {
	switch v.(type) {
	case *Dict:
		return "dict object"
	case *List:
		return TypeName(v) + " object"
	}
	return TypeName(v) + " object"
}

// GetItem returns obj[key].
func GetItem(s *State, obj Value, key Value) (Value, error) {
	switch x := obj.(type) {
	case Undefined:
		return nil, x.Error()
	case *Dict:
		if v, ok := x.Get(key); ok {
			return v, nil
		}
		return Undefined{Hint: fmt.Sprintf("'dict object' has no attribute %s", Repr(key))}, nil
	case *List:
		if i, ok := key.(int64); ok {
			if i < 0 {
				i += int64(len(x.Items))
			}
			if i >= 0 && i < int64(len(x.Items)) {
				return x.Items[i], nil
			}
			return Undefined{Hint: fmt.Sprintf("%s object has no element %d", TypeName(x), key)}, nil
		}
	case string:
		if k, ok := key.(string); ok {
			return GetAttr(s, obj, k)
		}
	}
	if k, ok := key.(string); ok {
		return GetAttr(s, obj, k)
	}
	return Undefined{Hint: fmt.Sprintf("'%s object' has no attribute %s", TypeName(obj), Repr(key))}, nil
}

// SliceOf returns obj[start:stop:step] (only lists and strings, step 1).
func SliceOf(s *State, obj, start, stop, step Value) (Value, error) {
	n, err := Length(obj)
	if err != nil {
		return nil, err
	}
	lo, hi := 0, n
	if i, ok := start.(int64); ok {
		lo = clampIdx(int(i), n)
	}
	if i, ok := stop.(int64); ok {
		hi = clampIdx(int(i), n)
	}
	if hi < lo {
		hi = lo
	}
	switch x := obj.(type) {
	case *List:
		return &List{Items: append([]Value(nil), x.Items[lo:hi]...), Tuple: x.Tuple}, nil
	case string:
		r := []rune(x)
		return string(r[lo:hi]), nil
	}
	return nil, fmt.Errorf("'%s' object is not subscriptable", TypeName(obj))
}

func clampIdx(i, n int) int {
	if i < 0 {
		i += n
	}
	return max(0, min(i, n))
}

// Iterate returns the items of an iterable value.
func Iterate(v Value) ([]Value, error) {
	switch x := v.(type) {
	case *List:
		return x.Items, nil
	case *Dict:
		return x.Keys(), nil
	case string:
		out := make([]Value, 0, len(x))
		for _, r := range x {
			out = append(out, string(r))
		}
		return out, nil
	case Undefined:
		return nil, x.Error()
	}
	return nil, fmt.Errorf("'%s' object is not iterable", TypeName(v))
}

// Length returns len(v).
func Length(v Value) (int, error) {
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

// FromGo converts a host value.
func FromGo(v any) (Value, error) {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, *List, *Dict, *Func, *Namespace, Undefined:
		return x, nil
	case int:
		return int64(x), nil
	case []any:
		out := make([]Value, len(x))
		for i, it := range x {
			c, err := FromGo(it)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return NewList(out), nil
	case []string:
		out := make([]Value, len(x))
		for i, it := range x {
			out[i] = it
		}
		return NewList(out), nil
	case map[string]any:
		d := NewDict(len(x))
		for k, it := range x {
			c, err := FromGo(it)
			if err != nil {
				return nil, err
			}
			d.SetStr(k, c)
		}
		return d, nil
	case Object:
		return x, nil
	}
	return nil, fmt.Errorf("unsupported host value of type %T", v)
}
