package templates

import (
	"fmt"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// setTupleStmt is {% set a, b = x, y %} (or = an iterable of as many
// items), which gonja's set statement does not support.
type setTupleStmt struct {
	location *tokens.Token
	targets  []string
	values   []nodes.Expression
}

// Position returns the position of the statement.
func (s *setTupleStmt) Position() *tokens.Token { return s.location }

// String describes the statement.
func (s *setTupleStmt) String() string { return fmt.Sprintf("set at line %d", s.location.Line) }

// Execute assigns the targets.
func (s *setTupleStmt) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	var vals []*exec.Value
	for _, e := range s.values {
		v := r.Eval(e)
		if v.IsError() {
			return v
		}
		vals = append(vals, v)
	}
	if len(vals) == 1 {
		seq := vals[0]
		vals = nil
		seq.Iterate(func(_, _ int, key, _ *exec.Value) bool {
			vals = append(vals, key)
			return true
		}, func() {})
	}
	if len(vals) != len(s.targets) {
		return fmt.Errorf("set: %d names but %d values to unpack", len(s.targets), len(vals))
	}
	for i, name := range s.targets {
		r.Environment.Context.Set(name, vals[i].Interface())
	}
	return nil
}

// setParser parses set statements: tuple assignments itself, everything
// else ({% set x = … %}, {% set ns.x = … %}, block set) with gonja's parser.
func (e *Env) setParser(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	location := p.Current()
	var toks []*tokens.Token
	for !args.End() {
		toks = append(toks, args.Next())
	}
	newArgs := func(ts []*tokens.Token) *parser.Parser {
		return parser.NewParser(p.Template.Identifier, tokens.NewStream(ts), p.Config, p.Loader, e.genv.ControlStructures)
	}
	// Tuple form: Name (, Name)+ = ...
	n := 0
	for n+1 < len(toks) && toks[n].Type == tokens.Name && toks[n+1].Type == tokens.Comma {
		n += 2
	}
	if n == 0 || n+1 >= len(toks) || toks[n].Type != tokens.Name || toks[n+1].Type != tokens.Assign {
		orig, _ := builtins.ControlStructures.Get("set")
		return orig(p, newArgs(toks))
	}
	s := &setTupleStmt{location: location}
	for i := 0; i <= n; i += 2 {
		s.targets = append(s.targets, toks[i].Val)
	}
	rhs := newArgs(toks[n+2:])
	for {
		expr, err := rhs.ParseExpression()
		if err != nil {
			return nil, err
		}
		s.values = append(s.values, expr)
		if rhs.Match(tokens.Comma) == nil {
			break
		}
	}
	if !rhs.End() {
		return nil, rhs.Error("malformed set statement", rhs.Current())
	}
	return s, nil
}
