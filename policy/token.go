package policy

import "strings"

// tokenKind classifies a lexical token.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIllegal
	tokIdent
	tokString
	tokNumber
	tokRegex

	tokLParen
	tokRParen
	tokLBrack
	tokRBrack
	tokLBrace
	tokRBrace
	tokComma
	tokSemi
	tokDot

	tokEq     // ==
	tokNeq    // !=
	tokLt     // <
	tokLe     // <=
	tokGt     // >
	tokGe     // >=
	tokMatch  // =~
	tokNMatch // !~

	// keywords
	tokWhen
	tokThen
	tokAnd
	tokOr
	tokNot
	tokIs
	tokNull
	tokAssert
	tokSet
	tokTo
	tokApply
	tokContains
	tokMatches
	tokIn
	tokRule
	tokSeverity
	tokTrue
	tokFalse
)

var tokenNames = [...]string{
	tokEOF:      "end of file",
	tokIllegal:  "illegal token",
	tokIdent:    "identifier",
	tokString:   "string",
	tokNumber:   "number",
	tokRegex:    "regex",
	tokLParen:   "'('",
	tokRParen:   "')'",
	tokLBrack:   "'['",
	tokRBrack:   "']'",
	tokLBrace:   "'{'",
	tokRBrace:   "'}'",
	tokComma:    "','",
	tokSemi:     "';'",
	tokDot:      "'.'",
	tokEq:       "'=='",
	tokNeq:      "'!='",
	tokLt:       "'<'",
	tokLe:       "'<='",
	tokGt:       "'>'",
	tokGe:       "'>='",
	tokMatch:    "'=~'",
	tokNMatch:   "'!~'",
	tokWhen:     "WHEN",
	tokThen:     "THEN",
	tokAnd:      "AND",
	tokOr:       "OR",
	tokNot:      "NOT",
	tokIs:       "IS",
	tokNull:     "null",
	tokAssert:   "ASSERT",
	tokSet:      "SET",
	tokTo:       "TO",
	tokApply:    "APPLY",
	tokContains: "CONTAINS",
	tokMatches:  "MATCHES",
	tokIn:       "IN",
	tokRule:     "RULE",
	tokSeverity: "SEVERITY",
	tokTrue:     "true",
	tokFalse:    "false",
}

func (k tokenKind) String() string {
	if int(k) < len(tokenNames) {
		return tokenNames[k]
	}
	return "token"
}

// keywordKind returns the keyword kind of an identifier (case-insensitive).
func keywordKind(s string) (tokenKind, bool) {
	if len(s) < 2 || len(s) > 8 {
		return tokIdent, false
	}
	switch strings.ToUpper(s) {
	case "WHEN":
		return tokWhen, true
	case "THEN":
		return tokThen, true
	case "AND":
		return tokAnd, true
	case "OR":
		return tokOr, true
	case "NOT":
		return tokNot, true
	case "IS":
		return tokIs, true
	case "NULL":
		return tokNull, true
	case "ASSERT":
		return tokAssert, true
	case "SET":
		return tokSet, true
	case "TO":
		return tokTo, true
	case "APPLY":
		return tokApply, true
	case "CONTAINS":
		return tokContains, true
	case "MATCHES":
		return tokMatches, true
	case "IN":
		return tokIn, true
	case "RULE":
		return tokRule, true
	case "SEVERITY":
		return tokSeverity, true
	case "TRUE":
		return tokTrue, true
	case "FALSE":
		return tokFalse, true
	}
	return tokIdent, false
}

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// characters (runes), Offset counts bytes from the start of the file.
type Pos struct {
	Offset int `json:"offset"`
	Line   int `json:"line"`
	Col    int `json:"col"`
}

// token is one lexical token.
type token struct {
	kind tokenKind
	pos  Pos
	end  int    // byte offset just after the token
	text string // raw source text of the token
	val  string // decoded value for strings and regexes
	flag string // regex flags
	err  string // for tokIllegal: what went wrong
}
