package configtree

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// Match is a compiled match expression: "level||level||...". Each level is
// "*" (any statement) or a regular expression that must match the whole
// statement key at that depth (it is anchored with ^...$ and "." also
// matches the newlines of multi-line banner bodies). Surrounding blanks of a
// level are ignored. A Match is immutable and safe for concurrent use.
type Match struct {
	expr   string
	levels []level
}

type levelKind uint8

const (
	levelAny      levelKind = iota // "*"
	levelExact                     // a literal: byte equality
	levelPrefix                    // a literal followed by ".*": prefix test
	levelContains                  // [literal] ".*" literal ".*": prefix and substring tests
	levelSuffix                    // [literal] ".*" literal: prefix and suffix tests
	levelRegex                     // anything else: literal-prefix check, then the regex
)

type level struct {
	src    string
	kind   levelKind
	lit    []byte
	inner  []byte // the literal after ".*" of levelContains and levelSuffix
	re     *regexp.Regexp
	column int
}

// MatchError is a positioned error in a match expression.
type MatchError struct {
	Expr   string // the whole expression
	Level  int    // 1-based level number
	Column int    // 1-based byte column in Expr where the problem is
	Msg    string
}

func (e *MatchError) Error() string {
	return fmt.Sprintf("match expression %q: level %d, column %d: %s", e.Expr, e.Level, e.Column, e.Msg)
}

// ParseMatch compiles a match expression. Bad regular expressions give a
// *MatchError naming the level and the column of the problem.
func ParseMatch(expr string) (*Match, error) {
	parts, cols := splitLevels(expr)
	m := &Match{expr: expr}
	for i, p := range parts {
		pad := len(p) - len(strings.TrimLeft(p, " \t"))
		src := strings.TrimSpace(p)
		col := cols[i] + pad
		if src == "" {
			return nil, &MatchError{Expr: expr, Level: i + 1, Column: cols[i], Msg: "empty level (use * to match any statement)"}
		}
		lv, err := compileLevel(src)
		if err != nil {
			msg := err.Error()
			c := col
			var se *syntax.Error
			if errors.As(err, &se) {
				msg = "invalid regular expression: " + se.Code.String()
				if se.Expr != "" {
					msg += ": `" + se.Expr + "`"
					if k := strings.Index(src, se.Expr); k >= 0 {
						c = col + k
					}
				}
			}
			return nil, &MatchError{Expr: expr, Level: i + 1, Column: c, Msg: msg}
		}
		lv.column = col
		m.levels = append(m.levels, lv)
	}
	return m, nil
}

// MustParseMatch is ParseMatch for expressions known to be valid (tests,
// constants); it panics on error.
func MustParseMatch(expr string) *Match {
	m, err := ParseMatch(expr)
	if err != nil {
		panic(err)
	}
	return m
}

// String returns the expression as given.
func (m *Match) String() string { return m.expr }

// Levels returns the number of levels.
func (m *Match) Levels() int { return len(m.levels) }

// splitLevels splits on "||" outside character classes, groups and escapes,
// and returns each part with its 1-based starting column.
func splitLevels(expr string) ([]string, []int) {
	var parts []string
	var cols []int
	start, depth, inClass := 0, 0, false
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			if i+1 < len(expr) && expr[i+1] == ']' {
				i++
			}
		case c == '(':
			depth++
		case c == ')':
			if depth > 0 {
				depth--
			}
		case c == '|' && depth == 0 && i+1 < len(expr) && expr[i+1] == '|':
			parts = append(parts, expr[start:i])
			cols = append(cols, start+1)
			start = i + 2
			i++
		}
	}
	parts = append(parts, expr[start:])
	cols = append(cols, start+1)
	return parts, cols
}

func compileLevel(src string) (level, error) {
	if src == "*" {
		return level{src: src, kind: levelAny}, nil
	}
	re, err := regexp.Compile(`^(?s:` + src + `)$`)
	if err != nil {
		// Report the error against the level as written.
		if _, perr := syntax.Parse(src, syntax.Perl); perr != nil {
			return level{}, perr
		}
		return level{}, err
	}
	lv := level{src: src, kind: levelRegex, re: re}
	prefix, complete := re.LiteralPrefix()
	lv.lit = []byte(prefix)
	if complete {
		lv.kind = levelExact
		return lv, nil
	}
	if tree, err := syntax.Parse(src, syntax.Perl); err == nil {
		tree = tree.Simplify()
		switch {
		case isAnyStar(tree):
			lv.kind = levelAny
		case tree.Op == syntax.OpConcat:
			subs := tree.Sub
			var prefix []byte
			if len(subs) > 0 && isLiteral(subs[0]) {
				prefix = []byte(string(subs[0].Rune))
				subs = subs[1:]
			}
			switch {
			case len(subs) == 1 && prefix != nil && isAnyStar(subs[0]):
				lv.kind, lv.lit = levelPrefix, prefix
			case len(subs) == 3 && isAnyStar(subs[0]) && isLiteral(subs[1]) && isAnyStar(subs[2]):
				lv.kind, lv.lit, lv.inner = levelContains, prefix, []byte(string(subs[1].Rune))
			case len(subs) == 2 && isAnyStar(subs[0]) && isLiteral(subs[1]):
				lv.kind, lv.lit, lv.inner = levelSuffix, prefix, []byte(string(subs[1].Rune))
			}
		}
	}
	return lv, nil
}

// isAnyStar reports whether re is ".*" (any character, newlines included
// since levels are compiled with the s flag).
func isAnyStar(re *syntax.Regexp) bool {
	return re.Op == syntax.OpStar && len(re.Sub) == 1 &&
		(re.Sub[0].Op == syntax.OpAnyCharNotNL || re.Sub[0].Op == syntax.OpAnyChar)
}

// isLiteral reports a case-sensitive literal.
func isLiteral(re *syntax.Regexp) bool {
	return re.Op == syntax.OpLiteral && re.Flags&syntax.FoldCase == 0
}

func (l *level) match(b []byte) bool {
	switch l.kind {
	case levelAny:
		return true
	case levelExact:
		return bytes.Equal(b, l.lit)
	case levelPrefix:
		return bytes.HasPrefix(b, l.lit)
	case levelContains:
		return bytes.HasPrefix(b, l.lit) && bytes.Contains(b[len(l.lit):], l.inner)
	case levelSuffix:
		return bytes.HasPrefix(b, l.lit) && len(b)-len(l.lit) >= len(l.inner) && bytes.HasSuffix(b, l.inner)
	}
	if !bytes.HasPrefix(b, l.lit) {
		return false
	}
	return l.re.Match(b)
}

func (l *level) matchString(s string) bool {
	switch l.kind {
	case levelAny:
		return true
	case levelExact:
		return s == string(l.lit)
	case levelPrefix:
		return strings.HasPrefix(s, string(l.lit))
	case levelContains:
		return strings.HasPrefix(s, string(l.lit)) && strings.Contains(s[len(l.lit):], string(l.inner))
	case levelSuffix:
		return strings.HasPrefix(s, string(l.lit)) && len(s)-len(l.lit) >= len(l.inner) && strings.HasSuffix(s, string(l.inner))
	}
	if !strings.HasPrefix(s, string(l.lit)) {
		return false
	}
	return l.re.MatchString(s)
}

// MatchPath reports whether a statement with the given ancestor keys
// (outermost first, the statement's own key last) is selected by m: the
// statement or one of its ancestors matches the expression level by level.
func (m *Match) MatchPath(keys []string) bool {
	for d := range keys {
		if d >= len(m.levels) {
			return false
		}
		if !m.levels[d].matchString(keys[d]) {
			return false
		}
		if d == len(m.levels)-1 {
			return true
		}
	}
	return false
}

// matchWords reports whether the leading words of a JunOS statement path
// can be grouped into len(levels) consecutive non-empty groups, group i
// (words joined by single spaces) matching level i.
func (m *Match) matchWords(words []string) bool {
	return matchWordsFrom(m.levels, words, 0)
}

func matchWordsFrom(levels []level, words []string, wi int) bool {
	if len(levels) == 0 {
		return true
	}
	lv := &levels[0]
	var b strings.Builder
	for k := wi; k < len(words); k++ {
		if k > wi {
			b.WriteByte(' ')
		}
		b.WriteString(words[k])
		if lv.matchString(b.String()) && matchWordsFrom(levels[1:], words, k+1) {
			return true
		}
	}
	return false
}
