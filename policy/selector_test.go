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
