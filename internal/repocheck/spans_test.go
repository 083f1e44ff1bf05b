package repocheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpansEndThroughTelemetry fails when code of the repository outside
// package telemetry ends a span with its End method: such a span would
// never be exported, since telemetry's exporter is not one of the SDK's span
// processors and sees only the spans telemetry.End hands it.
//
// The check is syntactic (go/ast, no type information): it flags every call
// of a method named End whose receiver is named like a span, that is an
// identifier or field whose name contains "span" (any case) or is "sp", or
// a call of a function whose name contains "Span"
// (trace.SpanFromContext(ctx).End()). Test files are not checked: tests
// may end spans of providers of their own.
func TestSpansEndThroughTelemetry(t *testing.T) {
	fset := token.NewFileSet()
	eachGoFile(t, 50, func(root, path string) {
		if strings.HasSuffix(path, "_test.go") || filepath.Dir(path) == filepath.Join(root, "telemetry") {
			return
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "End" || !spanLike(sel.X) {
				return true
			}
			t.Errorf("%s:%d: a span ends with its End method: end it with telemetry.End (or it is never exported)",
				relTo(root, path), fset.Position(call.Pos()).Line)
			return true
		})
	})
}

// spanLike reports whether the receiver x of an End call looks like a span.
func spanLike(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return spanLikeName(x.Name)
	case *ast.SelectorExpr:
		return spanLikeName(x.Sel.Name)
	case *ast.ParenExpr:
		return spanLike(x.X)
	case *ast.IndexExpr:
		return spanLike(x.X)
	case *ast.CallExpr:
		switch f := x.Fun.(type) {
		case *ast.Ident:
			return strings.Contains(f.Name, "Span")
		case *ast.SelectorExpr:
			return strings.Contains(f.Sel.Name, "Span")
		}
	}
	return false
}

func spanLikeName(name string) bool {
	return name == "sp" || strings.Contains(strings.ToLower(name), "span")
}

// TestSpanLike checks what the scan above recognises as a span.
func TestSpanLike(t *testing.T) {
	for src, want := range map[string]bool{
		"span.End()":                               true,
		"sp.End()":                                 true,
		"serverSpan.End()":                         true,
		"s.span.End()":                             true,
		"spans[i].End()":                           true,
		"trace.SpanFromContext(ctx).End()":         true,
		"(span).End()":                             true,
		"span.End(trace.WithTimestamp(now))":       true,
		"timer.End()":                              false,
		"r.End()":                                  false,
		"telemetry.End(span, nil)":                 false,
		"strings.Builder{}.End()":                  false,
		"newRange().End()":                         false,
		"spanEnd(x)":                               false,
		"p.spanBatch.Len()":                        false,
		"trace.SpanFromContext(ctx).IsRecording()": false,
	} {
		e, err := parser.ParseExpr(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		call := e.(*ast.CallExpr)
		sel, ok := call.Fun.(*ast.SelectorExpr)
		got := ok && sel.Sel.Name == "End" && spanLike(sel.X)
		if got != want {
			t.Errorf("%s: flagged %v, want %v", src, got, want)
		}
	}
}
