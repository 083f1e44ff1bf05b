package jinja

// Inspect traverses the tree rooted at n in depth-first order, calling f for
// each node; f returning false skips the node's children. Filters of set
// and filter blocks are visited before their bodies.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	stmts := func(list []Stmt) {
		for _, s := range list {
			Inspect(s, f)
		}
	}
	exprs := func(list ...Expr) {
		for _, x := range list {
			if x != nil {
				Inspect(x, f)
			}
		}
	}
	kwargs := func(list []Kwarg) {
		for _, k := range list {
			exprs(k.Value)
		}
	}
	params := func(list []Param) {
		for _, p := range list {
			exprs(p.Default)
		}
	}
	filters := func(list []*Filter) {
		for _, x := range list {
			Inspect(x, f)
		}
	}
	switch x := n.(type) {
	case *Output:
		exprs(x.X)
	case *If:
		exprs(x.Cond)
		stmts(x.Then)
		stmts(x.Else)
	case *For:
		Inspect(x.Target, f)
		exprs(x.Iter, x.Filter)
		stmts(x.Body)
		stmts(x.Else)
	case *Set:
		Inspect(x.Target, f)
		exprs(x.Value)
	case *SetBlock:
		Inspect(x.Target, f)
		filters(x.Filters)
		stmts(x.Body)
	case *Macro:
		params(x.Params)
		stmts(x.Body)
	case *CallBlock:
		Inspect(x.Call, f)
		params(x.Params)
		stmts(x.Body)
	case *FilterBlock:
		filters(x.Filters)
		stmts(x.Body)
	case *Include:
		exprs(x.Template)
	case *Import:
		exprs(x.Template)
	case *FromImport:
		exprs(x.Template)
	case *Extends:
		exprs(x.Template)
	case *Block:
		stmts(x.Body)
	case *With:
		for _, t := range x.Targets {
			Inspect(t, f)
		}
		exprs(x.Values...)
		stmts(x.Body)
	case *Do:
		exprs(x.X)
	case *TupleTarget:
		for _, t := range x.Items {
			Inspect(t, f)
		}
	case *ListLit:
		exprs(x.Items...)
	case *TupleLit:
		exprs(x.Items...)
	case *DictLit:
		for i := range x.Keys {
			exprs(x.Keys[i], x.Values[i])
		}
	case *Attr:
		exprs(x.X)
	case *Item:
		exprs(x.X, x.Key)
	case *Slice:
		exprs(x.X, x.Start, x.Stop, x.Step)
	case *Call:
		exprs(x.Fn)
		exprs(x.Args...)
		kwargs(x.Kwargs)
		exprs(x.Star, x.StarStar)
	case *Filter:
		exprs(x.X)
		exprs(x.Args...)
		kwargs(x.Kwargs)
		exprs(x.Star, x.StarStar)
	case *Test:
		exprs(x.X)
		exprs(x.Args...)
		kwargs(x.Kwargs)
	case *Unary:
		exprs(x.X)
	case *Binary:
		exprs(x.L, x.R)
	case *Compare:
		exprs(x.First)
		exprs(x.Rest...)
	case *Cond:
		exprs(x.Cond, x.Then, x.Else)
	}
}
