package jinja

import (
	"strings"
)

// dumpBody renders a body compactly, in the notation of the expectations
// derived from Jinja2's parser (see parser_test.go).
func dumpBody(body []Stmt) string {
	parts := make([]string, len(body))
	for i, s := range body {
		parts[i] = dumpStmt(s)
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func dumpTarget(t Target) string {
	switch t := t.(type) {
	case *NameTarget:
		return t.Name
	case *AttrTarget:
		return t.Name + "." + t.Attr
	case *TupleTarget:
		parts := make([]string, len(t.Items))
		for i, it := range t.Items {
			parts[i] = dumpTarget(it)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return "?"
}

func dumpParams(ps []Param) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Name
		if p.Default != nil {
			parts[i] += "=" + dumpExpr(p.Default)
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func dumpFilters(fs []*Filter) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = dumpCall("F", []string{f.Name}, f.Args, f.Kwargs, f.Star, f.StarStar)
		parts[i] = parts[i][2 : len(parts[i])-1]
	}
	return strings.Join(parts, " | ")
}

func dumpStmt(s Stmt) string {
	switch s := s.(type) {
	case *Text:
		return "Text(" + Repr(s.Text) + ")"
	case *Output:
		return "Out(" + dumpExpr(s.X) + ")"
	case *If:
		name := "If"
		if s.Elif {
			name = "Elif"
		}
		return name + "(" + dumpExpr(s.Cond) + ", " + dumpBody(s.Then) + ", " + dumpBody(s.Else) + ")"
	case *For:
		r := "For(" + dumpTarget(s.Target) + ", " + dumpExpr(s.Iter) + ", " + dumpExpr(s.Filter) + ", " + dumpBody(s.Body) + ", " + dumpBody(s.Else)
		if s.Recursive {
			r += ", recursive"
		}
		return r + ")"
	case *Set:
		return "Set(" + dumpTarget(s.Target) + ", " + dumpExpr(s.Value) + ")"
	case *SetBlock:
		return "SetBlock(" + dumpTarget(s.Target) + ", " + dumpFilters(s.Filters) + ", " + dumpBody(s.Body) + ")"
	case *Macro:
		return "Macro(" + s.Name + dumpParams(s.Params) + ", " + dumpBody(s.Body) + ")"
	case *CallBlock:
		return "CallBlock(" + dumpParams(s.Params) + ", " + dumpExpr(s.Call) + ", " + dumpBody(s.Body) + ")"
	case *FilterBlock:
		return "FilterBlock(" + dumpFilters(s.Filters) + ", " + dumpBody(s.Body) + ")"
	case *Include:
		r := "Include(" + dumpExpr(s.Template)
		if s.IgnoreMissing {
			r += ", ignore missing"
		}
		if !s.WithContext {
			r += ", without context"
		}
		return r + ")"
	case *Import:
		r := "Import(" + dumpExpr(s.Template) + ", " + s.Alias
		if s.WithContext {
			r += ", with context"
		}
		return r + ")"
	case *FromImport:
		names := make([]string, len(s.Names))
		for i, n := range s.Names {
			names[i] = n.Name
			if n.Alias != n.Name {
				names[i] += " as " + n.Alias
			}
		}
		r := "FromImport(" + dumpExpr(s.Template) + ", " + strings.Join(names, ", ")
		if s.WithContext {
			r += ", with context"
		}
		return r + ")"
	case *Extends:
		return "Extends(" + dumpExpr(s.Template) + ")"
	case *Block:
		r := "Block(" + s.Name
		if s.Scoped {
			r += " scoped"
		}
		if s.Required {
			r += " required"
		}
		return r + ", " + dumpBody(s.Body) + ")"
	case *With:
		parts := make([]string, len(s.Targets))
		for i := range s.Targets {
			parts[i] = dumpTarget(s.Targets[i]) + "=" + dumpExpr(s.Values[i])
		}
		return "With(" + strings.Join(parts, ", ") + ", " + dumpBody(s.Body) + ")"
	case *Break:
		return "Break"
	case *Continue:
		return "Continue"
	case *Do:
		return "Do(" + dumpExpr(s.X) + ")"
	}
	return "?"
}

var dumpBinary = map[string]string{"+": "Add", "-": "Sub", "*": "Mul", "/": "Div", "//": "FloorDiv",
	"%": "Mod", "**": "Pow", "~": "Concat", "and": "And", "or": "Or"}

func dumpList(name string, xs []Expr) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = dumpExpr(x)
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}

func dumpCall(name string, head []string, args []Expr, kwargs []Kwarg, star, starStar Expr) string {
	parts := head
	for _, a := range args {
		parts = append(parts, dumpExpr(a))
	}
	for _, k := range kwargs {
		parts = append(parts, k.Name+"="+dumpExpr(k.Value))
	}
	if star != nil {
		parts = append(parts, "*"+dumpExpr(star))
	}
	if starStar != nil {
		parts = append(parts, "**"+dumpExpr(starStar))
	}
	return name + "(" + strings.Join(parts, ", ") + ")"
}

func dumpExpr(x Expr) string {
	switch x := x.(type) {
	case nil:
		return "_"
	case *Const:
		return Repr(x.Value)
	case *Name:
		return x.Name
	case *Binary:
		return dumpBinary[x.Op] + "(" + dumpExpr(x.L) + ", " + dumpExpr(x.R) + ")"
	case *Unary:
		if t, ok := x.X.(*Test); ok && x.Op == "not" && !t.Negated {
			// Jinja2 has one node for "not x is t" and "x is not t".
			return dumpCall("NotTest", []string{dumpExpr(t.X), t.Name}, t.Args, t.Kwargs, nil, nil)
		}
		return map[string]string{"-": "Neg", "+": "Pos", "not": "Not"}[x.Op] + "(" + dumpExpr(x.X) + ")"
	case *Compare:
		parts := []string{dumpExpr(x.First)}
		for i, op := range x.Ops {
			parts = append(parts, op+" "+dumpExpr(x.Rest[i]))
		}
		return "Compare(" + strings.Join(parts, ", ") + ")"
	case *Cond:
		return "Cond(" + dumpExpr(x.Cond) + ", " + dumpExpr(x.Then) + ", " + dumpExpr(x.Else) + ")"
	case *ListLit:
		return dumpList("List", x.Items)
	case *TupleLit:
		return dumpList("Tuple", x.Items)
	case *DictLit:
		parts := make([]string, len(x.Keys))
		for i := range x.Keys {
			parts[i] = dumpExpr(x.Keys[i]) + ": " + dumpExpr(x.Values[i])
		}
		return "Dict(" + strings.Join(parts, ", ") + ")"
	case *Attr:
		return "Attr(" + dumpExpr(x.X) + ", " + x.Name + ")"
	case *Item:
		return "Item(" + dumpExpr(x.X) + ", " + dumpExpr(x.Key) + ")"
	case *Slice:
		return "Slice(" + dumpExpr(x.X) + ", " + dumpExpr(x.Start) + ", " + dumpExpr(x.Stop) + ", " + dumpExpr(x.Step) + ")"
	case *Call:
		return dumpCall("Call", []string{dumpExpr(x.Fn)}, x.Args, x.Kwargs, x.Star, x.StarStar)
	case *Filter:
		return dumpCall("Filter", []string{dumpExpr(x.X), x.Name}, x.Args, x.Kwargs, x.Star, x.StarStar)
	case *Test:
		name := "Test"
		if x.Negated {
			name = "NotTest"
		}
		return dumpCall(name, []string{dumpExpr(x.X), x.Name}, x.Args, x.Kwargs, nil, nil)
	}
	return "?"
}
