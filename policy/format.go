package policy

import (
	"sort"
	"strings"
)

// maxLineWidth is the width above which the formatter splits a condition
// over several lines at its top-level AND/OR operators.
const maxLineWidth = 100

// Format parses src and returns its canonical form: upper-case keywords,
// one rule per paragraph (header, WHEN and THEN lines), double-quoted
// strings, block actions one per line, comments kept. name is used in
// error positions.
func Format(name string, src []byte) ([]byte, error) {
	f, err := ParseFile(name, src)
	if err != nil {
		return nil, err
	}
	return FormatFile(f), nil
}

// fmtGroup is one output line with the source offset it starts at.
type fmtGroup struct {
	start    int
	indent   int
	text     string
	leading  []Comment
	trailing []Comment
	ruleHead bool // first line of a rule
}

// FormatFile renders a parsed file in canonical form.
func FormatFile(f *File) []byte {
	var groups []*fmtGroup
	add := func(start Pos, indent int, text string) *fmtGroup {
		g := &fmtGroup{start: start.Offset, indent: indent, text: text}
		groups = append(groups, g)
		return g
	}
	for _, r := range f.Rules {
		first := len(groups)
		if r.Name != "" || r.Severity != "" {
			var h []string
			if r.Name != "" {
				h = append(h, "RULE "+quoteString(r.Name))
			}
			if r.Severity != "" {
				h = append(h, "SEVERITY "+r.Severity)
			}
			add(r.Pos, 0, strings.Join(h, " "))
		}
		whenText := "WHEN " + ExprString(r.When)
		if b, isBin := r.When.(*BinaryExpr); isBin && len(whenText) > maxLineWidth {
			parts, ops := flattenChain(b)
			add(r.WhenPos, 0, "WHEN "+exprTextIn(parts[0], b.Op))
			for i, op := range ops {
				add(op, 2, b.Op.String()+" "+exprTextIn(parts[i+1], b.Op))
			}
		} else {
			add(r.WhenPos, 0, whenText)
		}
		if blk, isBlock := r.Then.(*BlockAction); isBlock {
			add(r.ThenPos, 0, "THEN {")
			formatBlockBody(blk, 2, add)
			add(blk.RBrace, 0, "}")
		} else {
			add(r.ThenPos, 0, "THEN "+actionString(r.Then))
		}
		groups[first].ruleHead = true
	}
	var tail []Comment
	for _, c := range f.Comments {
		if c.OwnLine {
			i := sort.Search(len(groups), func(i int) bool { return groups[i].start > c.Pos.Offset })
			if i == len(groups) {
				tail = append(tail, c)
			} else {
				groups[i].leading = append(groups[i].leading, c)
			}
			continue
		}
		i := sort.Search(len(groups), func(i int) bool { return groups[i].start > c.Pos.Offset }) - 1
		if i < 0 {
			groups[0].leading = append(groups[0].leading, c)
		} else {
			groups[i].trailing = append(groups[i].trailing, c)
		}
	}

	// End-of-line comments stay on their line until one of them runs to the
	// end of the line; the others move to their own lines before the next
	// line, where a second formatting pass puts them too.
	for i, g := range groups {
		for j, c := range g.trailing {
			if strings.HasPrefix(c.Text, "/*") && !strings.Contains(c.Text, "\n") {
				continue
			}
			rest := g.trailing[j+1:]
			g.trailing = g.trailing[:j+1]
			if i+1 < len(groups) {
				groups[i+1].leading = append(append([]Comment(nil), rest...), groups[i+1].leading...)
			} else {
				tail = append(append([]Comment(nil), rest...), tail...)
			}
			break
		}
	}

	var b strings.Builder
	if fm := f.FrontMatter; fm != nil {
		b.WriteString(strings.TrimRight(f.Source[:fm.End], "\r\n"))
		b.WriteByte('\n')
	}
	// The first rule or comment follows the front matter directly.
	wrote := false
	blankBefore := func(off int) bool { return blankLineBefore(f.Source, off) }
	for _, g := range groups {
		pad := strings.Repeat(" ", g.indent)
		commentPad := pad
		if strings.HasPrefix(g.text, "}") {
			// Comments before a closing brace belong to the block body.
			commentPad += "  "
		}
		needBlank := wrote && g.ruleHead
		for _, c := range g.leading {
			if needBlank || (wrote && blankBefore(c.Pos.Offset)) {
				b.WriteByte('\n')
			}
			needBlank = false
			b.WriteString(commentPad)
			b.WriteString(c.Text)
			b.WriteByte('\n')
			wrote = true
		}
		if needBlank || (len(g.leading) > 0 && g.ruleHead && blankBefore(g.start)) {
			b.WriteByte('\n')
		}
		b.WriteString(pad)
		b.WriteString(g.text)
		for _, c := range g.trailing {
			b.WriteString("  ")
			b.WriteString(c.Text)
		}
		b.WriteByte('\n')
		wrote = true
	}
	for _, c := range tail {
		if wrote && blankBefore(c.Pos.Offset) {
			b.WriteByte('\n')
		}
		b.WriteString(c.Text)
		b.WriteByte('\n')
		wrote = true
	}
	return []byte(b.String())
}

func formatBlockBody(blk *BlockAction, indent int, add func(Pos, int, string) *fmtGroup) {
	for i, a := range blk.Actions {
		sep := ";"
		if i == len(blk.Actions)-1 {
			sep = ""
		}
		if inner, isBlock := a.(*BlockAction); isBlock {
			add(inner.LBrace, indent, "{")
			formatBlockBody(inner, indent+2, add)
			add(inner.RBrace, indent, "}"+sep)
			continue
		}
		add(a.actionPos(), indent, actionString(a)+sep)
	}
}

// flattenChain splits a left-associated chain of one operator.
func flattenChain(b *BinaryExpr) ([]Expr, []Pos) {
	if l, isBin := b.X.(*BinaryExpr); isBin && l.Op == b.Op {
		parts, ops := flattenChain(l)
		return append(parts, b.Y), append(ops, b.OpPos)
	}
	return []Expr{b.X, b.Y}, []Pos{b.OpPos}
}

// exprTextIn renders an operand of a chain of op, adding parentheses when
// precedence needs them.
func exprTextIn(e Expr, op LogicalOp) string {
	var b strings.Builder
	p := 1
	if op == OpAnd {
		p = 2
	}
	writeExprPrec(&b, e, p)
	return b.String()
}

// blankLineBefore reports whether an empty line separates off from the
// previous non-space text.
func blankLineBefore(src string, off int) bool {
	nl := 0
	for i := off - 1; i >= 0; i-- {
		switch src[i] {
		case '\n':
			nl++
			if nl >= 2 {
				return true
			}
		case ' ', '\t', '\r':
		default:
			return false
		}
	}
	return false
}
