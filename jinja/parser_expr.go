package jinja

import "strings"

// parseExpression parses an expression, with conditional expressions when
// cond is set.
func (p *parser) parseExpression(cond bool) Expr {
	if cond {
		return p.parseCondExpr()
	}
	return p.parseOr()
}

func (p *parser) parseCondExpr() Expr {
	x := p.parseOr()
	for p.tok.isName("if") {
		pos := p.next().pos
		c := &Cond{Pos: pos, Then: x, Cond: p.parseOr()}
		if p.skipName("else") {
			c.Else = p.parseCondExpr()
		}
		x = c
	}
	return x
}

func (p *parser) parseOr() Expr {
	x := p.parseAnd()
	for p.tok.isName("or") {
		pos := p.next().pos
		x = &Binary{Pos: pos, Op: "or", L: x, R: p.parseAnd()}
	}
	return x
}

func (p *parser) parseAnd() Expr {
	x := p.parseNot()
	for p.tok.isName("and") {
		pos := p.next().pos
		x = &Binary{Pos: pos, Op: "and", L: x, R: p.parseNot()}
	}
	return x
}

func (p *parser) parseNot() Expr {
	if p.tok.isName("not") {
		pos := p.next().pos
		p.enter()
		x := &Unary{Pos: pos, Op: "not", X: p.parseNot()}
		p.depth--
		return x
	}
	return p.parseCompare()
}

func (p *parser) parseCompare() Expr {
	x := p.parseMath1()
	var c *Compare
	for {
		var op string
		pos := p.tok.pos
		switch t := p.tok; {
		case t.kind == tokOperator && (t.val == "==" || t.val == "!=" || t.val == "<" ||
			t.val == "<=" || t.val == ">" || t.val == ">="):
			op = t.val
			p.next()
		case t.isName("in"):
			op = "in"
			p.next()
		case t.isName("not") && p.look().isName("in"):
			op = "not in"
			p.next()
			p.next()
		default:
			if c == nil {
				return x
			}
			return c
		}
		if c == nil {
			c = &Compare{Pos: pos, First: x}
		}
		c.Ops = append(c.Ops, op)
		c.Rest = append(c.Rest, p.parseMath1())
	}
}

func (p *parser) parseMath1() Expr {
	x := p.parseConcat()
	for p.tok.isOp("+") || p.tok.isOp("-") {
		t := p.next()
		x = &Binary{Pos: t.pos, Op: t.val, L: x, R: p.parseConcat()}
	}
	return x
}

func (p *parser) parseConcat() Expr {
	x := p.parseMath2()
	for p.tok.isOp("~") {
		pos := p.next().pos
		x = &Binary{Pos: pos, Op: "~", L: x, R: p.parseMath2()}
	}
	return x
}

func (p *parser) parseMath2() Expr {
	x := p.parsePow()
	for p.tok.kind == tokOperator && (p.tok.val == "*" || p.tok.val == "/" || p.tok.val == "//" || p.tok.val == "%") {
		t := p.next()
		x = &Binary{Pos: t.pos, Op: t.val, L: x, R: p.parsePow()}
	}
	return x
}

// parsePow parses '**', left-associative as in Jinja2.
func (p *parser) parsePow() Expr {
	x := p.parseUnary(true)
	for p.tok.isOp("**") {
		pos := p.next().pos
		x = &Binary{Pos: pos, Op: "**", L: x, R: p.parseUnary(true)}
	}
	return x
}

// parseUnary parses unary minus and plus, postfix operators and (with
// filters) the filters and tests applied to the result: -x|abs is
// (-x)|abs, as in Jinja2.
func (p *parser) parseUnary(filters bool) Expr {
	p.enter()
	defer func() { p.depth-- }()
	var x Expr
	switch {
	case p.tok.isOp("-"), p.tok.isOp("+"):
		t := p.next()
		x = &Unary{Pos: t.pos, Op: t.val, X: p.parseUnary(false)}
	default:
		x = p.parsePrimary()
	}
	x = p.parsePostfix(x)
	if filters {
		x = p.parseFilterExpr(x)
	}
	return x
}

func (p *parser) parsePrimary() Expr {
	t := p.tok
	switch t.kind {
	case tokName:
		p.next()
		switch t.val {
		case "true", "True":
			return &Const{Pos: t.pos, Value: true}
		case "false", "False":
			return &Const{Pos: t.pos, Value: false}
		case "none", "None":
			return &Const{Pos: t.pos, Value: nil}
		}
		return &Name{Pos: t.pos, Name: t.val}
	case tokString:
		p.next()
		if p.tok.kind != tokString {
			return &Const{Pos: t.pos, Value: t.val}
		}
		var b strings.Builder
		b.WriteString(t.val)
		for p.tok.kind == tokString {
			b.WriteString(p.next().val)
		}
		return &Const{Pos: t.pos, Value: b.String()}
	case tokInteger:
		p.next()
		return &Const{Pos: t.pos, Value: t.ival}
	case tokFloat:
		p.next()
		return &Const{Pos: t.pos, Value: t.fval}
	case tokOperator:
		switch t.val {
		case "(":
			p.next()
			x := p.parseTuple(false, true, true)
			p.expectOp(")")
			return x
		case "[":
			return p.parseList()
		case "{":
			return p.parseDict()
		}
	}
	p.fail("unexpected " + Repr(t.describe()))
	return nil
}

// isTupleEnd reports whether the current token ends a tuple. Jinja2
// passes its extra end rules to Token.test_any in a way that never matches,
// so only the ends of tags and ')' end a tuple: "for x, in y" is an error
// there, and here too.
func (p *parser) isTupleEnd() bool {
	t := p.tok
	return t.kind == tokVariableEnd || t.kind == tokBlockEnd || t.isOp(")")
}

// parseTuple parses an expression or, when commas follow, a tuple without
// parentheses. simplified parses primaries only (assignment targets); cond
// allows conditional expressions; explicit is set inside parentheses,
// where the empty tuple is valid.
func (p *parser) parseTuple(simplified, cond bool, explicit bool) Expr {
	pos := p.tok.pos
	var items []Expr
	isTuple := false
	for {
		if len(items) > 0 {
			p.expectOp(",")
		}
		if p.isTupleEnd() {
			break
		}
		if simplified {
			items = append(items, p.parsePrimary())
		} else {
			items = append(items, p.parseExpression(cond))
		}
		if !p.tok.isOp(",") {
			break
		}
		isTuple = true
	}
	if !isTuple {
		if len(items) > 0 {
			return items[0]
		}
		if !explicit {
			p.fail("Expected an expression, got " + Repr(p.tok.describe()))
		}
	}
	return &TupleLit{Pos: pos, Items: items}
}

func (p *parser) parseList() Expr {
	l := &ListLit{Pos: p.expectOp("[").pos}
	for !p.tok.isOp("]") {
		if len(l.Items) > 0 {
			p.expectOp(",")
		}
		if p.tok.isOp("]") {
			break
		}
		l.Items = append(l.Items, p.parseExpression(true))
	}
	p.expectOp("]")
	return l
}

func (p *parser) parseDict() Expr {
	d := &DictLit{Pos: p.expectOp("{").pos}
	for !p.tok.isOp("}") {
		if len(d.Keys) > 0 {
			p.expectOp(",")
		}
		if p.tok.isOp("}") {
			break
		}
		d.Keys = append(d.Keys, p.parseExpression(true))
		p.expectOp(":")
		d.Values = append(d.Values, p.parseExpression(true))
	}
	p.expectOp("}")
	return d
}

// parsePostfix parses attribute, item and call suffixes.
func (p *parser) parsePostfix(x Expr) Expr {
	for {
		switch {
		case p.tok.isOp(".") || p.tok.isOp("["):
			x = p.parseSubscript(x)
		case p.tok.isOp("("):
			x = p.parseCall(x)
		default:
			return x
		}
	}
}

// parseFilterExpr parses filters, tests and calls after a unary
// expression.
func (p *parser) parseFilterExpr(x Expr) Expr {
	for {
		switch {
		case p.tok.isOp("|"):
			x = p.parseFilter(x)
		case p.tok.isName("is"):
			x = p.parseTest(x)
		case p.tok.isOp("("):
			x = p.parseCall(x)
		default:
			return x
		}
	}
}

func (p *parser) parseSubscript(x Expr) Expr {
	t := p.next()
	if t.val == "." {
		attr := p.next()
		switch attr.kind {
		case tokName:
			return &Attr{Pos: t.pos, X: x, Name: attr.val}
		case tokInteger:
			return &Item{Pos: t.pos, X: x, Key: &Const{Pos: attr.pos, Value: attr.ival}}
		}
		p.failAt(attr.pos, "expected name or number")
	}
	var args []Expr
	var slice *Slice
	for !p.tok.isOp("]") {
		if len(args) > 0 {
			p.expectOp(",")
		}
		a, s := p.parseSubscribed(x, t.pos)
		if s != nil && slice == nil {
			slice = s
		}
		args = append(args, a)
	}
	p.expectOp("]")
	if len(args) == 1 {
		if slice != nil {
			return slice
		}
		return &Item{Pos: t.pos, X: x, Key: args[0]}
	}
	if slice != nil {
		p.failAt(slice.Pos, "a slice inside a tuple subscript is not supported")
	}
	return &Item{Pos: t.pos, X: x, Key: &TupleLit{Pos: t.pos, Items: args}}
}

// parseSubscribed parses one subscript: an expression, or a slice of x
// (then also returned as s).
func (p *parser) parseSubscribed(x Expr, pos Pos) (e Expr, s *Slice) {
	s = &Slice{Pos: pos, X: x}
	if p.tok.isOp(":") {
		p.next()
	} else {
		start := p.parseExpression(true)
		if !p.tok.isOp(":") {
			return start, nil
		}
		p.next()
		s.Start = start
	}
	if !p.tok.isOp(":") && !p.tok.isOp("]") && !p.tok.isOp(",") {
		s.Stop = p.parseExpression(true)
	}
	if p.tok.isOp(":") {
		p.next()
		if !p.tok.isOp("]") && !p.tok.isOp(",") {
			s.Step = p.parseExpression(true)
		}
	}
	return s, s
}

// callArgs are the arguments of a call, filter or test.
type callArgs struct {
	args     []Expr
	kwargs   []Kwarg
	star     Expr
	starStar Expr
}

func (p *parser) parseCallArgs() callArgs {
	lp := p.expectOp("(")
	var a callArgs
	ensure := func(ok bool) {
		if !ok {
			p.failAt(lp.pos, "invalid syntax for function call expression")
		}
	}
	requireComma := false
	for !p.tok.isOp(")") {
		if requireComma {
			p.expectOp(",")
			if p.tok.isOp(")") {
				break
			}
		}
		switch {
		case p.tok.isOp("*"):
			ensure(a.star == nil && a.starStar == nil)
			p.next()
			a.star = p.parseExpression(true)
		case p.tok.isOp("**"):
			ensure(a.starStar == nil)
			p.next()
			a.starStar = p.parseExpression(true)
		case p.tok.kind == tokName && p.look().isOp("="):
			ensure(a.starStar == nil)
			key := p.next().val
			p.next()
			a.kwargs = append(a.kwargs, Kwarg{Name: key, Value: p.parseExpression(true)})
		default:
			ensure(a.star == nil && a.starStar == nil && len(a.kwargs) == 0)
			a.args = append(a.args, p.parseExpression(true))
		}
		requireComma = true
	}
	p.expectOp(")")
	return a
}

func (p *parser) parseCall(x Expr) Expr {
	pos := p.tok.pos
	a := p.parseCallArgs()
	return &Call{Pos: pos, Fn: x, Args: a.args, Kwargs: a.kwargs, Star: a.star, StarStar: a.starStar}
}

// parseDottedName parses a filter or test name (dots allowed).
func (p *parser) parseDottedName() *token {
	t := p.expectKind(tokName)
	if !p.tok.isOp(".") {
		return t
	}
	var b strings.Builder
	b.WriteString(t.val)
	for p.skipOp(".") {
		b.WriteByte('.')
		b.WriteString(p.expectKind(tokName).val)
	}
	return &token{kind: tokName, val: b.String(), pos: t.pos}
}

// parseFilter parses the filters after x.
func (p *parser) parseFilter(x Expr) Expr {
	for p.skipOp("|") {
		x = p.parseOneFilter(x)
	}
	return x
}

func (p *parser) parseOneFilter(x Expr) *Filter {
	t := p.parseDottedName()
	f := &Filter{Pos: t.pos, X: x, Name: t.val}
	if p.tok.isOp("(") {
		a := p.parseCallArgs()
		f.Args, f.Kwargs, f.Star, f.StarStar = a.args, a.kwargs, a.star, a.starStar
	}
	return f
}

// parseFilters parses the filters of a filter block (inline: the first
// one without a pipe) or of a set block.
func (p *parser) parseFilters(inline bool) []*Filter {
	var fs []*Filter
	if inline {
		fs = append(fs, p.parseOneFilter(nil))
	}
	for p.skipOp("|") {
		fs = append(fs, p.parseOneFilter(nil))
	}
	return fs
}

func (p *parser) parseTest(x Expr) Expr {
	is := p.next()
	negated := p.skipName("not")
	t := p.parseDottedName()
	test := &Test{Pos: is.pos, X: x, Name: t.val, Negated: negated}
	switch c := p.tok; {
	case c.isOp("("):
		a := p.parseCallArgs()
		if a.star != nil || a.starStar != nil {
			p.failAt(t.pos, "*args and **kwargs are not supported in tests")
		}
		test.Args, test.Kwargs = a.args, a.kwargs
	case (c.kind == tokName || c.kind == tokString || c.kind == tokInteger || c.kind == tokFloat ||
		c.isOp("[") || c.isOp("{")) && !c.isName("else") && !c.isName("or") && !c.isName("and"):
		if c.isName("is") {
			p.fail("You cannot chain multiple tests with is")
		}
		test.Args = []Expr{p.parsePostfix(p.parsePrimary())}
	}
	return test
}
