package policy

import (
	"strconv"
	"strings"
)

// precedence of condition forms: OR < AND < NOT < comparison.
func exprPrec(e Expr) int {
	switch x := e.(type) {
	case *BinaryExpr:
		if x.Op == OpOr {
			return 1
		}
		return 2
	case *NotExpr:
		return 3
	}
	return 4
}

// ExprString renders a condition in canonical single-line form.
func ExprString(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

// OperandString renders an operand in canonical form.
func OperandString(o Operand) string {
	var b strings.Builder
	writeOperand(&b, o)
	return b.String()
}

func writeExprPrec(b *strings.Builder, e Expr, min int) {
	if exprPrec(e) < min {
		b.WriteByte('(')
		writeExpr(b, e)
		b.WriteByte(')')
		return
	}
	writeExpr(b, e)
}

func writeExpr(b *strings.Builder, e Expr) {
	switch x := e.(type) {
	case *BinaryExpr:
		p := exprPrec(x)
		writeExprPrec(b, x.X, p)
		b.WriteByte(' ')
		b.WriteString(x.Op.String())
		b.WriteByte(' ')
		writeExprPrec(b, x.Y, p+1)
	case *NotExpr:
		b.WriteString("NOT ")
		writeExprPrec(b, x.X, 3)
	case *ParenExpr:
		b.WriteByte('(')
		writeExpr(b, x.X)
		b.WriteByte(')')
	case *CompareExpr:
		writeOperand(b, x.X)
		b.WriteByte(' ')
		b.WriteString(x.Op.String())
		b.WriteByte(' ')
		writeOperand(b, x.Y)
	case *NullExpr:
		writeOperand(b, x.X)
		if x.Not {
			b.WriteString(" IS NOT NULL")
		} else {
			b.WriteString(" IS NULL")
		}
	case *TruthExpr:
		writeOperand(b, x.X)
	}
}

func writeOperand(b *strings.Builder, o Operand) {
	switch x := o.(type) {
	case *Literal:
		b.WriteString(literalText(x))
	case *ListLit:
		b.WriteByte('[')
		for i, e := range x.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			writeOperand(b, e)
		}
		b.WriteByte(']')
	case *FieldRef:
		b.WriteString(x.String())
	case *Call:
		b.WriteString(x.Name)
		b.WriteByte('(')
		for i, a := range x.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			writeOperand(b, a)
		}
		b.WriteByte(')')
	}
}

func literalText(l *Literal) string {
	switch l.Kind {
	case LitString:
		s, _ := l.Value.(string)
		return quoteString(s)
	case LitNumber:
		if l.Raw != "" {
			return l.Raw
		}
		f, _ := l.Value.(float64)
		return strconv.FormatFloat(f, 'g', -1, 64)
	case LitBool:
		if v, _ := l.Value.(bool); v {
			return "true"
		}
		return "false"
	case LitRegex:
		s, _ := l.Value.(string)
		return "/" + strings.ReplaceAll(s, "/", `\/`) + "/" + l.Flags
	}
	return "null"
}

// actionString renders a single action on one line (blocks inline).
func actionString(a Action) string {
	switch x := a.(type) {
	case *AssertAction:
		return "ASSERT " + ExprString(x.Cond)
	case *SetAction:
		return "SET " + x.Field.String() + " TO " + OperandString(x.Value)
	case *ApplyAction:
		return "APPLY " + quoteString(x.Template)
	case *BlockAction:
		parts := make([]string, len(x.Actions))
		for i, s := range x.Actions {
			parts[i] = actionString(s)
		}
		return "{ " + strings.Join(parts, "; ") + " }"
	}
	return ""
}
