package templates

import (
	"fmt"

	"github.com/nikolalohinski/gonja/v2/builtins"
	controlStructures "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// gonjaStatements lists the statements of gonja the environment uses as
// they are (apart from positioned errors and checkpoints).
var gonjaStatements = []string{
	"autoescape", "filter", "if", "macro", "raw", "with", "do", "break", "continue",
}

// newControlStructures builds the statement set of an environment: gonja's
// statements with positioned parse errors and macro checkpoints; μNet's
// own for (Jinja2 loop semantics, a time checkpoint per iteration), set
// (tuple assignment), call (caller arguments), and sandboxed
// include/import/from/extends that resolve names from the template root.
func (e *Env) newControlStructures() *exec.ControlStructureSet {
	set := map[string]parser.ControlStructureParser{}
	for _, name := range gonjaStatements {
		orig, ok := builtins.ControlStructures.Get(name)
		if !ok {
			continue
		}
		set[name] = e.guardParser(orig)
	}
	set["include"] = e.guardParser(e.includeParser)
	set["import"] = e.guardParser(e.importParser)
	set["from"] = e.guardParser(e.fromParser)
	set["extends"] = e.guardParser(e.extendsParser)
	set["call"] = e.guardParser(e.callParser)
	set["for"] = e.guardParser(forParser)
	set["set"] = e.guardParser(e.setParser)
	set["block"] = e.guardParser(e.blockParser)
	return exec.NewControlStructureSet(set)
}

// guardParser wraps a statement parser: errors without a position get the
// position of the statement, and macro bodies count their nesting depth
// and accept extra arguments as varargs/kwargs.
func (e *Env) guardParser(orig parser.ControlStructureParser) parser.ControlStructureParser {
	return func(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
		at := args.Current()
		if at == nil || at.Line == 0 {
			at = p.Current()
		}
		cs, err := orig(p, args)
		if err != nil {
			if hasPosition(err) || at == nil {
				return nil, err
			}
			return nil, &posError{line: at.Line, col: at.Col, err: err}
		}
		switch c := cs.(type) {
		case *controlStructures.MacroControlStructure:
			if c.Macro != nil && c.Wrapper != nil {
				// Jinja2 macros accept extra arguments as varargs and kwargs.
				if c.VarArgsName == "" {
					c.VarArgsName = "varargs"
				}
				if c.KwArgsName == "" {
					c.KwArgsName = "kwargs"
				}
				w := c.Wrapper
				w.Nodes = append([]nodes.Node{macroCheckpoint(enterName, c.Name, c.Location, at)}, w.Nodes...)
				w.Nodes = append(w.Nodes, macroCheckpoint(leaveName, c.Name, c.Location, at))
			}
			return &macroStmt{MacroControlStructure: c, env: e, tpl: p.Template.Identifier}, nil
		}
		return cs, nil
	}
}

// checkpoint builds a hidden statement positioned at the first non-nil
// token that runs a check of the render state (see checkpointStmt).
func checkpoint(kind string, pos ...*tokens.Token) nodes.Node {
	return macroCheckpoint(kind, "", pos...)
}

// macroCheckpoint is a checkpoint at the start or end of macro's body.
func macroCheckpoint(kind, macro string, pos ...*tokens.Token) nodes.Node {
	tok := &tokens.Token{Type: tokens.Name, Val: "checkpoint"}
	for _, p := range pos {
		if p != nil {
			tok.Line, tok.Col, tok.Pos = p.Line, p.Col, p.Pos
			break
		}
	}
	return &nodes.ControlStructureBlock{Location: tok, Name: "checkpoint", ControlStructure: &checkpointStmt{location: tok, kind: kind, macro: macro}}
}

// checkpointStmt is inserted at the start of every loop body ("tick") and
// around every macro body ("enter", "leave"). It renders nothing; it stops
// the render when the time limit is reached, when nesting is too deep, or
// when the text being built (also a macro's or a call block's output, which
// is collected in memory before it reaches the render output) exceeds the
// output size limit.
type checkpointStmt struct {
	location *tokens.Token
	kind     string
	macro    string // for "enter": the macro whose body starts
}

// Position returns the position of the statement.
func (c *checkpointStmt) Position() *tokens.Token { return c.location }

// String describes the statement.
func (c *checkpointStmt) String() string { return "checkpoint " + c.kind }

// Execute runs the check.
func (c *checkpointStmt) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	st := stateOf(r)
	if st == nil {
		return nil
	}
	switch c.kind {
	case enterName:
		if p := st.caller; p != nil && p.macro == c.macro {
			r.Environment.Context.Set("caller", p.fn)
			st.caller = nil
		}
		return st.enter()
	case leaveName:
		st.leave()
		return nil
	}
	if err := st.check(); err != nil {
		return err
	}
	if l, ok := r.Output.(interface{ Len() int }); ok && l.Len() > st.maxOutput {
		st.limit = fmt.Errorf("output larger than %d bytes: %w", st.maxOutput, ErrOutputLimit)
		return st.limit
	}
	return nil
}

// stateOf returns the render state bound to a renderer's context.
func stateOf(r *exec.Renderer) *renderState {
	v, ok := r.Environment.Context.Get(stateName)
	if !ok {
		return nil
	}
	st, _ := v.(*renderState)
	return st
}

// blockParser accepts Jinja2's {% block name scoped %} and delegates to
// gonja's block statement, whose blocks always see the enclosing scope
// (what "scoped" asks for).
func (e *Env) blockParser(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	var toks []*tokens.Token
	for !args.End() {
		toks = append(toks, args.Next())
	}
	if n := len(toks); n == 2 && toks[1].Type == tokens.Name && toks[1].Val == "scoped" {
		toks = toks[:1]
	}
	orig, _ := builtins.ControlStructures.Get("block")
	cs, err := orig(p, parser.NewParser(p.Template.Identifier, tokens.NewStream(toks), p.Config, p.Loader, e.genv.ControlStructures))
	if err != nil {
		return nil, err
	}
	inner, ok := cs.(exec.ControlStructure)
	if !ok || len(toks) == 0 {
		return cs, nil
	}
	return &blockStmt{ControlStructure: inner, env: e, name: toks[0].Val}, nil
}

// blockStmt is gonja's block statement whose errors name the template that
// defines the block body being rendered (a child overriding its parent's
// block, or the parent itself).
type blockStmt struct {
	exec.ControlStructure
	env  *Env
	name string
}

// Execute renders the block and attributes its errors.
func (b *blockStmt) Execute(r *exec.Renderer, tag *nodes.ControlStructureBlock) error {
	err := b.ControlStructure.Execute(r, tag)
	if err == nil {
		return nil
	}
	owner := blockOwner(r.RootNode, b.name)
	if owner == "" {
		return err
	}
	return b.env.attribute(owner, err, stateOf(r))
}

// macroStmt is gonja's macro statement whose macro reports its errors in
// the template that defines it (a macro of a parent template can be called
// from a child's block).
type macroStmt struct {
	*controlStructures.MacroControlStructure
	env *Env
	tpl string
}

// Execute defines the macro in the context, wrapped.
func (m *macroStmt) Execute(r *exec.Renderer, tag *nodes.ControlStructureBlock) error {
	if err := m.MacroControlStructure.Execute(r, tag); err != nil {
		return err
	}
	v, _ := r.Environment.Context.Get(m.Name)
	if fn, ok := v.(exec.Macro); ok && m.tpl != "" {
		r.Environment.Context.Set(m.Name, m.env.attributedMacro(m.tpl, fn, stateOf(r)))
	}
	return nil
}
