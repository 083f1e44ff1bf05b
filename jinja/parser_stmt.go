package jinja

import "strings"

// parseStatement parses the statement whose tag name is current and appends
// its node(s) to body.
func (p *parser) parseStatement(body []Stmt) []Stmt {
	t := p.tok
	if t.kind != tokName {
		p.fail("tag name expected")
	}
	var s Stmt
	p.enter()
	defer func() { p.depth-- }()
	p.tagStack = append(p.tagStack, t.val)
	switch t.val {
	case "for":
		s = p.parseFor()
	case "if":
		s = p.parseIf()
	case "block":
		s = p.parseBlock()
	case "extends":
		p.next()
		s = &Extends{Pos: t.pos, Template: p.parseExpression(true)}
	case "print":
		p.next()
		for n := 0; p.tok.kind != tokBlockEnd; n++ {
			if n > 0 {
				p.expectOp(",")
			}
			pos := p.tok.pos
			body = append(body, &Output{Pos: pos, X: p.parseExpression(true)})
		}
	case "macro":
		s = p.parseMacro()
	case "include":
		s = p.parseInclude()
	case "from":
		s = p.parseFrom()
	case "import":
		s = p.parseImport()
	case "set":
		s = p.parseSet()
	case "with":
		s = p.parseWith()
	case "autoescape":
		p.fail("the autoescape tag is not supported (autoescaping is always off)")
	case "call":
		s = p.parseCallBlock()
	case "filter":
		p.next()
		f := &FilterBlock{Pos: t.pos, Filters: p.parseFilters(true)}
		f.Body = p.parseStatements([]string{"endfilter"}, true)
		s = f
	case "break":
		p.next()
		s = &Break{Pos: t.pos}
	case "continue":
		p.next()
		s = &Continue{Pos: t.pos}
	case "do":
		p.next()
		s = &Do{Pos: t.pos, X: p.parseTuple(false, true, false)}
	default:
		p.tagStack = p.tagStack[:len(p.tagStack)-1]
		p.failUnknownTag(t.val, p.endStack, t.pos)
	}
	p.tagStack = p.tagStack[:len(p.tagStack)-1]
	if s != nil {
		body = append(body, s)
	}
	return body
}

func (p *parser) parseFor() Stmt {
	pos := p.next().pos
	f := &For{Pos: pos}
	f.Target = p.parseAssignTarget(false)
	p.expectName("in")
	f.Iter = p.parseTuple(false, false, false)
	if p.skipName("if") {
		f.Filter = p.parseExpression(true)
	}
	f.Recursive = p.skipName("recursive")
	f.Body = p.parseStatements([]string{"endfor", "else"}, false)
	if p.next().val != "endfor" {
		f.Else = p.parseStatements([]string{"endfor"}, true)
	}
	return f
}

func (p *parser) parseIf() Stmt {
	pos := p.next().pos
	result := &If{Pos: pos}
	node := result
	for {
		node.Cond = p.parseTuple(false, false, false)
		node.Then = p.parseStatements([]string{"elif", "else", "endif"}, false)
		t := p.next()
		if t.val == "elif" {
			n := &If{Pos: t.pos, Elif: true}
			node.Else = []Stmt{n}
			node = n
			continue
		}
		if t.val == "else" {
			node.Else = p.parseStatements([]string{"endif"}, true)
		}
		return result
	}
}

func (p *parser) parseBlock() Stmt {
	pos := p.next().pos
	b := &Block{Pos: pos}
	b.Name = p.expectKind(tokName).val
	b.Scoped = p.skipName("scoped")
	b.Required = p.skipName("required")
	if p.tok.isOp("-") {
		p.fail("Block names in Jinja have to be valid Python identifiers and may not" +
			" contain hyphens, use an underscore instead.")
	}
	b.Body = p.parseStatements([]string{"endblock"}, true)
	if b.Required {
		for _, s := range b.Body {
			if t, ok := s.(*Text); !ok || !allSpace(t.Text) {
				p.fail("Required blocks can only contain comments or whitespace")
			}
		}
	}
	p.skipName(b.Name)
	return b
}

// parseImportContext parses an optional "with context" or "without
// context".
func (p *parser) parseImportContext(def bool) bool {
	if (p.tok.isName("with") || p.tok.isName("without")) && p.look().isName("context") {
		with := p.next().val == "with"
		p.next()
		return with
	}
	return def
}

func (p *parser) parseInclude() Stmt {
	pos := p.next().pos
	n := &Include{Pos: pos, Template: p.parseExpression(true)}
	if p.tok.isName("ignore") && p.look().isName("missing") {
		n.IgnoreMissing = true
		p.next()
		p.next()
	}
	n.WithContext = p.parseImportContext(true)
	return n
}

func (p *parser) parseImport() Stmt {
	pos := p.next().pos
	n := &Import{Pos: pos, Template: p.parseExpression(true)}
	p.expectName("as")
	n.Alias = p.parseNameTarget()
	n.WithContext = p.parseImportContext(false)
	return n
}

func (p *parser) parseFrom() Stmt {
	pos := p.next().pos
	n := &FromImport{Pos: pos, Template: p.parseExpression(true)}
	p.expectName("import")
	context := func() bool {
		if (p.tok.isName("with") || p.tok.isName("without")) && p.look().isName("context") {
			n.WithContext = p.next().val == "with"
			p.next()
			return true
		}
		return false
	}
	for {
		if len(n.Names) > 0 {
			p.expectOp(",")
		}
		if p.tok.kind != tokName {
			p.expectKind(tokName)
		}
		if context() {
			break
		}
		namePos := p.tok.pos
		name := p.parseNameTarget()
		if strings.HasPrefix(name, "_") {
			p.failAt(namePos, "names starting with an underline can not be imported")
		}
		alias := name
		if p.skipName("as") {
			alias = p.parseNameTarget()
		}
		n.Names = append(n.Names, ImportName{Name: name, Alias: alias})
		if context() || !p.tok.isOp(",") {
			break
		}
	}
	return n
}

// parseSignature parses the parameters of a macro or call block.
func (p *parser) parseSignature() []Param {
	params := []Param{}
	p.expectOp("(")
	defaults := false
	for !p.tok.isOp(")") {
		if len(params) > 0 {
			p.expectOp(",")
		}
		prm := Param{Name: p.parseNameTarget()}
		if p.skipOp("=") {
			prm.Default = p.parseExpression(true)
			defaults = true
		} else if defaults {
			p.fail("non-default argument follows default argument")
		}
		params = append(params, prm)
	}
	p.expectOp(")")
	return params
}

func (p *parser) parseMacro() Stmt {
	pos := p.next().pos
	m := &Macro{Pos: pos}
	m.Name = p.parseNameTarget()
	m.Params = p.parseSignature()
	m.Body = p.parseStatements([]string{"endmacro"}, true)
	return m
}

func (p *parser) parseCallBlock() Stmt {
	pos := p.next().pos
	c := &CallBlock{Pos: pos}
	if p.tok.isOp("(") {
		c.Params = p.parseSignature()
	}
	call, ok := p.parseExpression(true).(*Call)
	if !ok {
		p.failAt(pos, "expected call")
	}
	c.Call = call
	c.Body = p.parseStatements([]string{"endcall"}, true)
	return c
}

func (p *parser) parseSet() Stmt {
	pos := p.next().pos
	target := p.parseAssignTarget(true)
	if p.skipOp("=") {
		return &Set{Pos: pos, Target: target, Value: p.parseTuple(false, true, false)}
	}
	s := &SetBlock{Pos: pos, Target: target, Filters: p.parseFilters(false)}
	s.Body = p.parseStatements([]string{"endset"}, true)
	return s
}

func (p *parser) parseWith() Stmt {
	pos := p.next().pos
	w := &With{Pos: pos}
	for p.tok.kind != tokBlockEnd {
		if len(w.Targets) > 0 {
			p.expectOp(",")
		}
		w.Targets = append(w.Targets, p.parseAssignTarget(false))
		p.expectOp("=")
		w.Values = append(w.Values, p.parseExpression(true))
	}
	w.Body = p.parseStatements([]string{"endwith"}, true)
	return w
}

// parseNameTarget parses a name that is assigned to (a macro name or
// parameter, an import alias).
func (p *parser) parseNameTarget() string {
	t := p.expectKind(tokName)
	if isReservedName(t.val) {
		p.failAt(t.pos, "can't assign to 'name'")
	}
	return t.val
}

func isReservedName(s string) bool {
	switch s {
	case "true", "false", "none", "True", "False", "None":
		return true
	}
	return false
}

// parseAssignTarget parses the target of set, for and with: a name, a
// tuple of targets, or with namespace a namespace attribute.
func (p *parser) parseAssignTarget(namespace bool) Target {
	if namespace && p.look().isOp(".") {
		t := p.expectKind(tokName)
		p.next()
		attr := p.expectKind(tokName)
		return &AttrTarget{Pos: t.pos, Name: t.val, Attr: attr.val}
	}
	x := p.parseTuple(true, true, false)
	t, ok := toTarget(x)
	if !ok {
		p.failAt(x.Position(), "can't assign to "+Repr(nodeName(x)))
	}
	return t
}

// toTarget converts an expression parsed as an assignment target.
func toTarget(x Expr) (Target, bool) {
	switch x := x.(type) {
	case *Name:
		return &NameTarget{Pos: x.Pos, Name: x.Name}, true
	case *TupleLit:
		tt := &TupleTarget{Pos: x.Pos, Items: make([]Target, len(x.Items))}
		for i, it := range x.Items {
			t, ok := toTarget(it)
			if !ok {
				return nil, false
			}
			tt.Items[i] = t
		}
		return tt, true
	}
	return nil, false
}

// nodeName is the lower-cased name of Jinja2's node class for x.
func nodeName(x Expr) string {
	switch x := x.(type) {
	case *Const:
		return "const"
	case *Name:
		return "name"
	case *ListLit:
		return "list"
	case *TupleLit:
		return "tuple"
	case *DictLit:
		return "dict"
	case *Attr:
		return "getattr"
	case *Item, *Slice:
		return "getitem"
	case *Call:
		return "call"
	case *Filter:
		return "filter"
	case *Test:
		if x.Negated {
			return "not"
		}
		return "test"
	case *Unary:
		switch x.Op {
		case "-":
			return "neg"
		case "+":
			return "pos"
		}
		return "not"
	case *Binary:
		return binaryNodeNames[x.Op]
	case *Compare:
		return "compare"
	case *Cond:
		return "condexpr"
	}
	return "expr"
}

var binaryNodeNames = map[string]string{"+": "add", "-": "sub", "*": "mul", "/": "div",
	"//": "floordiv", "%": "mod", "**": "pow", "~": "concat", "and": "and", "or": "or"}
