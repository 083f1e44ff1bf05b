package templates

import (
	"errors"

	controlStructures "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// lookupName is the hidden global function that looks up an attribute
// without building a stack trace when it is missing.
const lookupName = "__unet_lookup"

// errMissingAttribute is the value of a missing attribute under default():
// the filter replaces it, so it needs no message of its own.
var errMissingAttribute = errors.New("attribute not found")

// lookupFunction is __unet_lookup(obj, "attr"): obj.attr as gonja's
// evaluator resolves it (attribute, then item), or an error value when it
// is missing.
func lookupFunction(va *exec.VarArgs) *exec.Value {
	if len(va.Args) != 2 {
		return exec.AsValue(errors.New("__unet_lookup takes two arguments"))
	}
	obj, attr := va.Args[0], va.Args[1].String()
	if obj.IsError() {
		return obj
	}
	if v, ok := obj.GetAttribute(attr); ok {
		return v
	}
	if v, ok := obj.GetItem(attr); ok {
		return v
	}
	return exec.AsValue(errMissingAttribute)
}

// optimizeDefaults rewrites x.attr | default(...) into
// __unet_lookup(x, "attr") | default(...) throughout a parsed template. In
// strict mode gonja reports a missing attribute with an error that records
// a stack trace, which made templates full of default() several times
// slower; the rewritten form gives the same result without it.
func optimizeDefaults(n nodes.Node) {
	switch x := n.(type) {
	case *nodes.Template:
		for _, c := range x.Nodes {
			optimizeDefaults(c)
		}
		for _, b := range x.Blocks {
			optimizeDefaults(b)
		}
		for _, m := range x.Macros {
			optimizeDefaults(m.Wrapper)
		}
		if x.Parent != nil {
			optimizeDefaults(x.Parent)
		}
	case *nodes.Wrapper:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			optimizeDefaults(c)
		}
	case *nodes.Output:
		x.Expression = optimizeExpr(x.Expression)
	case *nodes.ControlStructureBlock:
		switch cs := x.ControlStructure.(type) {
		case *forStmt:
			cs.iterable = optimizeExpr(cs.iterable)
			if cs.cond != nil {
				cs.cond = optimizeExpr(cs.cond)
			}
			optimizeDefaults(cs.body)
			optimizeDefaults(cs.empty)
		case *controlStructures.IfControlStructure:
			for i := range cs.Conditions {
				cs.Conditions[i] = optimizeExpr(cs.Conditions[i])
			}
			for _, w := range cs.Wrappers {
				optimizeDefaults(w)
			}
		case *controlStructures.MacroControlStructure:
			optimizeDefaults(cs.Wrapper)
		case *controlStructures.SetControlStructure:
			boundSet(cs)
		case *macroStmt:
			optimizeDefaults(cs.Wrapper)
		case *callStmt:
			if cs.call != nil {
				boundExpr(cs.call)
			}
			optimizeDefaults(cs.body)
		case *setTupleStmt:
			for i := range cs.values {
				cs.values[i] = optimizeExpr(cs.values[i])
			}
		}
	}
}

// optimizeExpr rewrites one expression: x.attr | default(...) (see
// optimizeDefaults) and the operators that can build large values (see
// boundExpr).
func optimizeExpr(e nodes.Expression) nodes.Expression {
	return boundExpr(optimizeDefault(e))
}

// optimizeDefault rewrites one expression if it is x.attr | default(...).
func optimizeDefault(e nodes.Expression) nodes.Expression {
	fe, ok := e.(*nodes.FilteredExpression)
	if !ok || len(fe.Filters) == 0 || (fe.Filters[0].Name != "default" && fe.Filters[0].Name != "d") {
		return e
	}
	ga, ok := fe.Expression.(*nodes.GetAttribute)
	if !ok || ga.Attribute == "" {
		return e
	}
	obj, ok := ga.Node.(nodes.Expression)
	if !ok {
		return e
	}
	tok := &tokens.Token{Type: tokens.Name, Val: lookupName}
	if p := ga.Position(); p != nil {
		tok.Line, tok.Col, tok.Pos = p.Line, p.Col, p.Pos
	}
	fe.Expression = &nodes.Call{
		Location: tok,
		Func:     &nodes.Name{Name: tok},
		Args:     []nodes.Expression{obj, &nodes.String{Location: tok, Val: ga.Attribute}},
		Kwargs:   map[string]nodes.Expression{},
	}
	return e
}
