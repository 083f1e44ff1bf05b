package jinja

import "fmt"

// macroDef is a compiled macro or call-block caller.
type macroDef struct {
	name       string
	params     []string
	defaults   []exprFn // nil for a parameter without default
	paramSlots []int
	nslots     int
	varargs    int // slot, or -1 when the body does not use varargs
	kwargs     int
	caller     int
	body       stmtFn
	tmpl       string
	pos        Pos
	anonymous  bool // a call block's caller
}

// compileMacro compiles a macro body as a function closing over the
// current scope.
func (c *compiler) compileMacro(name string, params []Param, body []Stmt, pos Pos) (*macroDef, error) {
	defer c.hard()()
	defer c.outsideLoops()()
	outer := c.sc
	fn := &fnScope{parent: outer.fn, block: outer.fn.block}
	c.sc = newScope(outer, fn)
	defer func() { c.sc = outer }()
	m := &macroDef{name: name, tmpl: c.name_, pos: pos, varargs: -1, kwargs: -1, caller: -1}
	for _, p := range params {
		m.params = append(m.params, p.Name)
		m.paramSlots = append(m.paramSlots, c.sc.declare(p.Name))
		var def exprFn
		if p.Default != nil {
			var err error
			if def, err = c.expr(p.Default); err != nil {
				return nil, err
			}
		}
		m.defaults = append(m.defaults, def)
	}
	used := loadedNames(body)
	if used["varargs"] && !hasParam(params, "varargs") {
		m.varargs = c.sc.declare("varargs")
	}
	if used["kwargs"] && !hasParam(params, "kwargs") {
		m.kwargs = c.sc.declare("kwargs")
	}
	if used["caller"] && !hasParam(params, "caller") {
		m.caller = c.sc.declare("caller")
	}
	declareStores(c.sc, body)
	b, err := c.body(body)
	if err != nil {
		return nil, err
	}
	m.body, m.nslots = b, fn.nslots
	return m, nil
}

func hasParam(ps []Param, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

// quoted is the macro's name as Jinja2's messages show it: 'name', or
// None for a call block's anonymous caller.
func (m *macroDef) quoted() string {
	if m.anonymous {
		return "None"
	}
	return "'" + m.name + "'"
}

// value returns the callable of m, closing over frame f.
func (m *macroDef) value(f *frame) *Func {
	info := &MacroInfo{Arguments: m.params, CatchKwargs: m.kwargs >= 0, CatchVarargs: m.varargs >= 0, Caller: m.caller >= 0}
	return &Func{Name: m.name, Macro: info, Call: func(s *State, a Args) (Value, error) {
		return m.call(f, s, a)
	}}
}

// call runs the macro with arguments a.
func (m *macroDef) call(up *frame, s *State, a Args) (Value, error) {
	if err := s.Tick(); err != nil {
		return nil, err
	}
	if err := enter(s); err != nil {
		return nil, err
	}
	defer leave(s)
	f := &frame{r: up.r, ctx: up.ctx, slots: newSlots(m.nslots), up: up, blk: up.blk}
	np := len(m.params)
	if len(a.Pos) > np && m.varargs < 0 {
		return nil, fmt.Errorf("macro %s takes not more than %d argument(s)", m.quoted(), np)
	}
	given := make([]bool, np)
	for i, slot := range m.paramSlots {
		f.slots[slot] = Undefined{Hint: "'" + m.params[i] + "' is undefined"}
	}
	for i := 0; i < np && i < len(a.Pos); i++ {
		f.slots[m.paramSlots[i]] = a.Pos[i]
		given[i] = true
	}
	var extra *Dict
	var callerV Value = Undefined{Hint: "No caller defined"}
	for _, kw := range a.Kw {
		i := indexOf(m.params, kw.Name)
		switch {
		case i >= 0 && !given[i]:
			f.slots[m.paramSlots[i]] = kw.Value
			given[i] = true
		case kw.Name == "caller" && m.caller >= 0:
			callerV = kw.Value
		case kw.Name == "caller" && m.kwargs < 0:
			return nil, pyErr("macro " + m.quoted() + " was invoked with two values for the special caller argument. This is most likely a bug.")
		case m.kwargs >= 0:
			if extra == nil {
				extra = NewDict(len(a.Kw))
			}
			extra.SetStr(kw.Name, kw.Value)
		default:
			return nil, fmt.Errorf("macro %s takes no keyword argument '%s'", m.quoted(), kw.Name)
		}
	}
	for i := range np {
		if given[i] {
			continue
		}
		if m.defaults[i] == nil {
			f.slots[m.paramSlots[i]] = Undefined{Hint: "parameter '" + m.params[i] + "' was not provided"}
			continue
		}
		v, err := m.defaults[i](f)
		if err != nil {
			return nil, err
		}
		f.slots[m.paramSlots[i]] = v
	}
	if m.varargs >= 0 {
		var rest []Value
		if len(a.Pos) > np {
			rest = append(rest, a.Pos[np:]...)
		}
		f.slots[m.varargs] = NewTuple(rest...)
	}
	if m.kwargs >= 0 {
		if extra == nil {
			extra = NewDict(0)
		}
		f.slots[m.kwargs] = extra
	}
	if m.caller >= 0 {
		f.slots[m.caller] = callerV
	}
	out, err := up.r.capture(func() error { return m.body(f) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (c *compiler) macro(n *Macro) (stmtFn, error) {
	m, err := c.compileMacro(n.Name, n.Params, n.Body, n.Pos)
	if err != nil {
		return nil, err
	}
	st, err := c.store(&NameTarget{Pos: n.Pos, Name: n.Name})
	if err != nil {
		return nil, err
	}
	return func(f *frame) error { return st(f, m.value(f)) }, nil
}

func (c *compiler) callBlock(n *CallBlock) (stmtFn, error) {
	m, err := c.compileMacro("caller", n.Params, n.Body, n.Pos)
	if err != nil {
		return nil, err
	}
	m.anonymous = true
	call, err := c.call(n.Call, m)
	if err != nil {
		return nil, err
	}
	tn, pos, ext := c.name_, n.Pos, c.extends
	return func(f *frame) error {
		if ext && f.parent != nil {
			return nil
		}
		v, err := call(f)
		if err != nil {
			return posError(tn, pos, err)
		}
		return posError(tn, pos, f.r.writeValue(v))
	}, nil
}

// call compiles a call expression; caller, when set, is passed as the
// caller keyword argument (call blocks).
func (c *compiler) call(n *Call, caller *macroDef) (exprFn, error) {
	fn, err := c.expr(n.Fn)
	if err != nil {
		return nil, err
	}
	a, err := c.args(n.Args, n.Kwargs, n.Star, n.StarStar)
	if err != nil {
		return nil, err
	}
	tn, pos := c.name_, n.Pos
	return func(f *frame) (Value, error) {
		fv, err := fn(f)
		if err != nil {
			return nil, err
		}
		args, err := a.eval(f)
		if err != nil {
			return nil, posError(tn, pos, err)
		}
		if caller != nil {
			args.Kw = append(args.Kw, KwArg{Name: "caller", Value: caller.value(f)})
		}
		v, err := callValue(f.r.s, fv, args)
		if err != nil {
			return nil, posError(tn, pos, err)
		}
		return v, nil
	}, nil
}

// callValue calls a callable value.
func callValue(s *State, fv Value, a Args) (Value, error) {
	switch x := fv.(type) {
	case *Func:
		return x.Call(s, a)
	case *loopObj:
		if x.recurse == nil {
			return nil, pyErr("The loop must have the 'recursive' marker to be called recursively.")
		}
		if len(a.Pos) != 1 || len(a.Kw) != 0 {
			return nil, fmt.Errorf("loop() takes exactly one argument (%d given)", len(a.Pos)+len(a.Kw))
		}
		return x.recurse(a.Pos[0])
	case Undefined:
		return nil, x.Error()
	}
	return nil, fmt.Errorf("'%s' object is not callable", TypeName(fv))
}

// loadedNames returns the names an AST loads anywhere below stmts.
func loadedNames(stmts []Stmt) map[string]bool {
	out := map[string]bool{}
	for _, s := range stmts {
		walk(s, func(n Node) {
			if nm, ok := n.(*Name); ok {
				out[nm.Name] = true
			}
		})
	}
	return out
}

// walk calls fn for n and every node below it.
func walk(n Node, fn func(Node)) {
	if n == nil {
		return
	}
	fn(n)
	ws := func(ss []Stmt) {
		for _, s := range ss {
			walk(s, fn)
		}
	}
	we := func(es ...Expr) {
		for _, e := range es {
			if e != nil {
				walk(e, fn)
			}
		}
	}
	wk := func(ks []Kwarg) {
		for _, k := range ks {
			we(k.Value)
		}
	}
	wf := func(fs []*Filter) {
		for _, f := range fs {
			walk(f, fn)
		}
	}
	wp := func(ps []Param) {
		for _, p := range ps {
			we(p.Default)
		}
	}
	switch x := n.(type) {
	case *Output:
		we(x.X)
	case *If:
		we(x.Cond)
		ws(x.Then)
		ws(x.Else)
	case *For:
		we(x.Iter, x.Filter)
		ws(x.Body)
		ws(x.Else)
	case *Set:
		we(x.Value)
		walk(x.Target, fn)
	case *SetBlock:
		wf(x.Filters)
		ws(x.Body)
	case *Macro:
		wp(x.Params)
		ws(x.Body)
	case *CallBlock:
		walk(x.Call, fn)
		wp(x.Params)
		ws(x.Body)
	case *FilterBlock:
		wf(x.Filters)
		ws(x.Body)
	case *Include:
		we(x.Template)
	case *Import:
		we(x.Template)
	case *FromImport:
		we(x.Template)
	case *Extends:
		we(x.Template)
	case *Block:
		ws(x.Body)
	case *With:
		we(x.Values...)
		ws(x.Body)
	case *Do:
		we(x.X)
	case *AttrTarget:
		fn(&Name{Pos: x.Pos, Name: x.Name})
	case *ListLit:
		we(x.Items...)
	case *TupleLit:
		we(x.Items...)
	case *DictLit:
		we(x.Keys...)
		we(x.Values...)
	case *Attr:
		we(x.X)
	case *Item:
		we(x.X, x.Key)
	case *Slice:
		we(x.X, x.Start, x.Stop, x.Step)
	case *Call:
		we(x.Fn, x.Star, x.StarStar)
		we(x.Args...)
		wk(x.Kwargs)
	case *Filter:
		we(x.X, x.Star, x.StarStar)
		we(x.Args...)
		wk(x.Kwargs)
	case *Test:
		we(x.X)
		we(x.Args...)
		wk(x.Kwargs)
	case *Unary:
		we(x.X)
	case *Binary:
		we(x.L, x.R)
	case *Compare:
		we(x.First)
		we(x.Rest...)
	case *Cond:
		we(x.Cond, x.Then, x.Else)
	}
}
