package policy

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Comment is a source comment ('#', '//' or '/* */'), kept so that the
// formatter can reproduce it.
type Comment struct {
	Pos  Pos
	End  int    // byte offset just after the comment
	Text string // full text including the comment markers
	// OwnLine is true when only whitespace precedes the comment on its line.
	OwnLine bool
}

// lexer turns source bytes into tokens. It never fails: problems become
// tokIllegal tokens carrying a message, which the parser reports.
type lexer struct {
	src      string
	off      int
	line     int
	col      int
	prev     tokenKind
	comments []Comment
	// lineHasCode is true once a token has been produced on the current line.
	lineHasCode bool
}

func newLexer(src string, start Pos) *lexer {
	if start.Offset == 0 && strings.HasPrefix(src, utf8BOM) {
		start.Offset = len(utf8BOM) // an editor's byte order mark is not text
	}
	return &lexer{src: src, off: start.Offset, line: start.Line, col: start.Col, prev: tokIllegal}
}

const utf8BOM = "\ufeff"

func (l *lexer) pos() Pos { return Pos{Offset: l.off, Line: l.line, Col: l.col} }

// advance moves over one rune and returns it.
func (l *lexer) advance() rune {
	r, size := utf8.DecodeRuneInString(l.src[l.off:])
	l.off += size
	if r == '\n' {
		l.line++
		l.col = 1
		l.lineHasCode = false
	} else {
		l.col++
	}
	return r
}

func (l *lexer) peekByte(n int) byte {
	if l.off+n < len(l.src) {
		return l.src[l.off+n]
	}
	return 0
}

// skipSpaceAndComments skips whitespace and records comments.
func (l *lexer) skipSpaceAndComments() *token {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			l.advance()
		case c == '#' || (c == '/' && l.peekByte(1) == '/'):
			start := l.pos()
			own := !l.lineHasCode
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance()
			}
			text := strings.TrimRight(l.src[start.Offset:l.off], " \t\r")
			l.comments = append(l.comments, Comment{Pos: start, End: start.Offset + len(text), Text: text, OwnLine: own})
		case c == '/' && l.peekByte(1) == '*':
			start := l.pos()
			own := !l.lineHasCode
			l.advance()
			l.advance()
			closed := false
			for l.off < len(l.src) {
				if l.src[l.off] == '*' && l.peekByte(1) == '/' {
					l.advance()
					l.advance()
					closed = true
					break
				}
				l.advance()
			}
			if !closed {
				return &token{kind: tokIllegal, pos: start, end: l.off, text: l.src[start.Offset:l.off], err: "unterminated block comment, expected '*/'"}
			}
			l.comments = append(l.comments, Comment{Pos: start, End: l.off, Text: l.src[start.Offset:l.off], OwnLine: own})
			// A block comment followed by code on the same line counts as code
			// for later comments on that line.
			l.lineHasCode = l.lineHasCode || !own
		default:
			return nil
		}
	}
	return nil
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9') || c == '-'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// next returns the next token.
func (l *lexer) next() token {
	t := l.scan()
	l.prev = t.kind
	if t.kind != tokEOF {
		l.lineHasCode = true
	}
	return t
}

func (l *lexer) scan() token {
	if bad := l.skipSpaceAndComments(); bad != nil {
		return *bad
	}
	start := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tokEOF, pos: start, end: l.off}
	}
	c := l.src[l.off]
	mk := func(k tokenKind) token {
		return token{kind: k, pos: start, end: l.off, text: l.src[start.Offset:l.off]}
	}
	// A path segment after '.' may start with a digit and is never a keyword.
	if l.prev == tokDot && isIdentChar(c) && c != '-' {
		for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
			l.advance()
		}
		return mk(tokIdent)
	}
	switch {
	case isIdentStart(c):
		for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
			l.advance()
		}
		t := mk(tokIdent)
		if k, ok := keywordKind(t.text); ok {
			t.kind = k
		}
		return t
	case isDigit(c) || (c == '-' && isDigit(l.peekByte(1))):
		return l.scanNumber(start)
	case c == '"' || c == '\'':
		return l.scanString(start, c)
	case c == '/':
		return l.scanRegex(start)
	}
	l.advance()
	switch c {
	case '(':
		return mk(tokLParen)
	case ')':
		return mk(tokRParen)
	case '[':
		return mk(tokLBrack)
	case ']':
		return mk(tokRBrack)
	case '{':
		return mk(tokLBrace)
	case '}':
		return mk(tokRBrace)
	case ',':
		return mk(tokComma)
	case ';':
		return mk(tokSemi)
	case '.':
		return mk(tokDot)
	case '<':
		if l.peekByte(0) == '=' {
			l.advance()
			return mk(tokLe)
		}
		return mk(tokLt)
	case '>':
		if l.peekByte(0) == '=' {
			l.advance()
			return mk(tokGe)
		}
		return mk(tokGt)
	case '=':
		switch l.peekByte(0) {
		case '=':
			l.advance()
			return mk(tokEq)
		case '~':
			l.advance()
			return mk(tokMatch)
		}
		t := mk(tokIllegal)
		t.err = "unexpected '=', expected '==' or '=~'"
		return t
	case '!':
		switch l.peekByte(0) {
		case '=':
			l.advance()
			return mk(tokNeq)
		case '~':
			l.advance()
			return mk(tokNMatch)
		}
		t := mk(tokIllegal)
		t.err = "unexpected '!', expected '!=' or '!~'"
		return t
	}
	// Report the whole rune, not a byte of it.
	l.off = start.Offset
	l.col = start.Col
	r := l.advance()
	t := mk(tokIllegal)
	if r == utf8.RuneError {
		t.err = "invalid UTF-8 encoding"
	} else {
		t.err = "unexpected character " + quoteRune(r)
	}
	return t
}

func quoteRune(r rune) string {
	if r < ' ' || r == 0x7f {
		return "U+" + strings.ToUpper(strings.TrimLeft(hex4(r), "0"))
	}
	return "'" + string(r) + "'"
}

func hex4(r rune) string {
	const digits = "0123456789abcdef"
	b := []byte{'0', '0', '0', '0'}
	for i := 3; i >= 0; i-- {
		b[i] = digits[r&0xf]
		r >>= 4
	}
	return string(b)
}

func (l *lexer) scanNumber(start Pos) token {
	if l.src[l.off] == '-' {
		l.advance()
	}
	for l.off < len(l.src) && isDigit(l.src[l.off]) {
		l.advance()
	}
	if l.peekByte(0) == '.' && isDigit(l.peekByte(1)) {
		l.advance()
		for l.off < len(l.src) && isDigit(l.src[l.off]) {
			l.advance()
		}
	}
	if c := l.peekByte(0); c == 'e' || c == 'E' {
		n := 1
		if s := l.peekByte(1); s == '+' || s == '-' {
			n = 2
		}
		if isDigit(l.peekByte(n)) {
			for range n {
				l.advance()
			}
			for l.off < len(l.src) && isDigit(l.src[l.off]) {
				l.advance()
			}
		}
	}
	t := token{kind: tokNumber, pos: start, end: l.off, text: l.src[start.Offset:l.off]}
	// A number glued to letters (e.g. 12ab) is not a number.
	if l.off < len(l.src) && (isIdentStart(l.src[l.off]) || l.src[l.off] == '.') {
		for l.off < len(l.src) && (isIdentChar(l.src[l.off]) || l.src[l.off] == '.') {
			l.advance()
		}
		t.kind = tokIllegal
		t.end = l.off
		t.text = l.src[start.Offset:l.off]
		t.err = "malformed number " + strconv.Quote(t.text)
	}
	return t
}

// scanString scans a quoted string with escapes.
func (l *lexer) scanString(start Pos, quote byte) token {
	l.advance()
	var b strings.Builder
	for {
		if l.off >= len(l.src) || l.src[l.off] == '\n' {
			return token{kind: tokIllegal, pos: start, end: l.off, text: l.src[start.Offset:l.off], err: "unterminated string, expected closing " + string(quote)}
		}
		c := l.src[l.off]
		if c == quote {
			l.advance()
			return token{kind: tokString, pos: start, end: l.off, text: l.src[start.Offset:l.off], val: b.String()}
		}
		if c == '\\' {
			escPos := l.pos()
			l.advance()
			if l.off >= len(l.src) {
				continue
			}
			e := l.advance()
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\', '"', '\'', '/':
				b.WriteRune(e)
			case 'u':
				r, ok := l.hexRune()
				if !ok {
					return l.illegalFrom(start, escPos, "invalid \\u escape, expected 4 hex digits")
				}
				b.WriteRune(r)
			default:
				return l.illegalFrom(start, escPos, "invalid escape sequence \\"+string(e)+", expected one of \\n \\t \\r \\\\ \\\" \\' \\/ \\uXXXX")
			}
			continue
		}
		r := l.advance()
		if r == utf8.RuneError {
			return l.illegalFrom(start, Pos{Offset: l.off - 1, Line: l.line, Col: l.col - 1}, "invalid UTF-8 encoding in string")
		}
		b.WriteRune(r)
	}
}

// illegalFrom builds an illegal token at errPos, skipping the rest of the line.
func (l *lexer) illegalFrom(start, errPos Pos, msg string) token {
	for l.off < len(l.src) && l.src[l.off] != '\n' {
		l.advance()
	}
	return token{kind: tokIllegal, pos: errPos, end: l.off, text: l.src[start.Offset:l.off], err: msg}
}

func (l *lexer) hexRune() (rune, bool) {
	var r rune
	for range 4 {
		if l.off >= len(l.src) {
			return 0, false
		}
		c := l.src[l.off]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		l.advance()
		r = r<<4 | rune(d)
	}
	if !utf8.ValidRune(r) {
		return 0, false
	}
	return r, true
}

// scanRegex scans /pattern/flags. '\/' inside the pattern stands for '/'.
func (l *lexer) scanRegex(start Pos) token {
	l.advance()
	var b strings.Builder
	for {
		if l.off >= len(l.src) || l.src[l.off] == '\n' {
			return token{kind: tokIllegal, pos: start, end: l.off, text: l.src[start.Offset:l.off], err: "unterminated regex, expected closing '/'"}
		}
		c := l.src[l.off]
		if c == '/' {
			break
		}
		if c == '\\' && l.peekByte(1) == '/' {
			l.advance()
			l.advance()
			b.WriteByte('/')
			continue
		}
		if c == '\\' && l.off+1 < len(l.src) && l.src[l.off+1] != '\n' {
			l.advance()
			b.WriteByte('\\')
		}
		r := l.advance()
		if r == utf8.RuneError {
			return l.illegalFrom(start, Pos{Offset: l.off - 1, Line: l.line, Col: l.col - 1}, "invalid UTF-8 encoding in regex")
		}
		b.WriteRune(r)
	}
	l.advance()
	flagStart := l.off
	for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
		p := l.pos()
		f := l.src[l.off]
		l.advance()
		if f != 'i' && f != 'm' && f != 's' {
			return l.illegalFrom(start, p, "invalid regex flag '"+string(f)+"', expected i, m or s")
		}
	}
	return token{kind: tokRegex, pos: start, end: l.off, text: l.src[start.Offset:l.off], val: b.String(), flag: l.src[flagStart:l.off]}
}
