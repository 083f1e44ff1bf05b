package configtree

import (
	"strings"
	"testing"
)

// TestVendorLimits: nesting, banner and line limits end a parse with an
// error at the offending line, never a crash.
func TestVendorLimits(t *testing.T) {
	var deep strings.Builder
	for i := 0; i <= MaxDepth; i++ {
		deep.WriteString(strings.Repeat(" ", i))
		deep.WriteString("x\n")
	}
	for _, d := range []string{DialectComware, DialectRouterOS, DialectNetIron} {
		_, err := ParseString(deep.String(), d)
		if err == nil || !strings.Contains(err.Error(), "line 1001: statements nested deeper than 1000") {
			t.Errorf("%s: deep nesting: %v", d, err)
		}
	}
	longBody := strings.Repeat(strings.Repeat("a", 1000)+"\n", 1100)
	if _, err := ParseString("#\nheader motd %\n"+longBody+"%\n", DialectComware); err == nil || !strings.Contains(err.Error(), "line 2: header is longer than") {
		t.Errorf("long header: %v", err)
	}
	if _, err := ParseString("set system login-banner \"x\n"+longBody, DialectPANOS); err == nil || !strings.Contains(err.Error(), "line 1: login banner is longer than") {
		t.Errorf("long banner: %v", err)
	}
	long := strings.Repeat("b", MaxLineLength+1)
	for _, d := range []string{DialectComware, DialectPANOS, DialectEXOS, DialectRouterOS, DialectNetIron} {
		if _, err := ParseString("ok\n"+long+"\n", d); err == nil || !strings.Contains(err.Error(), "line 2: longer than") {
			t.Errorf("%s: long line: %v", d, err)
		}
	}
}

// TestVendorEmptyInput: blank input and comment-only input are empty trees.
func TestVendorEmptyInput(t *testing.T) {
	for _, d := range []string{DialectComware, DialectPANOS, DialectEXOS, DialectRouterOS, DialectNetIron} {
		for _, src := range []string{"", "\n\n", "#\n#\n"} {
			tree, err := ParseString(src, d)
			if err != nil {
				t.Fatalf("%s %q: %v", d, src, err)
			}
			if d != DialectPANOS && tree.Len() != 0 {
				t.Errorf("%s %q: %d statements", d, src, tree.Len())
			}
		}
	}
	// PAN-OS has no comment syntax: "#" lines are statements, as in netutils.
	if tree, _ := ParseString("#\n", DialectPANOS); tree.Len() != 1 {
		t.Errorf("panos: %d statements for a \"#\" line", tree.Len())
	}
}
