package jinja

import (
	"context"
	"strconv"
)

// compileExpr compiles an expression to a closure.
func (c *compiler) expr(e Expr) (exprFn, error) {
	switch n := e.(type) {
	case *Const:
		v := n.Value
		return func(*frame) (Value, error) { return v, nil }, nil
	case *Name:
		return c.name(n), nil
	case *ListLit:
		items, err := c.exprs(n.Items)
		if err != nil {
			return nil, err
		}
		return func(f *frame) (Value, error) {
			out, err := evalAll(f, items)
			if err != nil {
				return nil, err
			}
			return NewList(out), nil
		}, nil
	case *TupleLit:
		items, err := c.exprs(n.Items)
		if err != nil {
			return nil, err
		}
		if vals, ok := c.constants(n.Items); ok {
			t := NewTuple(vals...)
			return func(*frame) (Value, error) { return t, nil }, nil
		}
		return func(f *frame) (Value, error) {
			out, err := evalAll(f, items)
			if err != nil {
				return nil, err
			}
			return NewTuple(out...), nil
		}, nil
	case *DictLit:
		return c.dictLit(n)
	case *Attr:
		x, err := c.expr(n.X)
		if err != nil {
			return nil, err
		}
		name, tn, pos := n.Name, c.name_, n.Pos
		// For a name that is no dict method, a dict's attribute is its
		// item, and a missing one always the same undefined value.
		dictMiss, plainKey := GetAttr(c.foldState(), NewDict(0), name)
		_, isItem := dictMiss.(Undefined)
		isItem = isItem && plainKey == nil
		return func(f *frame) (Value, error) {
			v, err := x(f)
			if err != nil {
				return nil, err
			}
			if d, ok := v.(*Dict); ok && isItem {
				if r, ok := d.GetStr(name); ok {
					return r, nil
				}
				return dictMiss, nil
			}
			r, err := GetAttr(f.r.s, v, name)
			if err != nil {
				return nil, posError(tn, pos, err)
			}
			return r, nil
		}, nil
	case *Item:
		x, err := c.expr(n.X)
		if err != nil {
			return nil, err
		}
		k, err := c.expr(n.Key)
		if err != nil {
			return nil, err
		}
		tn, pos := c.name_, n.Pos
		return func(f *frame) (Value, error) {
			v, err := x(f)
			if err != nil {
				return nil, err
			}
			kv, err := k(f)
			if err != nil {
				return nil, err
			}
			r, err := GetItem(f.r.s, v, kv)
			if err != nil {
				return nil, posError(tn, pos, err)
			}
			return r, nil
		}, nil
	case *Slice:
		return c.slice(n)
	case *Call:
		return c.call(n, nil)
	case *Filter:
		var x exprFn
		if n.X != nil {
			var err error
			if x, err = c.expr(n.X); err != nil {
				return nil, err
			}
		}
		return c.filter(n, x)
	case *Test:
		return c.test(n)
	case *Unary:
		return c.unary(n)
	case *Binary:
		return c.binary(n)
	case *Compare:
		return c.compare(n)
	case *Cond:
		return c.cond(n)
	}
	return nil, c.errorf(e.Position(), ErrSyntax, "unsupported expression %T", e)
}

func (c *compiler) exprs(es []Expr) ([]exprFn, error) {
	out := make([]exprFn, len(es))
	for i, e := range es {
		f, err := c.expr(e)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// constants returns the values of es when they are all immutable literals.
func (c *compiler) constants(es []Expr) ([]Value, bool) {
	vals := make([]Value, len(es))
	for i, e := range es {
		k, ok := e.(*Const)
		if !ok {
			return nil, false
		}
		vals[i] = k.Value
	}
	return vals, true
}

func evalAll(f *frame, fns []exprFn) ([]Value, error) {
	out := make([]Value, len(fns))
	for i, fn := range fns {
		v, err := fn(f)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// name compiles a variable load: a slot when the name is assigned in an
// enclosing scope, else a lookup in the template context and globals.
func (c *compiler) name(n *Name) exprFn {
	r := c.sc.resolve(n.Name)
	if r == nil {
		switch {
		case n.Name == "super" && c.sc.fn.block:
			return superFunc
		}
	}
	if r == nil {
		return c.freeName(n.Name)
	}
	return c.loadRef(r, n.Name)
}

// freeName compiles the load of a name bound nowhere in the template's
// scopes: looked up in the template context once per frame and kept in a
// slot of the frame (the context's value for a free name cannot change
// while a frame runs: only top-level assignments write the context, and
// those names are bound to slots).
func (c *compiler) freeName(name string) exprFn {
	fn := c.sc.fn
	if fn.free == nil {
		fn.free = map[string]int{}
	}
	slot, ok := fn.free[name]
	if !ok {
		slot = fn.nslots
		fn.nslots++
		fn.free[name] = slot
	}
	return func(f *frame) (Value, error) {
		if v := f.slots[slot]; v != unset {
			return v, nil
		}
		v := f.ctx.lookup(name)
		f.slots[slot] = v
		return v, nil
	}
}

func (c *compiler) loadRef(r *ref, name string) exprFn {
	if r == nil {
		return func(f *frame) (Value, error) { return f.ctx.lookup(name), nil }
	}
	fb := c.loadRef(r.fallback, name)
	slot, depth := r.slot, r.depth
	if depth == 0 {
		return func(f *frame) (Value, error) {
			if v := f.slots[slot]; v != unset {
				return v, nil
			}
			return fb(f)
		}
	}
	return func(f *frame) (Value, error) {
		g := f
		for range depth {
			g = g.up
		}
		if v := g.slots[slot]; v != unset {
			return v, nil
		}
		return fb(f)
	}
}

func (c *compiler) dictLit(n *DictLit) (exprFn, error) {
	keys, err := c.exprs(n.Keys)
	if err != nil {
		return nil, err
	}
	vals, err := c.exprs(n.Values)
	if err != nil {
		return nil, err
	}
	tn, pos := c.name_, n.Pos
	return func(f *frame) (Value, error) {
		d := NewDict(len(keys))
		for i := range keys {
			k, err := keys[i](f)
			if err != nil {
				return nil, err
			}
			v, err := vals[i](f)
			if err != nil {
				return nil, err
			}
			if err := d.Set(k, v); err != nil {
				return nil, posError(tn, pos, err)
			}
		}
		return d, nil
	}, nil
}

func (c *compiler) slice(n *Slice) (exprFn, error) {
	x, err := c.expr(n.X)
	if err != nil {
		return nil, err
	}
	parts := [3]exprFn{}
	for i, e := range []Expr{n.Start, n.Stop, n.Step} {
		if e != nil {
			if parts[i], err = c.expr(e); err != nil {
				return nil, err
			}
		}
	}
	tn, pos := c.name_, n.Pos
	return func(f *frame) (Value, error) {
		v, err := x(f)
		if err != nil {
			return nil, err
		}
		var b [3]Value
		for i, p := range parts {
			if p != nil {
				if b[i], err = p(f); err != nil {
					return nil, err
				}
			}
		}
		r, err := SliceOf(f.r.s, v, b[0], b[1], b[2])
		if err != nil {
			return nil, posError(tn, pos, err)
		}
		return r, nil
	}, nil
}

func (c *compiler) unary(n *Unary) (exprFn, error) {
	x, err := c.expr(n.X)
	if err != nil {
		return nil, err
	}
	op, tn, pos := n.Op, c.name_, n.Pos
	if k, ok := n.X.(*Const); ok && op != "not" {
		if v, err := UnaryOp(op, k.Value); err == nil {
			return func(*frame) (Value, error) { return v, nil }, nil
		}
	}
	if op == "not" {
		return func(f *frame) (Value, error) {
			v, err := x(f)
			if err != nil {
				return nil, err
			}
			t, err := Truth(v)
			if err != nil {
				return nil, posError(tn, pos, err)
			}
			return !t, nil
		}, nil
	}
	return func(f *frame) (Value, error) {
		v, err := x(f)
		if err != nil {
			return nil, err
		}
		r, err := UnaryOp(op, v)
		if err != nil {
			return nil, posError(tn, pos, err)
		}
		return r, nil
	}, nil
}

func (c *compiler) binary(n *Binary) (exprFn, error) {
	l, err := c.expr(n.L)
	if err != nil {
		return nil, err
	}
	r, err := c.expr(n.R)
	if err != nil {
		return nil, err
	}
	op, tn, pos := n.Op, c.name_, n.Pos
	switch op {
	case "and", "or":
		and := op == "and"
		return func(f *frame) (Value, error) {
			a, err := l(f)
			if err != nil {
				return nil, err
			}
			t, err := Truth(a)
			if err != nil {
				return nil, posError(tn, pos, err)
			}
			if t != and {
				return a, nil
			}
			return r(f)
		}, nil
	}
	if lk, ok := n.L.(*Const); ok {
		if rk, ok := n.R.(*Const); ok {
			if v, err := BinaryOp(c.foldState(), op, lk.Value, rk.Value); err == nil {
				return func(*frame) (Value, error) { return v, nil }, nil
			}
		}
	}
	return func(f *frame) (Value, error) {
		a, err := l(f)
		if err != nil {
			return nil, err
		}
		b, err := r(f)
		if err != nil {
			return nil, err
		}
		if op == "~" {
			if isCondUndefined(a) {
				a = ""
			}
			if isCondUndefined(b) {
				b = ""
			}
			if x, ok := a.(string); ok {
				if y, ok := b.(string); ok {
					if err := f.r.s.CheckBytes("~", len(x)+len(y)); err != nil {
						return nil, posError(tn, pos, err)
					}
					return x + y, nil
				}
			}
		}
		if op == "+" {
			if x, ok := a.(int64); ok {
				if y, ok := b.(int64); ok {
					if s := x + y; (s > x) == (y > 0) {
						return s, nil
					}
				}
			}
		}
		v, err := BinaryOp(f.r.s, op, a, b)
		if err != nil {
			return nil, posError(tn, pos, err)
		}
		return v, nil
	}, nil
}

// foldState is the state constant folding runs under: the environment's
// limits, no deadline.
func (c *compiler) foldState() *State {
	return &State{ctx: context.Background(), limits: c.env.opts.Limits, env: c.env}
}

func (c *compiler) compare(n *Compare) (exprFn, error) {
	first, err := c.expr(n.First)
	if err != nil {
		return nil, err
	}
	rest, err := c.exprs(n.Rest)
	if err != nil {
		return nil, err
	}
	ops, tn, pos := n.Ops, c.name_, n.Pos
	if len(ops) == 1 {
		op, r := ops[0], rest[0]
		return func(f *frame) (Value, error) {
			a, err := first(f)
			if err != nil {
				return nil, err
			}
			b, err := r(f)
			if err != nil {
				return nil, err
			}
			ok, err := compareFast(op, a, b)
			if err != nil {
				return nil, posError(tn, pos, err)
			}
			return ok, nil
		}, nil
	}
	return func(f *frame) (Value, error) {
		a, err := first(f)
		if err != nil {
			return nil, err
		}
		for i, op := range ops {
			b, err := rest[i](f)
			if err != nil {
				return nil, err
			}
			ok, err := compareFast(op, a, b)
			if err != nil {
				return nil, posError(tn, pos, err)
			}
			if !ok {
				return false, nil
			}
			a = b
		}
		return true, nil
	}, nil
}

// compareFast compares two ints without the general machinery.
func compareFast(op string, a, b Value) (bool, error) {
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			switch op {
			case "==":
				return x == y, nil
			case "!=":
				return x != y, nil
			case "<":
				return x < y, nil
			case "<=":
				return x <= y, nil
			case ">":
				return x > y, nil
			case ">=":
				return x >= y, nil
			}
		}
	}
	return CompareOp(op, a, b)
}

func (c *compiler) cond(n *Cond) (exprFn, error) {
	defer c.softFrame()()
	cond, err := c.expr(n.Cond)
	if err != nil {
		return nil, err
	}
	then, err := c.expr(n.Then)
	if err != nil {
		return nil, err
	}
	var els exprFn
	if n.Else != nil {
		if els, err = c.expr(n.Else); err != nil {
			return nil, err
		}
	} else {
		where := "line " + strconv.Itoa(n.Pos.Line)
		if c.name_ != "" {
			where += " in " + Repr(c.name_)
		}
		u := Undefined{Hint: condUndefinedPrefix + where + " evaluated to false and no else section was defined."}
		els = func(*frame) (Value, error) { return u, nil }
	}
	tn, pos := c.name_, n.Pos
	return func(f *frame) (Value, error) {
		v, err := cond(f)
		if err != nil {
			return nil, err
		}
		t, err := Truth(v)
		if err != nil {
			return nil, posError(tn, pos, err)
		}
		if t {
			return then(f)
		}
		return els(f)
	}, nil
}
