package remediation

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// prefilter rejects cheaply most lines an anchored substitution regex
// ("^ exit-address-family", "^\s*[#!].*") cannot match: it knows the
// characters a matching line can start with, after optional leading
// whitespace when the regex allows it.
type prefilter struct {
	active    bool
	skipSpace bool
	prefix    string // a literal the line must start with, or
	class     []rune // ranges of the first character (pairs)
}

func newPrefilter(expr string) prefilter {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return prefilter{}
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 || re.Sub[0].Op != syntax.OpBeginText && re.Sub[0].Op != syntax.OpBeginLine {
		return prefilter{}
	}
	rest := re.Sub[1:]
	p := prefilter{}
	if rest[0].Op == syntax.OpStar && len(rest[0].Sub) == 1 && isSpaceClass(rest[0].Sub[0]) {
		p.skipSpace = true
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return prefilter{}
	}
	switch first := rest[0]; first.Op {
	case syntax.OpLiteral:
		if first.Flags&syntax.FoldCase != 0 {
			return prefilter{}
		}
		p.prefix = string(first.Rune)
	case syntax.OpCharClass:
		p.class = first.Rune
	default:
		return prefilter{}
	}
	if p.skipSpace && (strings.IndexAny(p.prefix, " \t\n\v\f\r") == 0 || classHasSpace(p.class)) {
		// The whitespace the regex skips could also be the first
		// character: no cheap test.
		return prefilter{}
	}
	p.active = true
	return p
}

func classHasSpace(class []rune) bool {
	for _, r := range " \t\n\v\f\r" {
		for i := 0; i+1 < len(class); i += 2 {
			if r >= class[i] && r <= class[i+1] {
				return true
			}
		}
	}
	return false
}

// isSpaceClass reports whether re is a class of whitespace only (\s).
func isSpaceClass(re *syntax.Regexp) bool {
	if re.Op != syntax.OpCharClass {
		return false
	}
	for i := 0; i+1 < len(re.Rune); i += 2 {
		for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
			if !strings.ContainsRune(" \t\n\v\f\r", r) {
				return false
			}
		}
	}
	return true
}

// mayMatch reports whether the regex can match line; trimmed is line
// without its leading whitespace.
func (p *prefilter) mayMatch(line, trimmed string) bool {
	if !p.active {
		return true
	}
	if p.skipSpace {
		line = trimmed
	}
	if p.class == nil {
		return strings.HasPrefix(line, p.prefix)
	}
	r, _ := utf8.DecodeRuneInString(line)
	if line == "" {
		return false
	}
	for i := 0; i+1 < len(p.class); i += 2 {
		if r >= p.class[i] && r <= p.class[i+1] {
			return true
		}
	}
	return false
}

// substIndex lists, by first character of a line (raw, and without its
// leading whitespace), the substitutions that can match it.
type substIndex struct {
	always []int
	byRaw  [256][]int
	byTrim [256][]int
}

func newSubstIndex(subs []csub) *substIndex {
	x := &substIndex{}
	for i := range subs {
		p := &subs[i].pre
		table := &x.byRaw
		if p.skipSpace {
			table = &x.byTrim
		}
		switch {
		case !p.active:
			x.always = append(x.always, i)
		case p.class == nil:
			if p.prefix == "" {
				x.always = append(x.always, i)
			} else {
				table[p.prefix[0]] = append(table[p.prefix[0]], i)
			}
		default:
			if p.class[len(p.class)-1] >= utf8.RuneSelf {
				x.always = append(x.always, i)
				continue
			}
			for j := 0; j+1 < len(p.class); j += 2 {
				for r := p.class[j]; r <= p.class[j+1]; r++ {
					table[r] = append(table[r], i)
				}
			}
		}
	}
	return x
}

// candidates appends to dst, in increasing order, the substitutions that
// can match a line.
func (x *substIndex) candidates(line, trimmed string, dst []int) []int {
	dst = append(dst, x.always...)
	dst = append(dst, x.byRaw[line[0]]...)
	if trimmed != "" {
		dst = append(dst, x.byTrim[trimmed[0]]...)
	}
	// Insertion sort: the lists are short.
	for i := 1; i < len(dst); i++ {
		for j := i; j > 0 && dst[j] < dst[j-1]; j-- {
			dst[j], dst[j-1] = dst[j-1], dst[j]
		}
	}
	return dst
}
