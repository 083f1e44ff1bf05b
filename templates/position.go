package templates

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// locate completes the position of a template error from the template's
// source: the line and column of a lexer error (gonja reports those as line
// 0), and the column of a render error (gonja reports only its line), found
// from what the raw engine message names. It returns te.
func (e *Env) locate(te *Error, raw string) *Error {
	if te == nil || te.Template == "" || te.Line > 0 && te.Col > 0 {
		return te
	}
	_, src, err := e.readSource(te.Template)
	if err != nil {
		return te
	}
	text := normalizeSource(string(src))
	if te.Line == 0 {
		if line, col, msg, ok := lexError(text, e.cfg); ok {
			te.Line, te.Col = line, col
			te.Msg = lexMessage(te.Msg, msg)
		}
		return te
	}
	te.Col = findColumn(text, te.Line, raw)
	return te
}

// normalizeSource applies the engine's newline normalisation, so offsets and
// lines agree with the lexer's.
func normalizeSource(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// lexError runs the engine's lexer over a source and returns the position and
// message of its first error token.
func lexError(src string, cfg *config.Config) (line, col int, msg string, ok bool) {
	l := tokens.NewLexer(src, cfg)
	go l.Run()
	for tok := range l.Tokens {
		if tok.Type == tokens.Error && !ok {
			pos := tok.Pos
			// Point at the offending text the message quotes, when the
			// lexer stopped right after it.
			if m := quotedNameRe.FindStringSubmatch(tok.Val); m != nil && pos <= len(l.Input) && strings.HasSuffix(l.Input[:pos], m[1]) {
				pos -= len(m[1])
			}
			line, col = offsetPosition(l.Input, pos)
			msg, ok = tok.Val, true
		}
	}
	return line, col, msg, ok
}

// offsetPosition converts a byte offset into a 1-based line and column (in
// characters).
func offsetPosition(s string, off int) (line, col int) {
	if off > len(s) {
		off = len(s)
	}
	if off < 0 {
		off = 0
	}
	before := s[:off]
	line = strings.Count(before, "\n") + 1
	start := strings.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCountInString(before[start:]) + 1
}

// lexMessage combines the parser's expectation with the lexer's finding,
// without the engine's "near" quoting of the lexer message.
func lexMessage(parserMsg, lexMsg string) string {
	if i := strings.Index(parserMsg, " (near "); i >= 0 {
		parserMsg = parserMsg[:i]
	}
	lexMsg = strings.TrimSuffix(lexMsg, ".")
	if parserMsg == "" || parserMsg == lexMsg {
		return lexMsg
	}
	if len(lexMsg) > 0 {
		lexMsg = strings.ToLower(lexMsg[:1]) + lexMsg[1:]
	}
	return parserMsg + ": " + lexMsg
}

var (
	// tokenColRe finds the column of the token an engine message quotes.
	tokenColRe = regexp.MustCompile(`Token\[[^\]]*\] Val='([^']*)' Pos=\d+ Line=(\d+) Col=(\d+)`)
	// exprAtLineRe finds the expression a render error is about.
	exprAtLineRe = regexp.MustCompile(`at line \d+: ([^:]+?)(?:: |$)`)
	// quotedNameRe finds quoted names in our messages.
	quotedNameRe = regexp.MustCompile(`"([^"]+)"`)
	// evaluateRe finds the expression the engine could not evaluate.
	evaluateRe = regexp.MustCompile(`Unable to evaluate (?:name |target )?"?([^\s:"]+)`)
	// methodRe finds the method of a failed method call.
	methodRe = regexp.MustCompile(`call to method '([^']+)'`)
)

// findColumn returns the 1-based column on line where the thing a render
// error names starts, or 0 when it cannot be found.
func findColumn(src string, line int, raw string) int {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) {
		return 0
	}
	text := lines[line-1]
	var candidates []string
	if m := tokenColRe.FindStringSubmatch(raw); m != nil && m[2] == strconv.Itoa(line) {
		if i := strings.Index(text, m[1]); i >= 0 {
			return utf8.RuneCountInString(text[:i]) + 1
		}
	}
	for _, m := range exprAtLineRe.FindAllStringSubmatch(raw, -1) {
		candidates = append(candidates, strings.TrimSpace(m[1]))
	}
	for _, m := range evaluateRe.FindAllStringSubmatch(raw, -1) {
		candidates = append(candidates, m[1])
	}
	for _, m := range quotedNameRe.FindAllStringSubmatch(raw, -1) {
		candidates = append(candidates, m[1])
	}
	for _, m := range methodRe.FindAllStringSubmatch(raw, -1) {
		candidates = append(candidates, "."+m[1]+"(")
	}
	for _, c := range candidates {
		if c == "" || strings.ContainsAny(c, "()[]{}") && !strings.Contains(text, c) {
			continue
		}
		if i := strings.Index(text, c); i >= 0 {
			return utf8.RuneCountInString(text[:i]) + 1
		}
	}
	return 0
}
