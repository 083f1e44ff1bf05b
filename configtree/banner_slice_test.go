package configtree

import "testing"

// TestSliceAfterBannerBody: a statement indented under a multi-line banner
// after its body (Comware "header", IOS "banner") is the banner's child in
// the tree, and the streaming slicer, which skips the descendants of what
// it does not keep, does not skip it with the body: both slices agree.
func TestSliceAfterBannerBody(t *testing.T) {
	for _, c := range []struct{ src, dialect, want string }{
		{"sysname 0\nheader 0 #\n 0\n#\n 0", DialectComware, "header 0 #\n 0\n"},
		{"x\nheader motd %\n 0\n%\n 0\n", DialectComware, "header motd %\n 0\n"},
		{"hostname a\nbanner motd ^C\nhi there\n^C\n x\n", DialectIOS, "banner motd ^C\n x\n"},
	} {
		tree, err := ParseString(c.src, c.dialect)
		if err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		m := MustParseMatch("[a-m].*||[^ ]*")
		streamed, err := SliceString(c.src, c.dialect, m)
		if err != nil {
			t.Fatal(err)
		}
		sub, _ := SliceTree(tree, m)
		if streamed != c.want || sub.String() != c.want {
			t.Errorf("%s %q: streamed %q, tree %q, want %q", c.dialect, c.src, streamed, sub.String(), c.want)
		}
	}
}
