package configtree

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// blockOutline renders a tree one statement a line: two spaces per depth, the
// key in brackets when it differs from the text without indentation, the
// line number, and the closing line with its number.
func blockOutline(t *Tree) string {
	var b strings.Builder
	t.Walk(func(st *Statement, _ []*Statement) bool {
		text := strings.TrimLeft(st.Text, " \t")
		fmt.Fprintf(&b, "%s%d %s", strings.Repeat("  ", st.Depth), st.Line, text)
		if st.Key != text {
			fmt.Fprintf(&b, " [key %s]", st.Key)
		}
		if st.Close != "" {
			fmt.Fprintf(&b, " [close %d %s]", st.CloseLine, strings.TrimSpace(st.Close))
		}
		b.WriteByte('\n')
		return true
	})
	return b.String()
}

// checkBlockOutline parses src and compares its outline with want.
func checkBlockOutline(t *testing.T, dialect, src, want string) *Tree {
	t.Helper()
	tree, err := ParseString(src, dialect)
	if err != nil {
		t.Fatalf("parse %s: %v", dialect, err)
	}
	if got := blockOutline(tree); got != want {
		t.Errorf("%s outline:\n%s\nwant:\n%s", dialect, got, want)
	}
	return tree
}

// checkBlockParseError parses src and expects an error containing each of parts.
func checkBlockParseError(t *testing.T, dialect, src string, parts ...string) {
	t.Helper()
	_, err := ParseString(src, dialect)
	if err == nil {
		t.Fatalf("%s: %q parsed without error", dialect, src)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not contain %q", dialect, err, p)
		}
	}
}

// netutils1Config reads a configuration of testdata/netutils.
func netutils1Config(t testing.TB, folder, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(netutils1Dir, folder, name+".conf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sliceBlock slices src with one match expression.
func sliceBlock(t *testing.T, src, dialect, expr string) string {
	t.Helper()
	m, err := ParseMatch(expr)
	if err != nil {
		t.Fatal(err)
	}
	out, err := SliceString(src, dialect, m)
	if err != nil {
		t.Fatalf("slice %q: %v", expr, err)
	}
	return out
}
