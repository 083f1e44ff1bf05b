package jinja

import (
	"fmt"
	"strings"
)

// Parse parses source as the template name with the whitespace options of o
// (TrimBlocks, LstripBlocks, KeepTrailingNewline) into the AST of ast.go.
// A syntax error is an *Error wrapping ErrSyntax, positioned at the
// offending token, with Jinja2's message.
//
// The source is read as Jinja2 3.1 reads it: \r\n, \r and \n are line
// breaks (joined as \n), one final line break is dropped unless
// KeepTrailingNewline is set, and adjacent template data (around comments
// and raw blocks) becomes one Text node. Positions: a statement is at its
// tag name, an output at its "{{", a binary operation, comparison, filter,
// test, attribute, item, slice or call at its operator (the filter's name,
// "is", ".", "[", "("), any other node at its first token. An unexpected
// end of the template is reported at the last token, on the line Jinja2
// reports.
//
// Deliberate differences, all syntax errors here: integer literals outside
// int64, \N{...} escapes in strings, the autoescape tag (autoescaping is
// always off), *args or **kwargs in test calls, slices inside a tuple
// subscript (x[1:2, 3]), and nesting deeper than 1000 levels.
func Parse(name, source string, o Options) (t *Tree, err error) {
	p := &parser{name: name, toks: lex(name, source, o)}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			t, err = nil, b.err
		}
	}()
	p.tok = &p.toks[0]
	if p.tok.kind == tokError {
		return nil, p.tok.err
	}
	body := p.subparse(nil)
	return &Tree{Name: name, Body: body}, nil
}

// bailout carries a syntax error up the parser's stack to Parse.
type bailout struct{ err *Error }

// parser is a recursive-descent parser following Jinja2's parser function
// by function, so that the same templates are accepted and the same
// messages are given.
type parser struct {
	name     string
	toks     []token
	i        int
	tok      *token // current token: toks[i]
	tagStack []string
	endStack [][]string
	depth    int // nesting of expressions and statements
}

// maxNesting bounds the nesting of expressions and statements, so that a
// hostile template cannot exhaust the stack. Jinja2 gives up much earlier
// (Python's recursion limit).
const maxNesting = 1000

// enter counts one more level of nesting; the caller decrements depth when
// done.
func (p *parser) enter() {
	p.depth++
	if p.depth > maxNesting {
		p.fail("template nested too deeply")
	}
}

// failAt stops parsing with a syntax error at pos.
func (p *parser) failAt(pos Pos, msg string) {
	panic(bailout{&Error{Template: p.name, Line: pos.Line, Col: pos.Col, Msg: msg, Err: ErrSyntax}})
}

// fail stops parsing with a syntax error at the current token.
func (p *parser) fail(msg string) { p.failAt(p.tok.pos, msg) }

// next moves to the next token and returns the previous one.
func (p *parser) next() *token {
	t := p.tok
	if p.i < len(p.toks)-1 {
		p.i++
		p.tok = &p.toks[p.i]
		if p.tok.kind == tokError {
			panic(bailout{p.tok.err})
		}
	}
	return t
}

// look returns the token after the current one.
func (p *parser) look() *token {
	if p.i < len(p.toks)-1 {
		t := &p.toks[p.i+1]
		if t.kind == tokError {
			panic(bailout{t.err})
		}
		return t
	}
	return p.tok
}

// skipOp consumes the operator op if it is current.
func (p *parser) skipOp(op string) bool {
	if p.tok.isOp(op) {
		p.next()
		return true
	}
	return false
}

// skipName consumes the name s if it is current.
func (p *parser) skipName(s string) bool {
	if p.tok.isName(s) {
		p.next()
		return true
	}
	return false
}

// expectFail reports that what (a token description) was expected.
func (p *parser) expectFail(what string) {
	if p.tok.kind == tokEOF {
		p.fail(fmt.Sprintf("unexpected end of template, expected %s.", Repr(what)))
	}
	p.fail(fmt.Sprintf("expected token %s, got %s", Repr(what), Repr(p.tok.describe())))
}

// expectKind consumes a token of kind k.
func (p *parser) expectKind(k tokenKind) *token {
	if p.tok.kind != k {
		p.expectFail(describeKind(k, ""))
	}
	return p.next()
}

// expectOp consumes the operator op.
func (p *parser) expectOp(op string) *token {
	if !p.tok.isOp(op) {
		p.expectFail(op)
	}
	return p.next()
}

// expectName consumes the name s.
func (p *parser) expectName(s string) *token {
	if !p.tok.isName(s) {
		p.expectFail(s)
	}
	return p.next()
}

// failUnknownTag reports an unknown tag (name) or the end of the template
// (name empty) with Jinja2's hints about the tags being looked for.
func (p *parser) failUnknownTag(name string, stack [][]string, pos Pos) {
	var msg []string
	if name == "" {
		msg = append(msg, "Unexpected end of template.")
	} else {
		msg = append(msg, fmt.Sprintf("Encountered unknown tag %s.", Repr(name)))
	}
	if len(stack) > 0 {
		quoted := make([]string, len(stack[len(stack)-1]))
		for i, s := range stack[len(stack)-1] {
			quoted[i] = Repr(s)
		}
		looking := strings.Join(quoted, " or ")
		expected := false
		for _, tags := range stack {
			for _, s := range tags {
				expected = expected || s == name
			}
		}
		if name != "" && expected {
			msg = append(msg, "You probably made a nesting mistake. Jinja is expecting this tag,"+
				" but currently looking for "+looking+".")
		} else {
			msg = append(msg, "Jinja was looking for the following tags: "+looking+".")
		}
	}
	if len(p.tagStack) > 0 {
		msg = append(msg, fmt.Sprintf("The innermost block that needs to be closed is %s.", Repr(p.tagStack[len(p.tagStack)-1])))
	}
	p.failAt(pos, strings.Join(msg, " "))
}

// failEOF reports the end of the template while end tags were expected.
func (p *parser) failEOF(end []string) {
	stack := append(append([][]string(nil), p.endStack...), end)
	p.failUnknownTag("", stack, p.tok.pos)
}

// atEnd reports whether the current token is one of the end tag names.
func (p *parser) atEnd(end []string) bool {
	if p.tok.kind != tokName {
		return false
	}
	for _, s := range end {
		if p.tok.val == s {
			return true
		}
	}
	return false
}

// subparse parses template data, output and statements until one of the
// end tags (at which it stops, the tag name current) or the end.
func (p *parser) subparse(end []string) []Stmt {
	var body []Stmt
	if end != nil {
		p.endStack = append(p.endStack, end)
		defer func() { p.endStack = p.endStack[:len(p.endStack)-1] }()
	}
	for p.tok.kind != tokEOF {
		switch t := p.tok; t.kind {
		case tokData:
			// Data split only by comments or raw tags is one Text, built
			// in one go (merging pairwise would be quadratic).
			text := p.next().val
			if p.tok.kind == tokData {
				var b strings.Builder
				b.WriteString(text)
				for p.tok.kind == tokData {
					b.WriteString(p.next().val)
				}
				text = b.String()
			}
			body = append(body, &Text{Pos: t.pos, Text: text})
		case tokVariableBegin:
			p.next()
			body = append(body, &Output{Pos: t.pos, X: p.parseTuple(false, true, false)})
			p.expectKind(tokVariableEnd)
		case tokBlockBegin:
			p.next()
			if end != nil && p.atEnd(end) {
				return body
			}
			body = p.parseStatement(body)
			p.expectKind(tokBlockEnd)
		default:
			p.fail("unexpected " + Repr(t.describe()))
		}
	}
	return body
}

// parseStatements parses the body of a statement up to one of the end tags;
// with drop, the end tag name is consumed.
func (p *parser) parseStatements(end []string, drop bool) []Stmt {
	p.skipOp(":")
	p.expectKind(tokBlockEnd)
	body := p.subparse(end)
	if p.tok.kind == tokEOF {
		p.failEOF(end)
	}
	if drop {
		p.next()
	}
	return body
}
