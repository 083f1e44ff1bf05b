package jinja

// tokenKind is the type of a lexer token; the names follow Jinja2's token
// types so that error messages read the same.
type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokData
	tokVariableBegin
	tokVariableEnd
	tokBlockBegin
	tokBlockEnd
	tokName
	tokString
	tokInteger
	tokFloat
	tokOperator // the operator itself is in token.val
	tokError    // a lexing error met at this point of the stream
)

// token is one lexer token. val holds the name, the decoded string, the
// template data or the operator; ival and fval the value of numbers.
type token struct {
	kind tokenKind
	val  string
	pos  Pos
	ival int64
	fval float64
	err  *Error // tokError only
}

// describeKind returns Jinja2's description of a token type.
func describeKind(k tokenKind, op string) string {
	switch k {
	case tokEOF:
		return "end of template"
	case tokData:
		return "template data / text"
	case tokVariableBegin:
		return "begin of print statement"
	case tokVariableEnd:
		return "end of print statement"
	case tokBlockBegin:
		return "begin of statement block"
	case tokBlockEnd:
		return "end of statement block"
	case tokName:
		return "name"
	case tokString:
		return "string"
	case tokInteger:
		return "integer"
	case tokFloat:
		return "float"
	case tokOperator:
		return op
	}
	return "error"
}

// describe returns Jinja2's description of t: a name is its value, any
// other token its type.
func (t *token) describe() string {
	if t.kind == tokName {
		return t.val
	}
	return describeKind(t.kind, t.val)
}

// isName reports whether t is the name s.
func (t *token) isName(s string) bool { return t.kind == tokName && t.val == s }

// isOp reports whether t is the operator op.
func (t *token) isOp(op string) bool { return t.kind == tokOperator && t.val == op }

// operators lists Jinja2's operators, longest first.
var operators = []string{"//", "**", "==", "!=", ">=", "<=",
	"+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}",
	">", "<", "=", ".", ":", "|", ",", ";"}
