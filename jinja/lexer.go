package jinja

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lexer turns template source into tokens exactly as Jinja2's lexer does
// (including its whitespace control), with the default delimiters.
type lexer struct {
	name string
	src  string // normalised source
	opts Options
	toks []token

	// position cursor: tokens are created in increasing offsets, so the
	// line and column of an offset are found by walking forward.
	curOff, curLine, curCol int

	lineStarting bool   // the last match ended with a newline
	balance      []byte // open brackets inside a tag
	stop         bool   // an error token was emitted
}

// normalizeSource joins the lines of src with "\n" as Jinja2 does (\r\n, \r
// and \n are line breaks) and drops one trailing line break unless keep is
// set.
func normalizeSource(src string, keep bool) string {
	if strings.IndexByte(src, '\r') >= 0 {
		src = strings.ReplaceAll(src, "\r\n", "\n")
		src = strings.ReplaceAll(src, "\r", "\n")
	}
	if !keep && strings.HasSuffix(src, "\n") {
		src = src[:len(src)-1]
	}
	return src
}

// lex tokenizes src. A lexing error ends the stream with a tokError token
// (the parser reports it only if it gets that far, as Jinja2's lazy lexer
// does), followed by tokEOF.
func lex(name, src string, o Options) []token {
	l := &lexer{name: name, src: normalizeSource(src, o.KeepTrailingNewline), opts: o,
		curLine: 1, curCol: 1, lineStarting: true}
	l.toks = make([]token, 0, len(l.src)/8+4)
	l.root()
	eof := token{kind: tokEOF, pos: Pos{Line: 1, Col: 1}}
	if n := len(l.toks); n > 0 {
		eof.pos = l.toks[n-1].pos
	}
	l.toks = append(l.toks, eof)
	return l.toks
}

// posAt returns the position of byte offset off (never before the last one
// asked for).
func (l *lexer) posAt(off int) Pos {
	for l.curOff < off {
		r, size := utf8.DecodeRuneInString(l.src[l.curOff:])
		l.curOff += size
		if r == '\n' {
			l.curLine++
			l.curCol = 1
		} else {
			l.curCol++
		}
	}
	return Pos{Line: l.curLine, Col: l.curCol}
}

func (l *lexer) emit(k tokenKind, val string, off int) *token {
	l.toks = append(l.toks, token{kind: k, val: val, pos: l.posAt(off)})
	return &l.toks[len(l.toks)-1]
}

// fail emits an error token at off.
func (l *lexer) fail(off int, msg string) {
	p := l.posAt(off)
	l.toks = append(l.toks, token{kind: tokError, pos: p,
		err: &Error{Template: l.name, Line: p.Line, Col: p.Col, Msg: msg, Err: ErrSyntax}})
	l.stop = true
}

// skipSpace returns the offset after the Python whitespace at off.
func (l *lexer) skipSpace(off int) int {
	for off < len(l.src) {
		c := l.src[off]
		if c < utf8.RuneSelf {
			if !isPySpace(rune(c)) {
				return off
			}
			off++
			continue
		}
		r, size := utf8.DecodeRuneInString(l.src[off:])
		if !isPySpace(r) {
			return off
		}
		off += size
	}
	return off
}

// allSpace reports whether s is non-empty and all Python whitespace.
func allSpace(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isPySpace(r) {
			return false
		}
	}
	return true
}

// stripText applies the whitespace control of a tag to the data before it:
// '-' strips all trailing whitespace; otherwise lstrip_blocks strips the
// whitespace between the last line start and a block, comment or raw tag.
func (l *lexer) stripText(text string, sign byte, variable bool) string {
	if sign == '-' {
		return strings.TrimRightFunc(text, isPySpace)
	}
	if sign != '+' && l.opts.LstripBlocks && !variable {
		lpos := strings.LastIndexByte(text, '\n') + 1
		if (lpos > 0 || l.lineStarting) && allSpace(text[lpos:]) {
			return text[:lpos]
		}
	}
	return text
}

// root lexes template data and dispatches on the tags.
func (l *lexer) root() {
	src := l.src
	pos := 0
	for pos < len(src) && !l.stop {
		i := pos
		for {
			j := strings.IndexByte(src[i:], '{')
			if j < 0 || i+j+1 >= len(src) {
				i = -1
				break
			}
			i += j
			if c := src[i+1]; c == '{' || c == '%' || c == '#' {
				break
			}
			i++
		}
		if i < 0 {
			l.emit(tokData, src[pos:], pos)
			return
		}
		kind := src[i+1]
		var sign byte
		if i+2 < len(src) && (src[i+2] == '-' || src[i+2] == '+') {
			sign = src[i+2]
		}
		tagEnd := i + 2
		if sign != 0 {
			tagEnd++
		}
		rawEnd := -1
		if kind == '%' {
			rawEnd = l.matchRawBegin(i + 2)
		}
		text := l.stripText(src[pos:i], sign, kind == '{')
		if text != "" {
			l.emit(tokData, text, pos)
		}
		switch {
		case rawEnd >= 0:
			l.lineStarting = src[rawEnd-1] == '\n'
			pos = l.raw(rawEnd)
		case kind == '{':
			l.emit(tokVariableBegin, src[i:tagEnd], i)
			l.lineStarting = false
			pos = l.tag(tagEnd, false)
		case kind == '%':
			l.emit(tokBlockBegin, src[i:tagEnd], i)
			l.lineStarting = false
			pos = l.tag(tagEnd, true)
		default:
			l.lineStarting = false
			pos = l.comment(tagEnd)
		}
	}
}

// matchRawBegin matches `(-|+|)\s*raw\s*(-%}\s*|%})` at off (after "{%")
// and returns the offset after it, or -1.
func (l *lexer) matchRawBegin(off int) int {
	src := l.src
	if off < len(src) && (src[off] == '-' || src[off] == '+') {
		off++
	}
	off = l.skipSpace(off)
	if !strings.HasPrefix(src[off:], "raw") {
		return -1
	}
	off = l.skipSpace(off + 3)
	switch {
	case strings.HasPrefix(src[off:], "-%}"):
		return l.skipSpace(off + 3)
	case strings.HasPrefix(src[off:], "%}"):
		return off + 2
	}
	return -1
}

// blockEnd matches the end of a block tag at off: "+%}", "-%}" with the
// whitespace after it, or "%}" with one newline under trim_blocks. It
// returns the offset after it, or -1.
func (l *lexer) blockEnd(off int, delim string) int {
	src := l.src
	switch {
	case off < len(src) && src[off] == '+' && strings.HasPrefix(src[off+1:], delim):
		return off + 1 + len(delim)
	case off < len(src) && src[off] == '-' && strings.HasPrefix(src[off+1:], delim):
		return l.skipSpace(off + 1 + len(delim))
	case strings.HasPrefix(src[off:], delim):
		off += len(delim)
		if l.opts.TrimBlocks && off < len(src) && src[off] == '\n' {
			off++
		}
		return off
	}
	return -1
}

// raw lexes the body of a raw block starting at off and returns the offset
// after its endraw tag.
func (l *lexer) raw(off int) int {
	src := l.src
	for i := off; ; {
		j := strings.Index(src[i:], "{%")
		if j < 0 {
			if off < len(src) {
				l.fail(off, "Missing end of raw directive")
			}
			return len(src)
		}
		i += j
		k := i + 2
		var sign byte
		if k < len(src) && (src[k] == '-' || src[k] == '+') {
			sign = src[k]
			k++
		}
		k = l.skipSpace(k)
		if strings.HasPrefix(src[k:], "endraw") {
			if end := l.blockEnd(l.skipSpace(k+6), "%}"); end >= 0 {
				text := l.stripText(src[off:i], sign, false)
				if text != "" {
					l.emit(tokData, text, off)
				}
				l.lineStarting = src[end-1] == '\n'
				return end
			}
		}
		i++
	}
}

// comment skips a comment starting at off (after "{#").
func (l *lexer) comment(off int) int {
	src := l.src
	k := strings.Index(src[off:], "#}")
	if k < 0 {
		if off < len(src) {
			l.fail(off, "Missing end of comment tag")
		}
		return len(src)
	}
	k += off
	end := k + 2
	if k > off && src[k-1] == '-' {
		end = l.skipSpace(end)
	} else if !(k > off && src[k-1] == '+') && l.opts.TrimBlocks && end < len(src) && src[end] == '\n' {
		end++
	}
	l.lineStarting = src[end-1] == '\n'
	return end
}

// tag lexes the inside of a block (or variable) tag from off and returns
// the offset after its end.
func (l *lexer) tag(off int, block bool) int {
	src := l.src
	l.balance = l.balance[:0]
	for off < len(src) {
		if len(l.balance) == 0 {
			var end int
			if block {
				end = l.blockEnd(off, "%}")
			} else {
				end = -1
				if strings.HasPrefix(src[off:], "-}}") {
					end = l.skipSpace(off + 3)
				} else if strings.HasPrefix(src[off:], "}}") {
					end = off + 2
				}
			}
			if end >= 0 {
				if block {
					l.emit(tokBlockEnd, src[off:end], off)
				} else {
					l.emit(tokVariableEnd, src[off:end], off)
				}
				l.lineStarting = src[end-1] == '\n'
				return end
			}
		}
		c := src[off]
		switch {
		case c < utf8.RuneSelf && isPySpace(rune(c)) || c >= utf8.RuneSelf && l.skipSpace(off) > off:
			off = l.skipSpace(off)
			continue
		case c >= '0' && c <= '9':
			off = l.number(off)
		case c == '\'' || c == '"':
			if end := l.str(off); end >= 0 {
				off = end
			} else {
				off = l.operator(off)
			}
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf:
			if end := l.ident(off); end > off {
				off = end
			} else {
				off = l.operator(off)
			}
		default:
			off = l.operator(off)
		}
		if l.stop {
			return len(src)
		}
	}
	return off
}

// operator lexes an operator at off, keeping brackets balanced.
func (l *lexer) operator(off int) int {
	src := l.src
	for _, op := range operators {
		if !strings.HasPrefix(src[off:], op) {
			continue
		}
		switch op {
		case "{":
			l.balance = append(l.balance, '}')
		case "(":
			l.balance = append(l.balance, ')')
		case "[":
			l.balance = append(l.balance, ']')
		case "}", ")", "]":
			if len(l.balance) == 0 {
				l.fail(off, fmt.Sprintf("unexpected '%s'", op))
				return len(src)
			}
			want := l.balance[len(l.balance)-1]
			l.balance = l.balance[:len(l.balance)-1]
			if want != op[0] {
				l.fail(off, fmt.Sprintf("unexpected '%s', expected '%c'", op, want))
				return len(src)
			}
		}
		l.emit(tokOperator, op, off)
		return off + len(op)
	}
	r, _ := utf8.DecodeRuneInString(src[off:])
	l.fail(off, fmt.Sprintf("unexpected char %s at %d", Repr(string(r)), utf8.RuneCountInString(src[:off])))
	return len(src)
}

// isNameRune reports whether r may appear in a name token (Python's \w
// and the identifier characters Jinja2 adds to it).
func isNameRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) ||
		unicode.Is(unicode.Pc, r) || unicode.Is(unicode.Other_ID_Continue, r) ||
		unicode.Is(unicode.Other_ID_Start, r)
}

// isIDStart and isIDContinue approximate Python's str.isidentifier.
func isIDStart(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIDContinue(r rune) bool {
	return isIDStart(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) ||
		unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Pc, r) || unicode.Is(unicode.Other_ID_Continue, r)
}

// ident lexes a name at off; it returns off when there is none.
func (l *lexer) ident(off int) int {
	src := l.src
	end := off
	ascii := true
	for end < len(src) {
		r, size := utf8.DecodeRuneInString(src[end:])
		if !isNameRune(r) {
			break
		}
		if size > 1 {
			ascii = false
		}
		end += size
	}
	if end == off {
		return off
	}
	name := src[off:end]
	if !ascii {
		for i, r := range name {
			if i == 0 && !isIDStart(r) || !isIDContinue(r) {
				l.fail(off, "Invalid character in identifier")
				return len(src)
			}
		}
	}
	l.emit(tokName, name, off)
	return end
}
