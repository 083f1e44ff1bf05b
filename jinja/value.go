package jinja

import (
	"fmt"
	"math"
	"slices"
)

// Value is a template value; see the package documentation for the Go type
// of each Python type.
type Value = any

// Undefined is the value of a name or attribute that does not exist. Using
// it for anything but the "defined"/"undefined" tests and the default filter
// is an error (Jinja2's StrictUndefined), whose message is Hint.
type Undefined struct {
	Hint string // e.g. "'node' is undefined", "'dict object' has no attribute 'x'"
}

// Error returns the error raised when u is used.
func (u Undefined) Error() error {
	return &UndefinedError{Msg: u.Hint}
}

// UndefinedError is the error of using an undefined value. It wraps
// [ErrUndefined].
type UndefinedError struct{ Msg string }

func (e *UndefinedError) Error() string { return e.Msg }

// Unwrap returns ErrUndefined.
func (e *UndefinedError) Unwrap() error { return ErrUndefined }

// List is a Python list, or a tuple when Tuple is set. A tuple's items are
// never modified.
type List struct {
	Items []Value
	Tuple bool
	// View, when set, names the dict view the list stands for
	// ("dict_items", "dict_keys", "dict_values"): repr prints it as
	// Python does, e.g. dict_items([('a', 1)]).
	View string
}

// NewList returns a list holding items (not copied).
func NewList(items []Value) *List { return &List{Items: items} }

// NewTuple returns a tuple holding items (not copied).
func NewTuple(items ...Value) *List { return &List{Items: items, Tuple: true} }

// Len returns the number of items.
func (l *List) Len() int { return len(l.Items) }

// Dict is a Python dict: keys keep their insertion order. Keys are
// hashable values (None, bool, int, float, str, tuples of those); equal
// numbers are one key (1, 1.0 and True), as in Python.
//
// A small dict is searched linearly; an index map is built once it grows
// past smallDict (32) entries (most template dicts are small, and a map per dict
// is most of the cost of building one).
type Dict struct {
	keys   []Value
	vals   []Value
	hashes []any       // hashKey of each key, parallel to keys
	index  map[any]int // hash → position, once len > smallDict
}

// smallDict is the size up to which a dict has no index map.
const smallDict = 32

// NewDict returns an empty dict with room for n entries.
func NewDict(n int) *Dict {
	return &Dict{keys: make([]Value, 0, n), vals: make([]Value, 0, n), hashes: make([]any, 0, n)}
}

// hashKey is the Go map key of a dict key.
type tupleKey string
type noneKey struct{}

func hashKey(k Value) (any, error) {
	switch x := k.(type) {
	case string:
		return x, nil
	case int64:
		return x, nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return int64(x), nil
		}
		if x != x { // NaN: never equal to itself; every NaN a distinct key
			return new(byte), nil
		}
		return x, nil
	case nil:
		return noneKey{}, nil
	case *List:
		if !x.Tuple {
			return nil, fmt.Errorf("unhashable type: 'list'")
		}
		s := make([]byte, 0, 16)
		for _, it := range x.Items {
			h, err := hashKey(it)
			if err != nil {
				return nil, err
			}
			s = fmt.Appendf(s, "%T:%v\x00", h, h)
		}
		return tupleKey(s), nil
	}
	return nil, fmt.Errorf("unhashable type: '%s'", TypeName(k))
}

// Len returns the number of entries.
func (d *Dict) Len() int { return len(d.keys) }

// find returns the position of the key whose hash is h, or -1.
func (d *Dict) find(h any) int {
	if d.index != nil {
		if i, ok := d.index[h]; ok {
			return i
		}
		return -1
	}
	for i, x := range d.hashes {
		if x == h {
			return i
		}
	}
	return -1
}

// findStr returns the position of the string key k, or -1.
func (d *Dict) findStr(k string) int {
	if d.index != nil {
		if i, ok := d.index[k]; ok {
			return i
		}
		return -1
	}
	for i, x := range d.hashes {
		if s, ok := x.(string); ok && s == k {
			return i
		}
	}
	return -1
}

// add appends a new entry.
func (d *Dict) add(h any, k, v Value) {
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
	d.hashes = append(d.hashes, h)
	switch {
	case d.index != nil:
		d.index[h] = len(d.keys) - 1
	case len(d.keys) > smallDict:
		d.reindex()
	}
}

// reindex rebuilds the index map from the hashes (nil for a small dict).
func (d *Dict) reindex() {
	if len(d.keys) <= smallDict {
		d.index = nil
		return
	}
	d.index = make(map[any]int, len(d.hashes))
	for i, h := range d.hashes {
		d.index[h] = i
	}
}

// Set sets key k to v, keeping k's position when it exists. It fails for an
// unhashable key.
func (d *Dict) Set(k, v Value) error {
	h, err := hashKey(k)
	if err != nil {
		return err
	}
	if i := d.find(h); i >= 0 {
		d.vals[i] = v
		return nil
	}
	d.add(h, k, v)
	return nil
}

// SetStr sets the string key k to v.
func (d *Dict) SetStr(k string, v Value) {
	if i := d.findStr(k); i >= 0 {
		d.vals[i] = v
		return
	}
	d.add(k, k, v)
}

// appendStr adds the string key k, known not to be in d yet (the fields of a
// struct, the keys of a Go map), without searching for it.
func (d *Dict) appendStr(k string, v Value) { d.add(k, k, v) }

// Get returns the value of key k.
func (d *Dict) Get(k Value) (Value, bool) {
	h, err := hashKey(k)
	if err != nil {
		return nil, false
	}
	if i := d.find(h); i >= 0 {
		return d.vals[i], true
	}
	return nil, false
}

// GetStr returns the value of the string key k.
func (d *Dict) GetStr(k string) (Value, bool) {
	if i := d.findStr(k); i >= 0 {
		return d.vals[i], true
	}
	return nil, false
}

// Delete removes key k and reports whether it was there.
func (d *Dict) Delete(k Value) bool {
	h, err := hashKey(k)
	if err != nil {
		return false
	}
	i := d.find(h)
	if i < 0 {
		return false
	}
	// New arrays: a clone may share the keys' and hashes' arrays.
	d.keys = append(d.keys[:i:i], d.keys[i+1:]...)
	d.vals = append(d.vals[:i:i], d.vals[i+1:]...)
	d.hashes = append(d.hashes[:i:i], d.hashes[i+1:]...)
	d.reindex()
	return true
}

// Key returns the i-th key in insertion order.
func (d *Dict) Key(i int) Value { return d.keys[i] }

// Val returns the i-th value in insertion order.
func (d *Dict) Val(i int) Value { return d.vals[i] }

// Keys returns the keys in insertion order (a copy).
func (d *Dict) Keys() []Value { return append([]Value(nil), d.keys...) }

// Values returns the values in insertion order (a copy).
func (d *Dict) Values() []Value { return append([]Value(nil), d.vals...) }

// Copy returns a shallow copy of d.
func (d *Dict) Copy() *Dict {
	c := &Dict{keys: slices.Clone(d.keys), vals: slices.Clone(d.vals), hashes: slices.Clone(d.hashes)}
	c.reindex()
	return c
}

// Namespace is the object namespace() returns: attributes can be assigned
// with {% set ns.attr = value %}.
type Namespace struct {
	Attrs *Dict
}

// Args are the arguments of a call: positional, then keyword in the order
// written.
type Args struct {
	Pos []Value
	Kw  []KwArg
}

// KwArg is one keyword argument.
type KwArg struct {
	Name  string
	Value Value
}

// Func is a callable value: a macro, a global function, a bound method or
// the loop() of a recursive loop.
type Func struct {
	Name string
	Call func(s *State, a Args) (Value, error)
	// Macro describes a macro (nil for other callables); its fields are the
	// attributes Jinja2 exposes on macros.
	Macro *MacroInfo
}

// MacroInfo holds the attributes of a macro.
type MacroInfo struct {
	Arguments    []string
	CatchKwargs  bool
	CatchVarargs bool
	Caller       bool
}

// Object is a host value with attributes, such as the loop variable. Attr
// reports false for a missing attribute (which becomes Undefined).
type Object interface {
	Attr(name string) (Value, bool)
	// TypeName is the Python-like type name used in messages.
	TypeName() string
}

// TypeName returns the Python type name of v, as used in error messages.
func TypeName(v Value) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case *List:
		if x.View != "" {
			return x.View
		}
		if x.Tuple {
			return "tuple"
		}
		return "list"
	case *Dict:
		return "dict"
	case Undefined:
		return "StrictUndefined"
	case *Func:
		if x.Macro != nil {
			return "Macro"
		}
		return "function"
	case *Namespace:
		return "Namespace"
	case Object:
		return x.TypeName()
	}
	return fmt.Sprintf("%T", v)
}

// Clone returns a deep copy of v: lists and dicts are copied at every
// level (so that changing the copy never changes v), other values are
// shared (they cannot be changed in place).
func Clone(v Value) Value {
	switch x := v.(type) {
	case *List:
		items := make([]Value, len(x.Items))
		for i, it := range x.Items {
			items[i] = Clone(it)
		}
		return &List{Items: items, Tuple: x.Tuple, View: x.View}
	case *Dict:
		c := &Dict{keys: x.keys[:len(x.keys):len(x.keys)], vals: make([]Value, len(x.vals)), hashes: x.hashes[:len(x.hashes):len(x.hashes)]}
		// Keys and hashes are immutable values: shared until an append
		// (full capacity forces the copy); the values are cloned.
		for i, it := range x.vals {
			c.vals[i] = Clone(it)
		}
		c.reindex()
		return c
	}
	return v
}
