package jinja

// fnScope is a compiled function at compile time: a template body, a
// block, a macro, a call block's caller or a recursive loop. Each call of
// it gets a frame with nslots slots.
type fnScope struct {
	parent *fnScope // enclosing function whose variables it closes over
	nslots int
	block  bool // a block body: super() refers to the parent block
	// free maps the names loaded from the template context to the slots
	// caching them.
	free map[string]int
}

// scope is a lexical scope at compile time. The names it assigns live in
// slots of its function; a slot not yet assigned falls back to the binding
// the name has in the enclosing scope, as Jinja2 resolves names.
type scope struct {
	parent *scope
	fn     *fnScope
	names  map[string]int
	// root marks a template's top level: its assignments are also written
	// to the template context (seen by blocks, exported to importers).
	root bool
}

func newScope(parent *scope, fn *fnScope) *scope {
	return &scope{parent: parent, fn: fn, names: map[string]int{}}
}

// declare gives name a slot in sc (once) and returns it.
func (sc *scope) declare(name string) int {
	if i, ok := sc.names[name]; ok {
		return i
	}
	i := sc.fn.nslots
	sc.fn.nslots++
	sc.names[name] = i
	return i
}

// ref is the compile-time resolution of a name: a slot depth frames up
// from the current one, and what a load falls back to while the slot is
// unset (nil: the template context).
type ref struct {
	depth    int
	slot     int
	fallback *ref
}

// resolve finds the binding of name visible from sc; nil means the name is
// free (looked up in the template context and globals).
func (sc *scope) resolve(name string) *ref {
	depth := 0
	for s := sc; s != nil; s = s.parent {
		if i, ok := s.names[name]; ok {
			r := &ref{depth: depth, slot: i}
			if s.parent != nil {
				fb := s.parent.resolve(name)
				if fb != nil {
					if s.parent.fn != s.fn {
						fb.depth++
					}
					fb.depth += depth
				}
				r.fallback = fb
			}
			return r
		}
		if s.parent != nil && s.parent.fn != s.fn {
			depth++
		}
	}
	return nil
}

// visible returns the names bound in sc and its enclosing scopes, outer
// names first.
func (sc *scope) visible() []string {
	var chain []*scope
	for s := sc; s != nil; s = s.parent {
		chain = append(chain, s)
	}
	seen := map[string]bool{}
	var names []string
	for i := len(chain) - 1; i >= 0; i-- {
		for n := range chain[i].names {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return names
}

// declareStores gives a slot in sc to every name the statements assign at
// this scope level (if branches included; loop bodies, macros, blocks and
// with bodies have scopes of their own).
func declareStores(sc *scope, body []Stmt) {
	for _, st := range body {
		switch n := st.(type) {
		case *Set:
			declareTarget(sc, n.Target)
		case *SetBlock:
			declareTarget(sc, n.Target)
		case *Macro:
			sc.declare(n.Name)
		case *Import:
			sc.declare(n.Alias)
		case *FromImport:
			for _, in := range n.Names {
				sc.declare(in.Alias)
			}
		case *If:
			declareStores(sc, n.Then)
			declareStores(sc, n.Else)
		}
	}
}

func declareTarget(sc *scope, t Target) {
	switch n := t.(type) {
	case *NameTarget:
		sc.declare(n.Name)
	case *TupleTarget:
		for _, it := range n.Items {
			declareTarget(sc, it)
		}
	}
}
