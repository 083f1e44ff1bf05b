package jinja

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// AST builders for render tests.

func p(line int) Pos { return Pos{Line: line, Col: 1} }

func out(e Expr) Stmt               { return &Output{Pos: p(1), X: e} }
func nm(s string) Expr              { return &Name{Pos: p(1), Name: s} }
func k(v Value) Expr                { return &Const{Pos: p(1), Value: v} }
func attr(x Expr, n string) Expr    { return &Attr{Pos: p(1), X: x, Name: n} }
func bin(op string, l, r Expr) Expr { return &Binary{Pos: p(1), Op: op, L: l, R: r} }
func cmp(op string, l, r Expr) Expr {
	return &Compare{Pos: p(1), First: l, Ops: []string{op}, Rest: []Expr{r}}
}
func list(items ...Expr) Expr           { return &ListLit{Pos: p(1), Items: items} }
func tuple(items ...Expr) Expr          { return &TupleLit{Pos: p(1), Items: items} }
func tn(n string) Target                { return &NameTarget{Pos: p(1), Name: n} }
func tt(names ...string) Target         { return &TupleTarget{Pos: p(1), Items: targets(names)} }
func set(t Target, v Expr) Stmt         { return &Set{Pos: p(1), Target: t, Value: v} }
func ifs(c Expr, then, els []Stmt) Stmt { return &If{Pos: p(1), Cond: c, Then: then, Else: els} }
func call(fn Expr, args ...Expr) *Call  { return &Call{Pos: p(1), Fn: fn, Args: args} }
func kw(c *Call, name string, v Expr) *Call {
	c.Kwargs = append(c.Kwargs, Kwarg{Name: name, Value: v})
	return c
}
func forS(t Target, iter Expr, body ...Stmt) *For {
	return &For{Pos: p(1), Target: t, Iter: iter, Body: body}
}
func macro(name string, params []Param, body ...Stmt) Stmt {
	return &Macro{Pos: p(1), Name: name, Params: params, Body: body}
}
func body(s ...Stmt) []Stmt { return s }

func targets(names []string) []Target {
	out := make([]Target, len(names))
	for i, n := range names {
		out[i] = tn(n)
	}
	return out
}

// astCase renders a hand-built tree; Src is the equivalent template source
// the expectation was obtained from with Python Jinja2 3.1.
type astCase struct {
	Src     string
	Body    []Stmt
	Want    string
	WantErr string // substring of the error message
}

// testVars are the variables every render test gets: x=1, items=[1,2,3].
func testVars() map[string]any {
	return map[string]any{"x": int64(1), "items": NewList([]Value{int64(1), int64(2), int64(3)})}
}

func runASTCases(t *testing.T, env *Env, cases []astCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Src, func(t *testing.T) {
			got, err := renderTree(env, "t", tc.Body, testVars())
			if tc.WantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.WantErr) {
					t.Fatalf("error = %v, want one containing %q (output %q)", err, tc.WantErr, got)
				}
				var pe *Error
				if !errors.As(err, &pe) {
					t.Fatalf("error %T is not *Error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			if got != tc.Want {
				t.Fatalf("got %q, want %q", got, tc.Want)
			}
		})
	}
}

// renderTree compiles and renders a hand-built tree.
func renderTree(env *Env, name string, b []Stmt, vars map[string]any) (string, error) {
	tmpl, err := env.compile(&Tree{Name: name, Body: b})
	if err != nil {
		return "", err
	}
	return tmpl.RenderString(context.Background(), vars)
}
