package policy

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// dumpFile renders the syntax tree, with positions when withPos is set.
// Without positions two dumps are equal exactly when the trees are.
func dumpFile(f *File, withPos bool) string {
	d := &dumper{withPos: withPos}
	if fm := f.FrontMatter; fm != nil {
		d.line(0, Pos{}, "FrontMatter id=%q owner=%q summary=%q target=%q", fm.ID, fm.Owner, fm.Summary, fm.Target)
	}
	for _, r := range f.Rules {
		d.line(0, r.Pos, "Rule #%d name=%q severity=%q", r.Index, r.Name, r.Severity)
		d.line(1, r.WhenPos, "When")
		d.expr(2, r.When)
		d.line(1, r.ThenPos, "Then")
		d.action(2, r.Then)
	}
	if withPos {
		for _, c := range f.Comments {
			d.line(0, c.Pos, "Comment own=%v %q", c.OwnLine, c.Text)
		}
	}
	return d.b.String()
}

type dumper struct {
	b       strings.Builder
	withPos bool
}

func (d *dumper) line(depth int, pos Pos, format string, args ...any) {
	d.b.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(&d.b, format, args...)
	if d.withPos && pos.Line > 0 {
		fmt.Fprintf(&d.b, " @%d:%d", pos.Line, pos.Col)
	}
	d.b.WriteByte('\n')
}

func (d *dumper) expr(depth int, e Expr) {
	switch x := e.(type) {
	case *BinaryExpr:
		d.line(depth, x.OpPos, "%s", x.Op)
		d.expr(depth+1, x.X)
		d.expr(depth+1, x.Y)
	case *NotExpr:
		d.line(depth, x.NotPos, "Not")
		d.expr(depth+1, x.X)
	case *ParenExpr:
		d.line(depth, x.LParen, "Paren")
		d.expr(depth+1, x.X)
	case *CompareExpr:
		d.line(depth, x.OpPos, "Compare %s", x.Op)
		d.operand(depth+1, x.X)
		d.operand(depth+1, x.Y)
	case *NullExpr:
		d.line(depth, x.IsPos, "Null not=%v", x.Not)
		d.operand(depth+1, x.X)
	case *TruthExpr:
		d.line(depth, Pos{}, "Truth")
		d.operand(depth+1, x.X)
	default:
		d.line(depth, Pos{}, "?%T", e)
	}
}

func (d *dumper) operand(depth int, o Operand) {
	switch x := o.(type) {
	case *Literal:
		switch x.Kind {
		case LitString:
			d.line(depth, x.ValuePos, "String %q", x.Value)
		case LitNumber:
			d.line(depth, x.ValuePos, "Number %v (%s)", x.Value, x.Raw)
		case LitBool:
			d.line(depth, x.ValuePos, "Bool %v", x.Value)
		case LitNull:
			d.line(depth, x.ValuePos, "Null")
		case LitRegex:
			d.line(depth, x.ValuePos, "Regex %q flags=%q", x.Value, x.Flags)
		}
	case *ListLit:
		d.line(depth, x.LBrack, "List")
		for _, e := range x.Elems {
			d.operand(depth+1, e)
		}
	case *FieldRef:
		d.line(depth, x.FieldPos, "Field %s", strings.Join(x.Path, "|"))
	case *Call:
		d.line(depth, x.NamePos, "Call %s", x.Name)
		for _, a := range x.Args {
			d.operand(depth+1, a)
		}
	default:
		d.line(depth, Pos{}, "?%T", o)
	}
}

func (d *dumper) action(depth int, a Action) {
	switch x := a.(type) {
	case *AssertAction:
		d.line(depth, x.AssertPos, "Assert")
		d.expr(depth+1, x.Cond)
	case *SetAction:
		d.line(depth, x.SetPos, "Set %s", strings.Join(x.Field.Path, "|"))
		d.operand(depth+1, x.Value)
	case *ApplyAction:
		d.line(depth, x.ApplyPos, "Apply %q", x.Template)
	case *BlockAction:
		d.line(depth, x.LBrace, "Block")
		for _, s := range x.Actions {
			d.action(depth+1, s)
		}
	default:
		d.line(depth, Pos{}, "?%T", a)
	}
}

// checkGolden compares got with the golden file, rewriting it with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run go test -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
