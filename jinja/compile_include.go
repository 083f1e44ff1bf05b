package jinja

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// blockDef is a compiled block of one template.
type blockDef struct {
	name     string
	body     stmtFn
	nslots   int
	scoped   bool
	required bool
}

// blockCall is a block being rendered: its chain of overrides (child
// first) and the position in it, for super().
type blockCall struct {
	chain []*blockDef
	idx   int
}

func (c *compiler) block(n *Block) (stmtFn, error) {
	if _, dup := c.tmpl.blocks[n.Name]; dup {
		return nil, c.errorf(n.Pos, ErrSyntax, "block '%s' defined twice", n.Name)
	}
	defer c.hard()()
	defer c.outsideLoops()()
	outer := c.sc
	fn := &fnScope{block: true}
	// an unscoped block sees only the template context; a scoped one gets
	// the enclosing locals through a derived context
	c.sc = newScope(nil, fn)
	declareStores(c.sc, n.Body)
	saved := c.extends
	c.extends = false
	body, err := c.body(n.Body)
	c.extends = saved
	c.sc = outer
	if err != nil {
		return nil, err
	}
	def := &blockDef{name: n.Name, body: body, nslots: fn.nslots, scoped: n.Scoped, required: n.Required}
	c.tmpl.blocks[n.Name] = def
	var locals func(f *frame) map[string]Value
	if n.Scoped {
		locals = c.locals()
	}
	name, tn, pos := n.Name, c.name_, n.Pos
	return func(f *frame) error {
		if f.parent != nil {
			return nil
		}
		ctx := f.ctx
		if locals != nil {
			ctx = ctx.derived(locals(f))
		}
		return posError(tn, pos, renderBlock(f.r, ctx, name, ctx.blocks[name], 0))
	}, nil
}

// renderBlock renders chain[idx] of block name into the output.
func renderBlock(r *renderer, ctx *tctx, name string, chain []*blockDef, idx int) error {
	if idx >= len(chain) {
		return pyErr("there is no parent block called '" + name + "'.")
	}
	def := chain[idx]
	if def.required {
		return pyErr("Required block '" + name + "' not found")
	}
	f := &frame{r: r, ctx: ctx, slots: newSlots(def.nslots), blk: &blockCall{chain: chain, idx: idx}}
	return def.body(f)
}

// superFunc is super() inside a block: the parent block's output.
func superFunc(f *frame) (Value, error) {
	g := f
	for g.blk == nil && g.up != nil {
		g = g.up
	}
	b := g.blk
	if b == nil || b.idx+1 >= len(b.chain) {
		name := ""
		if b != nil {
			name = b.chain[b.idx].name
		}
		return Undefined{Hint: "there is no parent block called '" + name + "'."}, nil
	}
	r, ctx := f.r, f.ctx
	return &Func{Name: "super", Call: func(s *State, a Args) (Value, error) {
		if err := enter(s); err != nil {
			return nil, err
		}
		defer leave(s)
		return r.capture(func() error { return renderBlock(r, ctx, b.chain[b.idx].name, b.chain, b.idx+1) })
	}}, nil
}

// templateRef is "self": its attributes render the template's blocks.
type templateRef struct {
	ctx *tctx
	r   *renderer
}

// TypeName is "TemplateReference".
func (t *templateRef) TypeName() string { return "TemplateReference" }

// Attr returns a callable rendering block name.
func (t *templateRef) Attr(name string) (Value, bool) {
	chain, ok := t.ctx.blocks[name]
	if !ok {
		return nil, false
	}
	return &Func{Name: name, Call: func(s *State, a Args) (Value, error) {
		if err := enter(s); err != nil {
			return nil, err
		}
		defer leave(s)
		return t.r.capture(func() error { return renderBlock(t.r, t.ctx, name, chain, 0) })
	}}, true
}

// String is how Jinja2 prints self.
func (t *templateRef) String() string { return "<TemplateReference None>" }

// locals compiles the capture of the local variables visible at the
// current point, for include and import with context and scoped blocks.
func (c *compiler) locals() func(f *frame) map[string]Value {
	names := c.sc.visible()
	loads := make([]exprFn, len(names))
	for i, n := range names {
		loads[i] = c.loadRef(c.sc.resolve(n), n)
	}
	return func(f *frame) map[string]Value {
		m := make(map[string]Value, len(names))
		for i, load := range loads {
			v, err := load(f)
			if err != nil {
				continue
			}
			if _, undef := v.(Undefined); undef {
				continue
			}
			m[names[i]] = v
		}
		return m
	}
}

// derived returns a context with c's variables and blocks plus locals,
// for a scoped block rendered at once.
func (c *tctx) derived(locals map[string]Value) *tctx {
	d := &tctx{env: c.env, vars: locals, parent: c, blocks: c.blocks}
	d.self = &templateRef{ctx: d, r: c.self.r}
	return d
}

// snapshot returns a copy of all the variables c sees, plus locals: the
// context of a template imported with context, whose macros may run after
// c has changed.
func (c *tctx) snapshot(locals map[string]Value) map[string]Value {
	var chain []*tctx
	n := len(locals)
	for d := c; d != nil; d = d.parent {
		chain = append(chain, d)
		n += len(d.vars)
	}
	vars := make(map[string]Value, n)
	for i := len(chain) - 1; i >= 0; i-- {
		for k, v := range chain[i].vars {
			vars[k] = v
		}
	}
	for k, v := range locals {
		vars[k] = v
	}
	return vars
}

// templateNames evaluates an include/import target: a name or a list of
// names.
func templateNames(v Value) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case *List:
		names := make([]string, 0, len(x.Items))
		for _, it := range x.Items {
			s, ok := it.(string)
			if !ok {
				return nil, fmt.Errorf("template name must be a string, not %s", TypeName(it))
			}
			names = append(names, s)
		}
		return names, nil
	case Undefined:
		return nil, x.Error()
	}
	return nil, fmt.Errorf("template name must be a string, not %s", TypeName(v))
}

// loadNamed loads the template an include, import or extends target v
// names: the first existing one of a name or a list of names. Only a
// missing template is an error that wraps ErrNotFound.
func (e *Env) loadNamed(v Value) (*Template, error) {
	names, err := templateNames(v)
	if err != nil {
		return nil, err
	}
	return e.loadFirst(names)
}

// loadFirst loads the first existing template of names.
func (e *Env) loadFirst(names []string) (*Template, error) {
	for _, n := range names {
		t, err := e.load(n)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	if len(names) == 1 {
		return nil, &notFoundError{msg: names[0]}
	}
	return nil, &notFoundError{msg: "none of the templates given were found: " + strings.Join(names, ", ")}
}

// notFoundError is a missing template; it wraps ErrNotFound.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return "template not found: " + e.msg }
func (e *notFoundError) Unwrap() error { return ErrNotFound }

func (c *compiler) include(n *Include) (stmtFn, error) {
	tx, err := c.expr(n.Template)
	if err != nil {
		return nil, err
	}
	var locals func(*frame) map[string]Value
	if n.WithContext {
		locals = c.locals()
	}
	tn, pos, ignore, ext := c.name_, n.Pos, n.IgnoreMissing, c.extends
	return func(f *frame) error {
		if ext && f.parent != nil {
			return nil
		}
		v, err := tx(f)
		if err != nil {
			return posError(tn, pos, err)
		}
		t, err := f.r.env().loadNamed(v)
		if err != nil {
			if ignore && errors.Is(err, ErrNotFound) {
				return nil
			}
			return posError(tn, pos, err)
		}
		// the included template sees the includer's variables and
		// locals; its own top-level assignments stay in its context
		var ctx *tctx
		if locals != nil {
			ctx = t.newCtx(f.r, locals(f))
			ctx.parent = f.ctx
		} else {
			ctx = t.newCtx(f.r, map[string]Value{})
		}
		if err := enter(f.r.s); err != nil {
			return posError(tn, pos, err)
		}
		defer leave(f.r.s)
		return posError(tn, pos, t.run(f.r, ctx))
	}, nil
}

// module is an imported template (Jinja2's TemplateModule): its exported
// names as attributes.
type module struct {
	name   string
	ctx    *tctx
	output string
}

// TypeName is "TemplateModule".
func (m *module) TypeName() string { return "TemplateModule" }

// Attr returns an exported name.
func (m *module) Attr(name string) (Value, bool) {
	for _, n := range m.ctx.exported {
		if n == name {
			return m.ctx.vars[name], true
		}
	}
	return nil, false
}

// String is the output of the imported template's body.
func (m *module) String() string { return m.output }

// importModule runs the template that tx names and returns it as a module.
func (c *compiler) importer(tx exprFn, withContext bool) func(f *frame) (*module, error) {
	var locals func(*frame) map[string]Value
	if withContext {
		locals = c.locals()
	}
	return func(f *frame) (*module, error) {
		v, err := tx(f)
		if err != nil {
			return nil, err
		}
		t, err := f.r.env().loadNamed(v)
		if err != nil {
			return nil, err
		}
		vars := map[string]Value{}
		if locals != nil {
			vars = f.ctx.snapshot(locals(f))
		}
		ctx := t.newCtx(f.r, vars)
		if err := enter(f.r.s); err != nil {
			return nil, err
		}
		defer leave(f.r.s)
		out, err := f.r.capture(func() error { return t.run(f.r, ctx) })
		if err != nil {
			return nil, err
		}
		return &module{name: t.name, ctx: ctx, output: out}, nil
	}
}

func (c *compiler) importStmt(n *Import) (stmtFn, error) {
	tx, err := c.expr(n.Template)
	if err != nil {
		return nil, err
	}
	imp := c.importer(tx, n.WithContext)
	st, err := c.store(&NameTarget{Pos: n.Pos, Name: n.Alias})
	if err != nil {
		return nil, err
	}
	tn, pos := c.name_, n.Pos
	return func(f *frame) error {
		m, err := imp(f)
		if err != nil {
			return posError(tn, pos, err)
		}
		return st(f, m)
	}, nil
}

func (c *compiler) fromImport(n *FromImport) (stmtFn, error) {
	tx, err := c.expr(n.Template)
	if err != nil {
		return nil, err
	}
	imp := c.importer(tx, n.WithContext)
	stores := make([]func(*frame, Value) error, len(n.Names))
	for i, in := range n.Names {
		if stores[i], err = c.store(&NameTarget{Pos: n.Pos, Name: in.Alias}); err != nil {
			return nil, err
		}
	}
	names, tn, pos := n.Names, c.name_, n.Pos
	return func(f *frame) error {
		m, err := imp(f)
		if err != nil {
			return posError(tn, pos, err)
		}
		for i, in := range names {
			v, ok := m.Attr(in.Name)
			if !ok {
				v = Undefined{Hint: "the template " + Repr(m.name) + " (imported on line " + strconv.Itoa(pos.Line) + ") does not export the requested name " + Repr(in.Name)}
			}
			if err := stores[i](f, v); err != nil {
				return posError(tn, pos, err)
			}
		}
		return nil
	}, nil
}

func (c *compiler) extendsStmt(n *Extends) (stmtFn, error) {
	tx, err := c.expr(n.Template)
	if err != nil {
		return nil, err
	}
	tn, pos := c.name_, n.Pos
	return func(f *frame) error {
		if f.parent != nil {
			return posError(tn, pos, errors.New("extended multiple times"))
		}
		v, err := tx(f)
		if err != nil {
			return posError(tn, pos, err)
		}
		t, err := f.r.env().loadNamed(v)
		if err != nil {
			return posError(tn, pos, err)
		}
		for name, def := range t.blocks {
			f.ctx.blocks[name] = append(f.ctx.blocks[name], def)
		}
		f.parent, f.extPos = t, pos
		return nil
	}, nil
}
