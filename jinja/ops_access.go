package jinja

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// objectTypeRepr is Jinja2's object_type_repr: how undefined hints name the
// type of an object.
func objectTypeRepr(v Value) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case *Namespace:
		return "jinja2.utils.Namespace object"
	case *Func:
		if x.Macro != nil {
			return "jinja2.runtime.Macro object"
		}
		return "function object"
	}
	return TypeName(v) + " object"
}

// noAttr is the undefined value of a missing attribute.
func noAttr(obj Value, name string) Undefined {
	return Undefined{Hint: Repr(objectTypeRepr(obj)) + " has no attribute " + Repr(name)}
}

// noElement is the undefined value of a missing item (a key that is not a
// string).
func noElement(obj Value, key Value) Undefined {
	return Undefined{Hint: objectTypeRepr(obj) + " has no element " + Repr(key)}
}

// GetAttr is Jinja2's getattr(obj, name): for a dict, a method of dict when
// one has that name, else the item; for str, list and tuple their bound
// methods; for a *Namespace its attribute; for an Object its Attr;
// otherwise Undefined with Jinja2's hint. An undefined obj is an error.
func GetAttr(s *State, obj Value, name string) (Value, error) {
	switch x := obj.(type) {
	case Undefined:
		return nil, x.Error()
	case *Dict:
		if m := dictMethod(x, name); m != nil {
			return m, nil
		}
		if v, ok := x.GetStr(name); ok {
			return v, nil
		}
	case string:
		if m := strMethod(x, name); m != nil {
			return m, nil
		}
	case *List:
		if x.View == "" {
			if m := listMethod(x, name); m != nil {
				return m, nil
			}
		}
	case *Namespace:
		if x.Attrs != nil {
			if v, ok := x.Attrs.GetStr(name); ok {
				return v, nil
			}
		}
	case *Func:
		if v, ok := macroAttr(x, name); ok {
			return v, nil
		}
	case *Group:
		if v, ok := x.Attr(name); ok {
			return v, nil
		}
		// The tuple's methods (count, index).
		return GetAttr(s, x.Tuple(), name)
	case Object:
		if v, ok := x.Attr(name); ok {
			return v, nil
		}
	}
	return noAttr(obj, name), nil
}

// asTuple returns a group of groupby as the tuple it is, other values as
// they are.
func asTuple(v Value) Value {
	if g, ok := v.(*Group); ok {
		return g.Tuple()
	}
	return v
}

// macroAttr returns the attributes Jinja2 exposes on macros.
func macroAttr(f *Func, name string) (Value, bool) {
	m := f.Macro
	if m == nil {
		return nil, false
	}
	switch name {
	case "name":
		return f.Name, true
	case "arguments":
		items := make([]Value, len(m.Arguments))
		for i, a := range m.Arguments {
			items[i] = a
		}
		return NewTuple(items...), true
	case "catch_kwargs":
		return m.CatchKwargs, true
	case "catch_varargs":
		return m.CatchVarargs, true
	case "caller":
		return m.Caller, true
	}
	return nil, false
}

// GetItem is Jinja2's getitem(obj, key), obj[key]: a dict's key, a list's,
// tuple's or str's index (negative counts from the end); a missing key or
// index gives Undefined with Jinja2's hint; for other objects a string key
// falls back to GetAttr.
func GetItem(s *State, obj Value, key Value) (Value, error) {
	if u, ok := obj.(Undefined); ok {
		return nil, u.Error()
	}
	if u, ok := key.(Undefined); ok {
		return nil, u.Error()
	}
	if g, ok := obj.(*Group); ok {
		if k, ok := key.(string); ok {
			return GetAttr(s, g, k)
		}
		obj = g.Tuple()
	}
	switch x := obj.(type) {
	case *Dict:
		if k, ok := key.(string); ok {
			if v, ok := x.GetStr(k); ok {
				return v, nil
			}
		} else if v, ok := x.Get(key); ok {
			return v, nil
		}
	case *List:
		if i, ok := seqCount(key); ok && x.View == "" {
			n := int64(len(x.Items))
			if i < 0 {
				i += n
			}
			if i >= 0 && i < n {
				return x.Items[i], nil
			}
		}
	case string:
		if i, ok := seqCount(key); ok {
			if c, ok := strIndex(x, i); ok {
				return c, nil
			}
		}
	}
	if k, ok := key.(string); ok {
		return GetAttr(s, obj, k)
	}
	return noElement(obj, key), nil
}

// strIndex returns the i-th code point of x (negative from the end).
func strIndex(x string, i int64) (string, bool) {
	if i < 0 {
		i += int64(utf8.RuneCountInString(x))
		if i < 0 {
			return "", false
		}
	}
	if isASCII(x) {
		if i < int64(len(x)) {
			return x[i : i+1], true
		}
		return "", false
	}
	var n int64
	for j := 0; j < len(x); n++ {
		_, size := utf8.DecodeRuneInString(x[j:])
		if n == i {
			return x[j : j+size], true
		}
		j += size
	}
	return "", false
}

// isASCII reports whether x holds only ASCII characters, so that byte
// offsets are code point offsets.
func isASCII(x string) bool {
	for i := 0; i < len(x); i++ {
		if x[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// SliceOf is obj[start:stop:step] for a str, list or tuple; nil parts are
// absent. A step of 0 is an error, and so is slicing another type (Python's
// TypeError, which Jinja2 lets through).
func SliceOf(s *State, obj, start, stop, step Value) (Value, error) {
	obj = asTuple(obj)
	for _, v := range [...]Value{obj, start, stop, step} {
		if u, ok := v.(Undefined); ok {
			return nil, u.Error()
		}
	}
	st := int64(1)
	if step != nil {
		var ok bool
		if st, ok = seqCount(step); !ok {
			return nil, errSliceIndex
		}
		if st == 0 {
			return nil, errors.New("slice step cannot be zero")
		}
	}
	switch x := obj.(type) {
	case *List:
		if x.View != "" {
			break
		}
		idx, err := sliceIndices(int64(len(x.Items)), start, stop, st)
		if err != nil {
			return nil, err
		}
		items := make([]Value, 0, len(idx))
		for _, i := range idx {
			items = append(items, x.Items[i])
		}
		return &List{Items: items, Tuple: x.Tuple}, nil
	case string:
		if isASCII(x) {
			if st == 1 {
				lo, hi, err := sliceBounds(int64(len(x)), start, stop)
				if err != nil {
					return nil, err
				}
				return x[lo:hi], nil
			}
			idx, err := sliceIndices(int64(len(x)), start, stop, st)
			if err != nil {
				return nil, err
			}
			b := make([]byte, len(idx))
			for j, i := range idx {
				b[j] = x[i]
			}
			return string(b), nil
		}
		rs := []rune(x)
		idx, err := sliceIndices(int64(len(rs)), start, stop, st)
		if err != nil {
			return nil, err
		}
		out := make([]rune, len(idx))
		for j, i := range idx {
			out[j] = rs[i]
		}
		return string(out), nil
	}
	// Jinja2 compiles a slice to a plain Python subscript: other types
	// raise Python's TypeError.
	if _, ok := obj.(*Dict); ok {
		return nil, errors.New("unhashable type: 'slice'")
	}
	return nil, fmt.Errorf("'%s' object is not subscriptable", TypeName(obj))
}

var errSliceIndex = errors.New("slice indices must be integers or None or have an __index__ method")

// sliceBounds resolves start:stop with step 1 over n items.
func sliceBounds(n int64, start, stop Value) (int, int, error) {
	lo, hi := int64(0), n
	if start != nil {
		v, ok := seqCount(start)
		if !ok {
			return 0, 0, errSliceIndex
		}
		lo = clampIndex(v, n, 0, n)
	}
	if stop != nil {
		v, ok := seqCount(stop)
		if !ok {
			return 0, 0, errSliceIndex
		}
		hi = clampIndex(v, n, 0, n)
	}
	if hi < lo {
		hi = lo
	}
	return int(lo), int(hi), nil
}

func clampIndex(v, n, lo, hi int64) int64 {
	if v < 0 {
		v += n
		if v < lo {
			v = lo
		}
	} else if v > hi {
		v = hi
	}
	return v
}

// sliceIndices lists the indices Python's slice visits over n items.
func sliceIndices(n int64, start, stop Value, step int64) ([]int64, error) {
	var lo, hi int64
	if step > 0 {
		lo, hi = 0, n
	} else {
		lo, hi = n-1, -1
	}
	if start != nil {
		v, ok := seqCount(start)
		if !ok {
			return nil, errSliceIndex
		}
		if step > 0 {
			lo = clampIndex(v, n, 0, n)
		} else {
			lo = clampIndex(v, n, -1, n-1)
		}
	}
	if stop != nil {
		v, ok := seqCount(stop)
		if !ok {
			return nil, errSliceIndex
		}
		if step > 0 {
			hi = clampIndex(v, n, 0, n)
		} else {
			hi = clampIndex(v, n, -1, n-1)
		}
	}
	var idx []int64
	if step > 0 {
		for i := lo; i < hi; i += step {
			idx = append(idx, i)
			if step >= hi-i {
				break
			}
		}
	} else {
		for i := lo; i > hi; i += step {
			idx = append(idx, i)
			if step <= hi-i {
				break
			}
		}
	}
	return idx, nil
}

// Iterate returns the items a for loop visits: a list's or tuple's items,
// a dict's keys, a str's characters. Other values are not iterable. A
// list's items are returned without a copy: the loop sees them as they were
// when it started, even if the body appends to the list (where Python would
// go on with the new items).
func Iterate(v Value) ([]Value, error) {
	switch x := v.(type) {
	case *List:
		return x.Items, nil
	case *Dict:
		return x.Keys(), nil
	case string:
		out := make([]Value, 0, len(x))
		for i := 0; i < len(x); {
			_, size := utf8.DecodeRuneInString(x[i:])
			out = append(out, x[i:i+size])
			i += size
		}
		return out, nil
	case *Group:
		return x.Tuple().Items, nil
	case Undefined:
		return nil, x.Error()
	}
	return nil, fmt.Errorf("'%s' object is not iterable", TypeName(v))
}

// Length is Python's len().
func Length(v Value) (int, error) {
	v = asTuple(v)
	switch x := v.(type) {
	case string:
		return utf8.RuneCountInString(x), nil
	case *List:
		return len(x.Items), nil
	case *Dict:
		return x.Len(), nil
	case Undefined:
		return 0, x.Error()
	}
	return 0, fmt.Errorf("object of type '%s' has no len()", TypeName(v))
}
