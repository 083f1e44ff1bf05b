package jinja

import (
	"fmt"
	"math"
	"strings"
)

// CompareOp applies "==", "!=", "<", "<=", ">", ">=", "in", "not in".
func CompareOp(op string, a, b Value) (bool, error) {
	// Contains checks an undefined item itself.
	if u, ok := a.(Undefined); ok && op != "in" && op != "not in" {
		return false, u.Error()
	}
	if u, ok := b.(Undefined); ok {
		return false, u.Error()
	}
	switch op {
	case "==":
		return equalChecked(a, b)
	case "!=":
		eq, err := equalChecked(a, b)
		return !eq, err
	case "<", "<=", ">", ">=":
		return order(op, a, b)
	case "in":
		return Contains(b, a)
	case "not in":
		in, err := Contains(b, a)
		return !in, err
	}
	return false, fmt.Errorf("unknown comparison operator %q", op)
}

// equalChecked is equalExact, failing as Python does when it compares an
// undefined value inside lists, tuples or dicts: items are compared in
// order until two differ, after the lengths.
func equalChecked(a, b Value) (bool, error) {
	a, b = asTuple(a), asTuple(b)
	if u, ok := a.(Undefined); ok {
		return false, u.Error()
	}
	if u, ok := b.(Undefined); ok {
		return false, u.Error()
	}
	switch x := a.(type) {
	case *List:
		y, ok := b.(*List)
		if !ok || x.View != "" || y.View != "" || x.Tuple != y.Tuple || len(x.Items) != len(y.Items) {
			break
		}
		for i := range x.Items {
			if eq, err := equalChecked(x.Items[i], y.Items[i]); err != nil || !eq {
				return false, err
			}
		}
		return true, nil
	case *Dict:
		y, ok := b.(*Dict)
		if !ok || x.Len() != y.Len() {
			break
		}
		for i, k := range x.keys {
			yv, ok := y.Get(k)
			if !ok {
				return false, nil
			}
			if eq, err := equalChecked(x.vals[i], yv); err != nil || !eq {
				return false, err
			}
		}
		return true, nil
	}
	return equalExact(a, b), nil
}

// equalExact is Equal, comparing an int with a float exactly as Python
// does (9223372036854775807 != 9.223372036854775807e18).
func equalExact(a, b Value) bool {
	switch x := a.(type) {
	case int64:
		if y, ok := b.(float64); ok {
			return !math.IsNaN(y) && cmpIntFloat(x, y) == 0
		}
	case float64:
		if y, ok := b.(int64); ok {
			return !math.IsNaN(x) && cmpIntFloat(y, x) == 0
		}
	}
	return Equal(a, b)
}

// Less is Python's a < b, for sorting (error for unorderable types, e.g. str < int).
func Less(a, b Value) (bool, error) {
	if u, ok := a.(Undefined); ok {
		return false, u.Error()
	}
	if u, ok := b.(Undefined); ok {
		return false, u.Error()
	}
	return order("<", a, b)
}

// cmpResult turns a three-way comparison into the answer for op.
func cmpResult(op string, c int) bool {
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

// order applies an ordering operator.
func order(op string, a, b Value) (bool, error) {
	a, b = asTuple(a), asTuple(b)
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmpResult(op, cmpInt(x, y)), nil
		}
	case string:
		if y, ok := b.(string); ok {
			// UTF-8 byte order is code point order.
			return cmpResult(op, strings.Compare(x, y)), nil
		}
	case *List:
		if y, ok := b.(*List); ok && x.View == "" && y.View == "" && x.Tuple == y.Tuple {
			return orderSeq(op, x.Items, y.Items)
		}
	}
	xf, xi, xInt, ok1 := asNumber(a)
	yf, yi, yInt, ok2 := asNumber(b)
	if !ok1 || !ok2 {
		return false, fmt.Errorf("'%s' not supported between instances of '%s' and '%s'", op, TypeName(a), TypeName(b))
	}
	switch {
	case xInt && yInt:
		return cmpResult(op, cmpInt(xi, yi)), nil
	case xInt:
		if math.IsNaN(yf) {
			return false, nil
		}
		return cmpResult(op, cmpIntFloat(xi, yf)), nil
	case yInt:
		if math.IsNaN(xf) {
			return false, nil
		}
		return cmpResult(op, -cmpIntFloat(yi, xf)), nil
	}
	switch op {
	case "<":
		return xf < yf, nil
	case "<=":
		return xf <= yf, nil
	case ">":
		return xf > yf, nil
	}
	return xf >= yf, nil
}

// orderSeq compares sequences lexicographically, as Python does: the first
// unequal items decide, else the lengths.
func orderSeq(op string, x, y []Value) (bool, error) {
	for i := 0; i < len(x) && i < len(y); i++ {
		if u, ok := x[i].(Undefined); ok {
			return false, u.Error()
		}
		if u, ok := y[i].(Undefined); ok {
			return false, u.Error()
		}
		if !Equal(x[i], y[i]) {
			return order(op, x[i], y[i])
		}
	}
	return cmpResult(op, cmpInt(int64(len(x)), int64(len(y)))), nil
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// cmpIntFloat compares an int with a (non-NaN) float exactly.
func cmpIntFloat(i int64, f float64) int {
	switch {
	case f >= 9223372036854775808.0:
		return -1
	case f < -9223372036854775808.0:
		return 1
	}
	t := math.Trunc(f)
	ti := int64(t)
	if c := cmpInt(i, ti); c != 0 {
		return c
	}
	switch {
	case f > t:
		return -1
	case f < t:
		return 1
	}
	return 0
}

// Contains is Python's item in container: a substring of a str, an item
// of a list or tuple, a key of a dict.
func Contains(container, item Value) (bool, error) {
	if u, ok := container.(Undefined); ok {
		return false, u.Error()
	}
	if u, ok := item.(Undefined); ok {
		// Python compares the item with each element (an undefined
		// value fails to compare), so an empty list or tuple holds no
		// undefined value without an error.
		if l, ok := asTuple(container).(*List); ok && len(l.Items) == 0 && l.View == "" {
			return false, nil
		}
		return false, u.Error()
	}
	switch c := asTuple(container).(type) {
	case string:
		s, ok := item.(string)
		if !ok {
			return false, fmt.Errorf("'in <string>' requires string as left operand, not %s", TypeName(item))
		}
		return strings.Contains(c, s), nil
	case *List:
		for _, it := range c.Items {
			if eq, err := equalChecked(it, item); err != nil || eq {
				return eq, err
			}
		}
		return false, nil
	case *Dict:
		if _, err := hashKey(item); err != nil {
			return false, err
		}
		_, ok := c.Get(item)
		return ok, nil
	}
	return false, fmt.Errorf("argument of type '%s' is not iterable", TypeName(container))
}
