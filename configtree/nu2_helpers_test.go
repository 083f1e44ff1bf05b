package configtree

import (
	"fmt"
	"strings"
	"testing"
)

// entryLines renders Entries() as "depth|line|parent > parent" strings for
// compact comparisons.
func entryLines(t *testing.T, src, dialect string) []string {
	t.Helper()
	tree, err := ParseString(src, dialect)
	if err != nil {
		t.Fatalf("parse %s: %v", dialect, err)
	}
	var out []string
	for _, e := range tree.Entries() {
		out = append(out, fmt.Sprintf("%d|%s|%s", e.Depth, e.Line, strings.Join(e.Parents, " > ")))
	}
	return out
}

func wantLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// keysOf lists the keys of a tree's statements in document order.
func keysOf(t *testing.T, src, dialect string) []string {
	t.Helper()
	tree, err := ParseString(src, dialect)
	if err != nil {
		t.Fatalf("parse %s: %v", dialect, err)
	}
	var out []string
	tree.Walk(func(st *Statement, _ []*Statement) bool {
		out = append(out, st.Key)
		return true
	})
	return out
}
