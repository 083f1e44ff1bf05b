package policy

import "strings"

// operand produces a value; ok is false when the value is missing.
type operand interface {
	value(e *env) (any, bool)
}

type constOp struct{ v any }

func (c constOp) value(*env) (any, bool) { return c.v, true }

// fieldOp reads a pre-split path from one of the evaluation roots.
type fieldOp struct {
	root   root
	path   []pathSeg
	text   string
	target bool // the root is the rule's target object
	slot   int  // index of the per-evaluation value cache, -1 for none
}

// slotVal caches one field value for one object (see env.gen).
type slotVal struct {
	gen uint64
	v   any
	ok  bool
}

func (f *fieldOp) value(e *env) (any, bool) {
	if f.slot < 0 {
		return f.lookup(e)
	}
	s := &e.slots[f.slot]
	g := e.baseGen
	if f.root == rootCustom {
		g = e.gen
	}
	if s.gen == g {
		return s.v, s.ok
	}
	v, ok := f.lookup(e)
	s.gen, s.v, s.ok = g, v, ok
	return v, ok
}

func (f *fieldOp) lookup(e *env) (any, bool) {
	if !e.present[f.root] {
		return nil, false
	}
	base := e.roots[f.root]
	if len(f.path) == 0 {
		if f.target && f.root != rootCustom && e.customOwned {
			return e.effectiveTarget(f.root), true
		}
		return base, true
	}
	return lookup(base, f.path)
}

// listOp is a list literal with non-constant elements.
type listOp struct{ elems []operand }

func (l *listOp) value(e *env) (any, bool) {
	out := make([]any, len(l.elems))
	for i, el := range l.elems {
		v, ok := el.value(e)
		if !ok {
			v = nil
		}
		out[i] = v
	}
	return out, true
}

// callOp is a built-in function call.
type callOp struct {
	name string
	arg  operand
	text string
}

func (c *callOp) value(e *env) (any, bool) {
	v, ok := c.arg.value(e)
	if !ok {
		return nil, false
	}
	return c.apply(e, v, false)
}

// apply runs the function. null stays null; a wrong argument type is a
// type mismatch: a warning and a missing result.
func (c *callOp) apply(e *env, v any, folding bool) (any, bool) {
	if v == nil {
		return nil, true
	}
	switch c.name {
	case "version":
		switch x := v.(type) {
		case string:
			return e.version(x), true
		case Version:
			return x, true
		}
	case "len":
		switch x := v.(type) {
		case string:
			return strLen(x), true
		case map[string]any:
			return len(x), true
		case map[string]string:
			return len(x), true
		case []any:
			return len(x), true
		case []string:
			return len(x), true
		case []map[string]any:
			return len(x), true
		}
	case "lower":
		if s, isStr := v.(string); isStr {
			return strings.ToLower(s), true
		}
	case "upper":
		if s, isStr := v.(string); isStr {
			return strings.ToUpper(s), true
		}
	}
	if !folding {
		e.warn("type mismatch: " + c.name + "() of " + typeName(v) + " in " + c.text)
	} else {
		e.warn("bad argument")
	}
	return nil, false
}
