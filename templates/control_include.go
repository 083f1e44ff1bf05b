package templates

import (
	"fmt"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// includeStmt is {% include NAME [ignore missing] [with|without context] %}.
// NAME is a string or a list of strings (the first existing one is used).
type includeStmt struct {
	env           *Env
	location      *tokens.Token
	name          nodes.Expression
	ignoreMissing bool
}

// Position returns the position of the statement.
func (s *includeStmt) Position() *tokens.Token { return s.location }

// String describes the statement.
func (s *includeStmt) String() string {
	return fmt.Sprintf("include(%s) at line %d", s.name, s.location.Line)
}

// Execute renders the included template with the current context.
func (s *includeStmt) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	v := r.Eval(s.name)
	if v.IsError() {
		return v
	}
	var candidates []string
	if v.IsList() {
		v.Iterate(func(_, _ int, key, _ *exec.Value) bool {
			candidates = append(candidates, key.String())
			return true
		}, func() {})
	} else {
		candidates = []string{v.String()}
	}
	var tpl *exec.Template
	var name string
	var lastErr error
	for _, c := range candidates {
		t, clean, err := s.env.template(c)
		if err == nil {
			tpl, name = t, clean
			break
		}
		if !isNotFound(err) {
			return err
		}
		lastErr = err
	}
	if tpl == nil {
		if s.ignoreMissing {
			return nil
		}
		if lastErr == nil {
			return fmt.Errorf("include: empty list of templates")
		}
		if len(candidates) == 1 {
			return fmt.Errorf("include %q: %w", candidates[0], ErrNotFound)
		}
		return fmt.Errorf("include %q: none of them exists: %w", candidates, ErrNotFound)
	}
	st := stateOf(r)
	if st != nil {
		if err := st.enter(); err != nil {
			return err
		}
		defer st.leave()
	}
	sub := &exec.Environment{
		Context:           r.Environment.Context.Inherit(),
		Filters:           r.Environment.Filters,
		Tests:             r.Environment.Tests,
		ControlStructures: r.Environment.ControlStructures,
		Methods:           r.Environment.Methods,
	}
	if err := exec.NewRenderer(sub, r.Output, r.Config.Inherit(), &sandboxLoader{env: s.env}, tpl).Execute(); err != nil {
		return s.env.attribute(outermost(tpl.Root(), name), err, st)
	}
	return nil
}

func (e *Env) includeParser(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	s := &includeStmt{env: e, location: p.Current()}
	expr, err := args.ParseExpression()
	if err != nil {
		return nil, err
	}
	s.name = expr
	if args.MatchName("ignore") != nil {
		if args.MatchName("missing") == nil {
			return nil, args.Error("expected 'missing' after 'ignore'", args.Current())
		}
		s.ignoreMissing = true
	}
	if err := parseWithContext(args); err != nil {
		return nil, err
	}
	if !args.End() {
		return nil, args.Error("malformed include statement", args.Current())
	}
	return s, nil
}

// parseWithContext accepts an optional "with context" or "without context".
func parseWithContext(args *parser.Parser) error {
	if args.MatchName("with", "without") != nil {
		if args.MatchName("context") == nil {
			return args.Error("expected 'context'", args.Current())
		}
	}
	return nil
}

// importStmt is {% import NAME as ALIAS %} and
// {% from NAME import a, b as c %}.
type importStmt struct {
	env      *Env
	location *tokens.Token
	name     nodes.Expression
	alias    string            // import ... as alias
	names    map[string]string // from ... import: local name -> macro name
	order    []string          // local names in source order
}

// Position returns the position of the statement.
func (s *importStmt) Position() *tokens.Token { return s.location }

// String describes the statement.
func (s *importStmt) String() string {
	return fmt.Sprintf("import(%s) at line %d", s.name, s.location.Line)
}

// Execute loads the macros of the imported template into the context.
func (s *importStmt) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	v := r.Eval(s.name)
	if v.IsError() {
		return v
	}
	tpl, name, err := s.env.template(v.String())
	if isNotFound(err) {
		return fmt.Errorf("import %q: %w", v.String(), ErrNotFound)
	}
	if err != nil {
		return err
	}
	// Macros of the module see each other, as in a Jinja2 module.
	module := r.Inherit()
	macros := map[string]exec.Macro{}
	st := stateOf(r)
	for mname, node := range tpl.Macros() {
		fn, err := exec.MacroNodeToFunc(node, module)
		if err != nil {
			return &Error{Template: name, Line: node.Location.Line, Msg: err.Error()}
		}
		fn = s.env.attributedMacro(name, fn, st)
		macros[mname] = fn
		module.Environment.Context.Set(mname, fn)
	}
	if s.alias != "" {
		r.Environment.Context.Set(s.alias, macros)
		return nil
	}
	for _, local := range s.order {
		fn, ok := macros[s.names[local]]
		if !ok {
			return fmt.Errorf("template %q has no macro %q", name, s.names[local])
		}
		r.Environment.Context.Set(local, fn)
	}
	return nil
}

func (e *Env) importParser(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	s := &importStmt{env: e, location: p.Current()}
	expr, err := args.ParseExpression()
	if err != nil {
		return nil, err
	}
	s.name = expr
	if args.MatchName("as") == nil {
		return nil, args.Error("expected 'as'", args.Current())
	}
	alias := args.Match(tokens.Name)
	if alias == nil {
		return nil, args.Error("expected an alias name after 'as'", args.Current())
	}
	s.alias = alias.Val
	if err := parseWithContext(args); err != nil {
		return nil, err
	}
	if !args.End() {
		return nil, args.Error("malformed import statement", args.Current())
	}
	return s, nil
}

func (e *Env) fromParser(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	s := &importStmt{env: e, location: p.Current(), names: map[string]string{}}
	expr, err := args.ParseExpression()
	if err != nil {
		return nil, err
	}
	s.name = expr
	if args.MatchName("import") == nil {
		return nil, args.Error("expected 'import'", args.Current())
	}
	for !args.End() {
		if args.CurrentName("with", "without") != nil {
			if err := parseWithContext(args); err != nil {
				return nil, err
			}
			break
		}
		name := args.Match(tokens.Name)
		if name == nil {
			return nil, args.Error("expected a macro name", args.Current())
		}
		local := name.Val
		if args.MatchName("as") != nil {
			alias := args.Match(tokens.Name)
			if alias == nil {
				return nil, args.Error("expected an alias name after 'as'", args.Current())
			}
			local = alias.Val
		}
		s.names[local] = name.Val
		s.order = append(s.order, local)
		if args.Match(tokens.Comma) == nil {
			break
		}
	}
	if len(s.order) == 0 {
		return nil, args.Error("expected at least one macro name to import", args.Current())
	}
	if !args.End() {
		return nil, args.Error("malformed from-import statement", args.Current())
	}
	return s, nil
}

// extendsStmt is {% extends NAME %}; the parent is attached to the parsed
// template, so the statement renders nothing itself.
type extendsStmt struct {
	location *tokens.Token
	name     string
}

// Position returns the position of the statement.
func (s *extendsStmt) Position() *tokens.Token { return s.location }

// String describes the statement.
func (s *extendsStmt) String() string {
	return fmt.Sprintf("extends(%q) at line %d", s.name, s.location.Line)
}

// extendsParser parses the parent template through the sandboxed loader,
// reporting a missing or escaping parent, a parent's own errors and
// unbounded extends chains with their positions.
func (e *Env) extendsParser(p *parser.Parser, args *parser.Parser) (nodes.ControlStructure, error) {
	tok := args.Match(tokens.String)
	if tok == nil {
		return nil, args.Error("extends requires a template name as a string literal", args.Current())
	}
	if p.Template.Parent != nil {
		return nil, args.Error("a template can extend only one parent", tok)
	}
	if err := parseWithContext(args); err != nil {
		return nil, err
	}
	if !args.End() {
		return nil, args.Error("malformed extends statement", args.Current())
	}
	clean, _, err := e.readSource(tok.Val)
	if err != nil {
		return nil, &posError{line: tok.Line, col: tok.Col, err: err}
	}
	if l, ok := p.Loader.(*sandboxLoader); ok && l.depth+1 > e.opts.MaxDepth {
		return nil, &posError{line: tok.Line, col: tok.Col, err: fmt.Errorf("extends chain deeper than %d templates (a template extending itself?): %w", e.opts.MaxDepth, ErrDepthLimit)}
	}
	parent, err := p.Extend(clean)
	if err != nil {
		return nil, e.locate(parseError(clean, err), err.Error())
	}
	p.Template.Parent = parent
	return &extendsStmt{location: tok, name: clean}, nil
}
