package repocheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoPathsOutsideRepository: no Go file of the repository (tests,
// benchmarks and the bench module included) names a relative path that
// leads out of the repository, such as a data directory beside it. Tests run
// in their package's directory, so a string literal starting with "../" is
// resolved against the directory of the file that contains it.
func TestNoPathsOutsideRepository(t *testing.T) {
	eachGoFile(t, 100, func(root, path string) {
		for _, lit := range escapingLiterals(t, root, path) {
			t.Errorf("%s: %s leads outside the repository", relTo(root, path), lit)
		}
	})
}

// escapingLiterals returns the string literals of a Go file that start with
// "../" and, resolved against the file's directory, lie outside root.
func escapingLiterals(t *testing.T, root, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || !strings.HasPrefix(s, "../") {
			return true
		}
		target := filepath.Join(filepath.Dir(path), filepath.FromSlash(s))
		if rel, err := filepath.Rel(root, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			out = append(out, lit.Value)
		}
		return true
	})
	return out
}
