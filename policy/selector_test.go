package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestSelector(t *testing.T) {
	s, err := ParseSelector(`node.role IN ["core", "leaf"] and location.path contains "London"`)
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind() != KindNode || s.String() != `node.role IN ["core", "leaf"] AND location.path CONTAINS "London"` {
		t.Fatalf("selector %s kind %s", s, s.Kind())
	}
	loc := map[string]any{"path": "EMEA/London-Campus"}
	if ok, _ := s.Match(Input{Node: testNode(), Location: loc}); !ok {
		t.Error("core node in London does not match")
	}
	if ok, _ := s.Match(Input{Node: testNode()}); ok {
		t.Error("node without location matches")
	}
	if ok, w := mustSelector(t, `custom_data.count > "2"`).Match(Input{Node: testNode()}); ok || len(w) != 1 {
		t.Errorf("mismatch: ok=%v warnings=%q", ok, w)
	}
	if mustSelector(t, `link.role == "backbone"`).Kind() != KindLink {
		t.Error("link selector kind")
	}
	for src, want := range map[string]string{
		`node.role ==`:                 "selector:1:13: unexpected end of file, expected a value",
		`node.role == "a" THEN`:        "selector:1:18: unexpected THEN, expected AND, OR or end of selector",
		`node.hostname == "a"`:         `selector:1:1: unknown field node.hostname`,
		`node.name MATCHES "(" `:       `selector:1:19: invalid regex`,
		`link.role == "x" AND node.id`: "rule mixes link fields",
	} {
		_, err := ParseSelector(src)
		var list ErrorList
		if !errors.As(err, &list) || !strings.Contains(list.Error(), want) {
			t.Errorf("ParseSelector(%q) error = %v, want %q", src, err, want)
		}
	}
}

func mustSelector(t *testing.T, src string) *Selector {
	t.Helper()
	s, err := ParseSelector(src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCountCondition checks conditions over named counts (a canary's
// abort-on): the names are fields, anything else is refused with its
// position.
func TestCountCondition(t *testing.T) {
	names := []string{"new_failures", "render_errors", "changed_configs", "nodes"}
	for _, c := range []struct {
		src    string
		counts map[string]any
		want   bool
	}{
		{"new_failures > 0", map[string]any{"new_failures": 1}, true},
		{"new_failures > 0", map[string]any{"new_failures": 0}, false},
		{"render_errors > 0 OR changed_configs > 10", map[string]any{"render_errors": 0, "changed_configs": 11}, true},
		{"render_errors > 0 OR changed_configs > 10", map[string]any{"render_errors": 0, "changed_configs": 10}, false},
		{"new_failures >= 1 AND nodes >= 2", map[string]any{"new_failures": 1, "nodes": 1}, false},
	} {
		sel, err := ParseCountCondition(c.src, names)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if got := sel.MatchCounts(c.counts); got != c.want {
			t.Errorf("%s over %v = %v, want %v", c.src, c.counts, got, c.want)
		}
	}
	for src, want := range map[string]string{
		"bogus > 1":            `selector:1:1: unknown count "bogus", expected one of new_failures`,
		"nodes > 1 AND node.x": "selector:1:15",
		"new_failures >":       "selector:1:",
	} {
		_, err := ParseCountCondition(src, names)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", src, err, want)
		}
	}
}
