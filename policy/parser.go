package policy

import (
	"strconv"
	"strings"
)

// ParseFile parses the source of one policy file. name is used in error
// positions and in default rule ids. On syntax errors it returns the
// partial file and an ErrorList with every error found.
func ParseFile(name string, src []byte) (*File, error) {
	p := &parser{file: name, src: string(src)}
	f := p.parseFile()
	p.errs.sort()
	return f, p.errs.Err()
}

type parser struct {
	file    string
	src     string
	lx      *lexer
	tok     token
	ahead   *token
	lastEnd int
	bad     bool // an error was reported in the current rule
	depth   int  // nesting of parentheses, NOT, lists, calls and blocks
	errs    ErrorList
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 200

// enter records one more level of nesting; it reports an error and
// returns false past maxDepth. Every successful enter needs a leave.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		p.errorAt(p.tok.pos, "nesting deeper than %d levels", maxDepth)
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

func (p *parser) next() {
	p.lastEnd = p.tok.end
	if p.ahead != nil {
		p.tok = *p.ahead
		p.ahead = nil
		return
	}
	p.tok = p.lx.next()
}

func (p *parser) peek() token {
	if p.ahead == nil {
		t := p.lx.next()
		p.ahead = &t
	}
	return *p.ahead
}

func (p *parser) errorAt(pos Pos, format string, args ...any) {
	if p.bad {
		return
	}
	p.bad = true
	p.errs = append(p.errs, newError(p.file, p.src, pos, format, args...))
}

// describe names the current token for error messages.
func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "end of file"
	case tokIdent:
		return "identifier " + strconv.Quote(t.text)
	case tokString:
		return "string " + t.text
	case tokNumber:
		return "number " + t.text
	case tokRegex:
		return "regex " + t.text
	}
	if t.kind >= tokWhen {
		return strings.ToUpper(t.text)
	}
	return t.kind.String()
}

// errorExpected reports the current token as unexpected.
func (p *parser) errorExpected(what string) {
	if p.tok.kind == tokIllegal {
		p.errorAt(p.tok.pos, "%s", p.tok.err)
		return
	}
	p.errorAt(p.tok.pos, "unexpected %s, expected %s", describe(p.tok), what)
}

func (p *parser) expect(k tokenKind, what string) (token, bool) {
	t := p.tok
	if t.kind != k {
		p.errorExpected(what)
		return t, false
	}
	p.next()
	return t, true
}

func (p *parser) parseFile() *File {
	f := &File{Name: p.file, Source: p.src}
	start := Pos{Line: 1, Col: 1}
	fm, err := parseFrontMatter(p.file, p.src)
	if err != nil {
		p.errs = append(p.errs, err)
		return f
	}
	if fm != nil {
		f.FrontMatter = fm
		start = Pos{Offset: fm.End, Line: 1 + strings.Count(p.src[:fm.End], "\n"), Col: 1}
	}
	p.lx = newLexer(p.src, start)
	p.next()
	for p.tok.kind != tokEOF {
		startOff := p.tok.pos.Offset
		p.bad = false
		p.depth = 0
		r := p.parseRule()
		if !p.bad {
			r.Index = len(f.Rules) + 1
			f.Rules = append(f.Rules, r)
			continue
		}
		// Resynchronise at the next rule start.
		if p.tok.pos.Offset == startOff && p.tok.kind != tokEOF {
			p.next()
		}
		for p.tok.kind != tokEOF && p.tok.kind != tokRule && p.tok.kind != tokWhen && p.tok.kind != tokSeverity {
			p.next()
		}
	}
	f.Comments = p.lx.comments
	return f
}

var severityNames = []string{"info", "low", "medium", "high", "critical"}

func validSeverity(s string) bool {
	for _, v := range severityNames {
		if v == s {
			return true
		}
	}
	return false
}

func (p *parser) parseRule() *Rule {
	r := &Rule{Pos: p.tok.pos}
	switch p.tok.kind {
	case tokRule, tokSeverity, tokWhen:
	default:
		p.errorExpected("RULE or WHEN")
		return r
	}
	if p.tok.kind == tokRule {
		p.next()
		t, ok := p.expect(tokString, "a quoted rule name after RULE")
		if !ok {
			return r
		}
		if t.val == "" {
			p.errorAt(t.pos, "empty rule name, expected a non-empty quoted name")
			return r
		}
		r.Name, r.NamePos = t.val, t.pos
	}
	if p.tok.kind == tokSeverity {
		p.next()
		t := p.tok
		sev := strings.ToLower(t.text)
		if t.kind != tokIdent || !validSeverity(sev) {
			p.errorExpected("a severity (info, low, medium, high or critical)")
			return r
		}
		p.next()
		r.Severity, r.SeverityPos = sev, t.pos
	}
	r.WhenPos = p.tok.pos
	if _, ok := p.expect(tokWhen, "WHEN"); !ok {
		return r
	}
	r.When = p.parseOr()
	if p.bad {
		return r
	}
	r.ThenPos = p.tok.pos
	if _, ok := p.expect(tokThen, "AND, OR or THEN"); !ok {
		return r
	}
	r.Then = p.parseAction()
	r.End = p.lastEnd
	return r
}

func (p *parser) parseOr() Expr {
	x := p.parseAnd()
	for !p.bad && p.tok.kind == tokOr {
		pos := p.tok.pos
		p.next()
		y := p.parseAnd()
		x = &BinaryExpr{Op: OpOr, OpPos: pos, X: x, Y: y}
	}
	return x
}

func (p *parser) parseAnd() Expr {
	x := p.parseNot()
	for !p.bad && p.tok.kind == tokAnd {
		pos := p.tok.pos
		p.next()
		y := p.parseNot()
		x = &BinaryExpr{Op: OpAnd, OpPos: pos, X: x, Y: y}
	}
	return x
}

func (p *parser) parseNot() Expr {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	switch p.tok.kind {
	case tokNot:
		pos := p.tok.pos
		p.next()
		return &NotExpr{NotPos: pos, X: p.parseNot()}
	case tokLParen:
		pos := p.tok.pos
		p.next()
		x := p.parseOr()
		if p.bad {
			return x
		}
		p.expect(tokRParen, "AND, OR or ')'")
		return &ParenExpr{LParen: pos, X: x}
	}
	return p.parseComparison()
}

var compareTokens = map[tokenKind]CompareOp{
	tokEq: OpEq, tokNeq: OpNeq, tokLt: OpLt, tokLe: OpLe, tokGt: OpGt, tokGe: OpGe,
	tokContains: OpContains, tokMatches: OpMatches, tokMatch: OpRegex, tokNMatch: OpNRegex,
	tokIn: OpIn,
}

func (p *parser) parseComparison() Expr {
	x := p.parseOperand()
	if p.bad {
		return nil
	}
	if op, ok := compareTokens[p.tok.kind]; ok {
		pos := p.tok.pos
		p.next()
		return &CompareExpr{Op: op, OpPos: pos, X: x, Y: p.parseOperand()}
	}
	switch p.tok.kind {
	case tokNot:
		pos := p.tok.pos
		p.next()
		if _, ok := p.expect(tokIn, "IN after NOT"); !ok {
			return nil
		}
		return &CompareExpr{Op: OpNotIn, OpPos: pos, X: x, Y: p.parseOperand()}
	case tokIs:
		pos := p.tok.pos
		p.next()
		not := false
		if p.tok.kind == tokNot {
			not = true
			p.next()
		}
		if p.tok.kind == tokNull {
			p.next()
			return &NullExpr{X: x, IsPos: pos, Not: not}
		}
		op := OpIs
		if not {
			op = OpIsNot
		}
		return &CompareExpr{Op: op, OpPos: pos, X: x, Y: p.parseOperand()}
	}
	return &TruthExpr{X: x}
}

const expectValue = "a value (string, number, true, false, null, list, regex, field or function call)"

func (p *parser) parseOperand() Operand {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	t := p.tok
	switch t.kind {
	case tokString:
		p.next()
		return &Literal{ValuePos: t.pos, Kind: LitString, Value: t.val}
	case tokNumber:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			p.errorAt(t.pos, "number %s out of range", t.text)
			return nil
		}
		p.next()
		return &Literal{ValuePos: t.pos, Kind: LitNumber, Value: v, Raw: t.text}
	case tokTrue, tokFalse:
		p.next()
		return &Literal{ValuePos: t.pos, Kind: LitBool, Value: t.kind == tokTrue}
	case tokNull:
		p.next()
		return &Literal{ValuePos: t.pos, Kind: LitNull}
	case tokRegex:
		p.next()
		return &Literal{ValuePos: t.pos, Kind: LitRegex, Value: t.val, Raw: t.text, Flags: t.flag}
	case tokLBrack:
		return p.parseList()
	case tokIdent:
		if p.peek().kind == tokLParen {
			return p.parseCall()
		}
		return p.parseField()
	}
	p.errorExpected(expectValue)
	return nil
}

func (p *parser) parseList() Operand {
	l := &ListLit{LBrack: p.tok.pos}
	p.next()
	for p.tok.kind != tokRBrack {
		e := p.parseOperand()
		if p.bad {
			return l
		}
		l.Elems = append(l.Elems, e)
		if p.tok.kind == tokComma {
			p.next()
			continue
		}
		if p.tok.kind != tokRBrack {
			p.errorExpected("',' or ']'")
			return l
		}
	}
	p.next()
	return l
}

func (p *parser) parseCall() Operand {
	c := &Call{NamePos: p.tok.pos, Name: strings.ToLower(p.tok.text)}
	p.next() // name
	p.next() // (
	for p.tok.kind != tokRParen {
		a := p.parseOperand()
		if p.bad {
			return c
		}
		c.Args = append(c.Args, a)
		if p.tok.kind == tokComma {
			p.next()
			continue
		}
		if p.tok.kind != tokRParen {
			p.errorExpected("',' or ')'")
			return c
		}
	}
	p.next()
	return c
}

func (p *parser) parseField() *FieldRef {
	f := &FieldRef{FieldPos: p.tok.pos, Path: []string{p.tok.text}}
	p.next()
	for p.tok.kind == tokDot {
		p.next()
		if p.tok.kind != tokIdent {
			p.errorExpected("a field name after '.'")
			return f
		}
		f.Path = append(f.Path, p.tok.text)
		p.next()
	}
	return f
}

func (p *parser) parseAction() Action {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	t := p.tok
	switch t.kind {
	case tokAssert:
		p.next()
		return &AssertAction{AssertPos: t.pos, Cond: p.parseOr()}
	case tokSet:
		p.next()
		if p.tok.kind != tokIdent {
			p.errorExpected("a custom_data field after SET")
			return nil
		}
		f := p.parseField()
		if p.bad {
			return nil
		}
		if _, ok := p.expect(tokTo, "TO"); !ok {
			return nil
		}
		return &SetAction{SetPos: t.pos, Field: f, Value: p.parseOperand()}
	case tokApply:
		p.next()
		s, ok := p.expect(tokString, "a quoted template path after APPLY")
		if !ok {
			return nil
		}
		return &ApplyAction{ApplyPos: t.pos, Template: s.val}
	case tokLBrace:
		p.next()
		b := &BlockAction{LBrace: t.pos}
		for {
			a := p.parseAction()
			if p.bad {
				return b
			}
			b.Actions = append(b.Actions, a)
			if p.tok.kind == tokSemi {
				p.next()
				if p.tok.kind == tokRBrace {
					break
				}
				continue
			}
			if p.tok.kind != tokRBrace {
				if _, isAssert := a.(*AssertAction); isAssert {
					p.errorExpected("AND, OR, ';' or '}'")
				} else {
					p.errorExpected("';' or '}'")
				}
				return b
			}
			break
		}
		b.RBrace = p.tok.pos
		p.next()
		return b
	}
	p.errorExpected("an action (ASSERT, SET, APPLY or '{')")
	return nil
}
