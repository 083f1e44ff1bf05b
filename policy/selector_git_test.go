package policy

import (
	"strings"
	"testing"
)

func TestGitSourceSelector(t *testing.T) {
	sel, err := ParseSelector(`git_source.to == "production" AND git_source.name MATCHES "^pol"`)
	if err != nil {
		t.Fatal(err)
	}
	if sel.Kind() != KindGitSource {
		t.Fatalf("kind %s", sel.Kind())
	}
	for _, c := range []struct {
		in   map[string]any
		want bool
	}{
		{map[string]any{"name": "policies", "from": "staging", "to": "production"}, true},
		{map[string]any{"name": "policies", "from": "default", "to": "staging"}, false},
		{map[string]any{"name": "templates", "to": "production"}, false},
	} {
		if got, _ := sel.Match(Input{GitSource: c.in}); got != c.want {
			t.Errorf("%v: match %v, want %v", c.in, got, c.want)
		}
	}
	// A node input has no promotion: no match.
	if got, _ := sel.Match(Input{Node: map[string]any{"name": "x"}}); got {
		t.Error("a node matched a git_source selector")
	}
	for src, want := range map[string]string{
		`git_source.color == "red"`:                          "unknown field git_source.color",
		`git_source.to == "production" AND node.role == "x"`: "mixes git_source fields",
	} {
		if _, err := ParseSelector(src); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", src, err, want)
		}
	}
	_, err = ParseFile("x.rules", []byte("RULE \"r\"\nWHEN git_source.to == \"production\"\nTHEN ASSERT true\n"))
	if err == nil {
		f, _ := ParseFile("x.rules", []byte("RULE \"r\"\nWHEN git_source.to == \"production\"\nTHEN ASSERT true\n"))
		_, err = Compile(f)
	}
	if err == nil || !strings.Contains(err.Error(), "only in approval rule conditions") {
		t.Errorf("a rule over git_source: %v", err)
	}
}
