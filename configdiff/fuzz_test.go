package configdiff

import (
	"testing"

	"github.com/unet-dev/unet/configtree"
)

// FuzzLines: for any two texts and context, applying the hunks to A gives B
// and the statistics count the hunk lines.
func FuzzLines(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd\n", uint8(3))
	f.Add("", "x\n", uint8(0))
	f.Add("x\nx\nx\n", "x\ny\nx\n", uint8(1))
	f.Add("hostname a\ninterface Gi1\n shutdown\n", "interface Gi1\n no shutdown\nhostname a\n", uint8(2))
	f.Fuzz(func(t *testing.T, a, b string, ctx uint8) {
		d := Lines("a", "b", a, b, int(ctx%8))
		if d.Equal != Equal(a, b) {
			t.Fatalf("Equal disagrees")
		}
		if got := applyHunks(t, a, d); got != withNewline(b) {
			t.Fatalf("applying the hunks gives %q, want %q", got, withNewline(b))
		}
	})
}

// FuzzHierarchical: the hierarchical diff of a parsed text with itself is
// empty and diff(A, B) mirrors diff(B, A).
func FuzzHierarchical(f *testing.F) {
	f.Add("hostname a\ninterface Gi1\n shutdown\n", "interface Gi1\n no shutdown\nhostname b\n")
	f.Add("ip access-list extended X\n permit a\n deny b\n", "ip access-list extended X\n deny b\n permit a\n")
	f.Add("a\na\nb\n", "b\na\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		ta, err := configtree.ParseString(a, "ios")
		if err != nil {
			return
		}
		tb, err := configtree.ParseString(b, "ios")
		if err != nil {
			return
		}
		if self := Hierarchical("a", "a", ta, ta); !self.Equal {
			t.Fatalf("self diff not empty: %+v", self.Changes)
		}
		ab, ba := Hierarchical("a", "b", ta, tb), Hierarchical("b", "a", tb, ta)
		if canonical(ab, false) != canonical(ba, true) {
			t.Fatalf("not symmetric:\n%s\n--\n%s", canonical(ab, false), canonical(ba, true))
		}
	})
}
