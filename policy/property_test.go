package policy

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// exprGen builds random well-typed conditions over a fixed set of fields.
type exprGen struct{ rng *rand.Rand }

var propFields = [][]string{
	{"node", "vendor"}, {"node", "role"}, {"node", "domain"}, {"node", "tags"},
	{"node", "software_version"}, {"custom_data", "count"}, {"custom_data", "flag"},
	{"custom_data", "x", "y"}, {"custom_data", "list"},
}

var propStrings = []string{"cisco", "core", "", "17.9.4", "a", "lab"}

func (g exprGen) field() *FieldRef {
	return &FieldRef{Path: propFields[g.rng.IntN(len(propFields))]}
}

func (g exprGen) literal() Operand {
	switch g.rng.IntN(5) {
	case 0:
		return &Literal{Kind: LitNumber, Value: float64(g.rng.IntN(7) - 2)}
	case 1:
		return &Literal{Kind: LitBool, Value: g.rng.IntN(2) == 0}
	case 2:
		return &Literal{Kind: LitNull}
	}
	return &Literal{Kind: LitString, Value: propStrings[g.rng.IntN(len(propStrings))]}
}

func (g exprGen) operand() Operand {
	switch g.rng.IntN(6) {
	case 0:
		return g.literal()
	case 1:
		names := []string{"len", "lower", "upper", "version"}
		return &Call{Name: names[g.rng.IntN(len(names))], Args: []Operand{g.field()}}
	}
	return g.field()
}

func (g exprGen) leaf() Expr {
	x := g.operand()
	switch g.rng.IntN(8) {
	case 0:
		return &NullExpr{X: x, Not: g.rng.IntN(2) == 0}
	case 1:
		pats := []string{"^c", "o", "^$", "[0-9]+"}
		return &CompareExpr{Op: []CompareOp{OpMatches, OpRegex, OpNRegex}[g.rng.IntN(3)], X: x,
			Y: &Literal{Kind: LitRegex, Value: pats[g.rng.IntN(len(pats))], Flags: []string{"", "i"}[g.rng.IntN(2)]}}
	case 2:
		l := &ListLit{}
		for range g.rng.IntN(3) {
			l.Elems = append(l.Elems, g.literal())
		}
		return &CompareExpr{Op: []CompareOp{OpIn, OpNotIn}[g.rng.IntN(2)], X: x, Y: l}
	case 3:
		return &TruthExpr{X: g.field()}
	}
	ops := []CompareOp{OpEq, OpNeq, OpLt, OpLe, OpGt, OpGe, OpContains, OpIs, OpIsNot}
	return &CompareExpr{Op: ops[g.rng.IntN(len(ops))], X: x, Y: g.operand()}
}

func (g exprGen) expr(depth int) Expr {
	if depth <= 0 || g.rng.IntN(3) == 0 {
		return g.leaf()
	}
	switch g.rng.IntN(3) {
	case 0:
		return &NotExpr{X: g.expr(depth - 1)}
	case 1:
		return &BinaryExpr{Op: OpAnd, X: g.expr(depth - 1), Y: g.expr(depth - 1)}
	}
	return &BinaryExpr{Op: OpOr, X: g.expr(depth - 1), Y: g.expr(depth - 1)}
}

func (g exprGen) value() (any, bool) {
	switch g.rng.IntN(8) {
	case 0:
		return nil, false // missing
	case 1:
		return nil, true
	case 2:
		return g.rng.IntN(5) - 1, true
	case 3:
		return g.rng.IntN(2) == 0, true
	case 4:
		return []any{propStrings[g.rng.IntN(len(propStrings))], 1}, true
	}
	return propStrings[g.rng.IntN(len(propStrings))], true
}

func (g exprGen) node() map[string]any {
	n := map[string]any{}
	cd := map[string]any{}
	for _, f := range propFields {
		v, ok := g.value()
		if !ok {
			continue
		}
		switch {
		case f[0] == "node":
			n[f[1]] = v
		case len(f) == 2:
			cd[f[1]] = v
		default:
			cd[f[1]] = map[string]any{f[2]: v}
		}
	}
	if g.rng.IntN(6) != 0 {
		n["custom_data"] = cd
	}
	return n
}

// TestPropertyDeMorgan checks NOT (A AND B) ≡ NOT A OR NOT B (and the dual
// and double negation) over random conditions and random nodes, with
// missing fields, nulls and type mismatches.
func TestPropertyDeMorgan(t *testing.T) {
	g := exprGen{rng: rand.New(rand.NewPCG(42, 7))}
	for i := range 400 {
		a, b := g.expr(3), g.expr(3)
		pairs := [][2]Expr{
			{&NotExpr{X: &BinaryExpr{Op: OpAnd, X: a, Y: b}}, &BinaryExpr{Op: OpOr, X: &NotExpr{X: a}, Y: &NotExpr{X: b}}},
			{&NotExpr{X: &BinaryExpr{Op: OpOr, X: a, Y: b}}, &BinaryExpr{Op: OpAnd, X: &NotExpr{X: a}, Y: &NotExpr{X: b}}},
			{&NotExpr{X: &NotExpr{X: a}}, a},
		}
		src := ""
		for j, p := range pairs {
			src += fmt.Sprintf("RULE \"l%d\" WHEN %s THEN APPLY \"x\"\nRULE \"r%d\" WHEN %s THEN APPLY \"x\"\n", j, ExprString(p[0]), j, ExprString(p[1]))
		}
		f, err := ParseFile("prop.rules", []byte(src))
		if err != nil {
			t.Fatalf("case %d: generated source does not parse: %v\n%s", i, err, src)
		}
		prog, err := Compile(f)
		if err != nil {
			t.Fatalf("case %d: generated source does not compile: %v\n%s", i, err, src)
		}
		for range 25 {
			node := g.node()
			ev := prog.EvalNode(Input{Node: node})
			for j := range pairs {
				l, r := ev.Results[2*j], ev.Results[2*j+1]
				if l.Status != r.Status {
					t.Fatalf("case %d: %s gives %s but %s gives %s for node %v", i, l.Rule.Text, l.Status, r.Rule.Text, r.Status, node)
				}
			}
		}
	}
}
