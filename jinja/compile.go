package jinja

import (
	"errors"
	"fmt"
)

// Compilation model
//
// A template is compiled once into a tree of closures: each expression
// becomes an exprFn and each statement a stmtFn appending to the render's
// output buffer. Names are resolved at compile time, as Jinja2 does: every
// name a scope assigns gets a slot of its function's frame (template body,
// block, macro, caller, recursive loop), and a load compiles to a slot read
// (falling back, while the slot is unset, to the binding of the enclosing
// scope) or to a context lookup cached in a slot for the frame's lifetime.
// Loop and block bodies reset their slots, so their assignments do not
// leak; macros close over the frame that defined them (late binding, as
// Python closures). Filters and tests are looked up at compile time;
// literal operations are folded. The runtime state of a render (output
// buffer, budget, State) is passed in the frame, so a compiled template is
// shared by concurrent renders.

// compiler turns one template's AST into closures.
type compiler struct {
	env   *Env
	name_ string // template name, for positions
	tmpl  *Template
	sc    *scope
	// extends is set when the template has an extends tag: output
	// statements then check whether a parent template was set.
	extends bool
	// soft is set inside if statements and inline ifs, where Jinja2
	// reports an unknown filter or test only when it is called.
	soft bool
	// loops counts the for loop bodies being compiled, within the
	// innermost macro, call block or block: break and continue need one.
	loops int
}

// outsideLoops compiles a function body (a macro's, call block's or
// block's), where break and continue cannot reach an enclosing loop, and
// restores the count.
func (c *compiler) outsideLoops() func() {
	saved := c.loops
	c.loops = 0
	return func() { c.loops = saved }
}

// softFrame enters a soft frame (the branches and condition of an if
// statement or inline if); the returned function restores the frame kind.
func (c *compiler) softFrame() func() {
	saved := c.soft
	c.soft = true
	return func() { c.soft = saved }
}

// hard compiles fn outside any soft frame (the body of a loop, macro,
// block and so on), and restores the frame kind.
func (c *compiler) hard() func() {
	saved := c.soft
	c.soft = false
	return func() { c.soft = saved }
}

// compile compiles a parsed template.
func (e *Env) compile(tree *Tree) (t *Template, err error) {
	defer func() {
		if p := recover(); p != nil {
			t, err = nil, &Error{Template: tree.Name, Msg: fmt.Sprintf("internal error compiling template: %v", p)}
		}
	}()
	t = &Template{env: e, name: tree.Name, blocks: map[string]*blockDef{}}
	fn := &fnScope{}
	c := &compiler{env: e, name_: tree.Name, tmpl: t, sc: newScope(nil, fn)}
	c.sc.root = true
	c.extends = hasExtends(tree.Body)
	declareStores(c.sc, tree.Body)
	body, err := c.body(tree.Body)
	if err != nil {
		return nil, err
	}
	t.body, t.nslots = body, fn.nslots
	return t, nil
}

func (c *compiler) errorf(pos Pos, sentinel error, format string, args ...any) error {
	return &Error{Template: c.name_, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

// body compiles a statement list.
func (c *compiler) body(stmts []Stmt) (stmtFn, error) {
	var fns []stmtFn
	for i := 0; i < len(stmts); i++ {
		if t, ok := stmts[i].(*Text); ok {
			text, pos := t.Text, t.Pos
			for i+1 < len(stmts) {
				nt, ok := stmts[i+1].(*Text)
				if !ok {
					break
				}
				text += nt.Text
				i++
			}
			if text != "" {
				fns = append(fns, c.text(text, pos))
			}
			continue
		}
		fn, err := c.stmt(stmts[i])
		if err != nil {
			return nil, err
		}
		if fn != nil {
			fns = append(fns, fn)
		}
	}
	switch len(fns) {
	case 0:
		return func(*frame) error { return nil }, nil
	case 1:
		return fns[0], nil
	case 2:
		a, b := fns[0], fns[1]
		return func(f *frame) error {
			if err := a(f); err != nil {
				return err
			}
			return b(f)
		}, nil
	}
	return func(f *frame) error {
		for _, fn := range fns {
			if err := fn(f); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

func (c *compiler) text(text string, pos Pos) stmtFn {
	tn := c.name_
	if c.extends {
		return func(f *frame) error {
			if f.parent != nil {
				return nil
			}
			return posError(tn, pos, f.r.write(text))
		}
	}
	return func(f *frame) error {
		if err := f.r.write(text); err != nil {
			return posError(tn, pos, err)
		}
		return nil
	}
}

// stmt compiles one statement.
func (c *compiler) stmt(s Stmt) (stmtFn, error) {
	switch n := s.(type) {
	case *Output:
		return c.output(n)
	case *If:
		return c.ifStmt(n)
	case *For:
		return c.forStmt(n)
	case *Set:
		return c.set(n)
	case *SetBlock:
		return c.setBlock(n)
	case *Macro:
		return c.macro(n)
	case *CallBlock:
		return c.callBlock(n)
	case *FilterBlock:
		return c.filterBlock(n)
	case *Include:
		return c.include(n)
	case *Import:
		return c.importStmt(n)
	case *FromImport:
		return c.fromImport(n)
	case *Extends:
		return c.extendsStmt(n)
	case *Block:
		return c.block(n)
	case *With:
		return c.with(n)
	case *Break:
		// Jinja2 compiles both to Python statements, which Python refuses
		// outside a loop.
		if c.loops == 0 {
			return nil, c.errorf(n.Pos, ErrSyntax, "'break' outside loop")
		}
		return func(*frame) error { return errBreak }, nil
	case *Continue:
		if c.loops == 0 {
			return nil, c.errorf(n.Pos, ErrSyntax, "'continue' not properly in loop")
		}
		return func(*frame) error { return errContinue }, nil
	case *Do:
		x, err := c.expr(n.X)
		if err != nil {
			return nil, err
		}
		tn, pos := c.name_, n.Pos
		return func(f *frame) error {
			_, err := x(f)
			return posError(tn, pos, err)
		}, nil
	case *Text:
		return c.text(n.Text, n.Pos), nil
	}
	return nil, c.errorf(s.Position(), ErrSyntax, "unsupported statement %T", s)
}

func (c *compiler) output(n *Output) (stmtFn, error) {
	if k, ok := n.X.(*Const); ok {
		if s, err := Str(k.Value); err == nil {
			return c.text(s, n.Pos), nil
		}
	}
	x, err := c.expr(n.X)
	if err != nil {
		return nil, err
	}
	tn, pos, xpos, ext := c.name_, n.Pos, n.X.Position(), c.extends
	_, lenient := n.X.(*Cond)
	return func(f *frame) error {
		if ext && f.parent != nil {
			return nil
		}
		v, err := x(f)
		if err != nil {
			return posError(tn, pos, err)
		}
		if s, ok := v.(string); ok {
			if err := f.r.write(s); err != nil {
				return posError(tn, pos, err)
			}
			return nil
		}
		if lenient && isCondUndefined(v) {
			return nil
		}
		// A value that cannot be printed (undefined, too large) is
		// reported at the expression that produced it.
		return posError(tn, xpos, f.r.writeValue(v))
	}, nil
}

func (c *compiler) ifStmt(n *If) (stmtFn, error) {
	defer c.softFrame()()
	cond, err := c.expr(n.Cond)
	if err != nil {
		return nil, err
	}
	then, err := c.body(n.Then)
	if err != nil {
		return nil, err
	}
	var els stmtFn
	if len(n.Else) > 0 {
		if els, err = c.body(n.Else); err != nil {
			return nil, err
		}
	}
	tn, pos := c.name_, n.Pos
	return func(f *frame) error {
		v, err := cond(f)
		if err != nil {
			return posError(tn, pos, err)
		}
		var t bool
		switch b := v.(type) {
		case bool:
			t = b
		default:
			if t, err = Truth(v); err != nil {
				return posError(tn, pos, err)
			}
		}
		if t {
			return then(f)
		}
		if els != nil {
			return els(f)
		}
		return nil
	}, nil
}

// store compiles an assignment to a target, declared in the current scope.
func (c *compiler) store(t Target) (func(f *frame, v Value) error, error) {
	switch n := t.(type) {
	case *NameTarget:
		slot := c.sc.declare(n.Name)
		name := n.Name
		if c.sc.root {
			return func(f *frame, v Value) error {
				f.slots[slot] = v
				f.ctx.set(name, v)
				return nil
			}, nil
		}
		return func(f *frame, v Value) error {
			f.slots[slot] = v
			return nil
		}, nil
	case *TupleTarget:
		items := make([]func(*frame, Value) error, len(n.Items))
		for i, it := range n.Items {
			fn, err := c.store(it)
			if err != nil {
				return nil, err
			}
			items[i] = fn
		}
		want := len(items)
		return func(f *frame, v Value) error {
			vals, err := unpack(v, want)
			if err != nil {
				return err
			}
			for i, fn := range items {
				if err := fn(f, vals[i]); err != nil {
					return err
				}
			}
			return nil
		}, nil
	case *AttrTarget:
		ns := c.name(&Name{Pos: n.Pos, Name: n.Name})
		attr := n.Attr
		return func(f *frame, v Value) error {
			obj, err := ns(f)
			if err != nil {
				return err
			}
			nsv, ok := obj.(*Namespace)
			if !ok {
				if u, ok := obj.(Undefined); ok {
					return u.Error()
				}
				return errors.New("cannot assign attribute on non-namespace object")
			}
			nsv.Attrs.SetStr(attr, v)
			return nil
		}, nil
	}
	return nil, c.errorf(t.Position(), ErrSyntax, "cannot assign to %T", t)
}

// unpack splits v into exactly n values, as Python's a, b = v.
func unpack(v Value, n int) ([]Value, error) {
	var items []Value
	switch x := v.(type) {
	case *List:
		items = x.Items
	case string, *Dict:
		var err error
		if items, err = Iterate(x); err != nil {
			return nil, err
		}
	case Undefined:
		return nil, x.Error()
	default:
		t, ok := AsTuple(v) // a groupby group unpacks as its 2-tuple
		if !ok {
			return nil, fmt.Errorf("cannot unpack non-iterable %s object", TypeName(v))
		}
		items = t.Items
	}
	switch {
	case len(items) > n:
		return nil, fmt.Errorf("too many values to unpack (expected %d)", n)
	case len(items) < n:
		return nil, fmt.Errorf("not enough values to unpack (expected %d, got %d)", n, len(items))
	}
	return items, nil
}

func (c *compiler) set(n *Set) (stmtFn, error) {
	x, err := c.expr(n.Value)
	if err != nil {
		return nil, err
	}
	return c.assign(x, n.Target, n.Pos)
}

// assign compiles storing the value x produces into target, with errors
// reported at pos.
func (c *compiler) assign(x exprFn, target Target, pos Pos) (stmtFn, error) {
	st, err := c.store(target)
	if err != nil {
		return nil, err
	}
	tn := c.name_
	return func(f *frame) error {
		v, err := x(f)
		if err != nil {
			return posError(tn, pos, err)
		}
		return posError(tn, pos, st(f, v))
	}, nil
}

// inScope compiles body in a new scope of the current function.
func (c *compiler) inScope(body []Stmt) (stmtFn, []int, error) {
	defer c.hard()()
	outer := c.sc
	c.sc = newScope(outer, outer.fn)
	defer func() { c.sc = outer }()
	declareStores(c.sc, body)
	fn, err := c.body(body)
	if err != nil {
		return nil, nil, err
	}
	return fn, slotsOf(c.sc), nil
}

func slotsOf(sc *scope) []int {
	out := make([]int, 0, len(sc.names))
	for _, i := range sc.names {
		out = append(out, i)
	}
	return out
}

func resetSlots(f *frame, slots []int) {
	for _, i := range slots {
		f.slots[i] = unset
	}
}

// filters compiles a filter chain applied to the value input produces.
func (c *compiler) filters(fs []*Filter, input exprFn) (exprFn, error) {
	x := input
	for _, fl := range fs {
		var err error
		if x, err = c.filter(fl, x); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// capturedFilters compiles body in a new scope, its output captured as a
// string, and the filter chain fs applied to that string (set and filter
// blocks).
func (c *compiler) capturedFilters(body []Stmt, fs []*Filter) (exprFn, error) {
	fn, slots, err := c.inScope(body)
	if err != nil {
		return nil, err
	}
	captured := func(f *frame) (Value, error) {
		resetSlots(f, slots)
		return f.r.capture(func() error { return fn(f) })
	}
	return c.filters(fs, captured)
}

func (c *compiler) setBlock(n *SetBlock) (stmtFn, error) {
	x, err := c.capturedFilters(n.Body, n.Filters)
	if err != nil {
		return nil, err
	}
	return c.assign(x, n.Target, n.Pos)
}

func (c *compiler) filterBlock(n *FilterBlock) (stmtFn, error) {
	x, err := c.capturedFilters(n.Body, n.Filters)
	if err != nil {
		return nil, err
	}
	tn, pos, ext := c.name_, n.Pos, c.extends
	return func(f *frame) error {
		if ext && f.parent != nil {
			return nil
		}
		v, err := x(f)
		if err != nil {
			return posError(tn, pos, err)
		}
		// Jinja2 yields the filters' result into the output as it is,
		// and joining the output fails on anything but a string.
		if _, ok := v.(string); !ok {
			return posError(tn, pos, pyErr(fmt.Sprintf("sequence item: expected str instance, %s found", TypeName(v))))
		}
		return posError(tn, pos, f.r.writeValue(v))
	}, nil
}

func (c *compiler) with(n *With) (stmtFn, error) {
	// values are evaluated in the enclosing scope, then bound in the new one
	vals, err := c.exprs(n.Values)
	if err != nil {
		return nil, err
	}
	defer c.hard()()
	outer := c.sc
	c.sc = newScope(outer, outer.fn)
	defer func() { c.sc = outer }()
	stores := make([]func(*frame, Value) error, len(n.Targets))
	for i, t := range n.Targets {
		if stores[i], err = c.store(t); err != nil {
			return nil, err
		}
	}
	declareStores(c.sc, n.Body)
	body, err := c.body(n.Body)
	if err != nil {
		return nil, err
	}
	slots := slotsOf(c.sc)
	tn, pos := c.name_, n.Pos
	return func(f *frame) error {
		vs, err := evalAll(f, vals)
		if err != nil {
			return posError(tn, pos, err)
		}
		resetSlots(f, slots)
		for i, st := range stores {
			if err := st(f, vs[i]); err != nil {
				return posError(tn, pos, err)
			}
		}
		return body(f)
	}, nil
}

// hasExtends reports whether the statements contain an extends tag.
func hasExtends(stmts []Stmt) bool {
	for _, s := range stmts {
		switch n := s.(type) {
		case *Extends:
			return true
		case *If:
			if hasExtends(n.Then) || hasExtends(n.Else) {
				return true
			}
		case *For:
			if hasExtends(n.Body) || hasExtends(n.Else) {
				return true
			}
		case *With:
			if hasExtends(n.Body) {
				return true
			}
		}
	}
	return false
}
