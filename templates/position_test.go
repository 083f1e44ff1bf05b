package templates

import (
	"context"
	"strings"
	"testing"
)

// TestLexerErrorsArePositioned: an error the engine's lexer finds (reported
// by the engine as line 0, column 0) carries the real line and column, in
// the template itself and through an include, without engine internals.
func TestLexerErrorsArePositioned(t *testing.T) {
	env := New(mapFS(map[string]string{
		"bad.j2":   "hostname x\nntp server {{ ntp }\n",
		"inc.j2":   "a\n{% include 'bad.j2' %}\n",
		"endif.j2": "a\n\n  {% endif %}\n",
	}), Options{})
	want := map[string]string{
		"bad.j2":   `bad.j2:2:19: unexpected '}'`,
		"endif.j2": `endif.j2:3:6: Encountered unknown tag 'endif'.`,
	}
	for name, w := range want {
		_, err := env.Render(context.Background(), name, nil)
		if err == nil || err.Error() != w {
			t.Errorf("%s: got %v, want %s", name, err, w)
		}
	}
	_, err := env.Render(context.Background(), "inc.j2", nil)
	if err == nil || !strings.HasPrefix(err.Error(), "bad.j2:2:19: ") {
		t.Errorf("include: %v", err)
	}
	for _, e := range env.Validate() {
		for _, bad := range []string{"Line: 0", "Col: 0", "near \"Unexpected", "ControlStructure"} {
			if strings.Contains(e.Error(), bad) {
				t.Errorf("validate: %q shows engine internals (%s)", e, bad)
			}
		}
		if e.Line == 0 || e.Col == 0 {
			t.Errorf("validate: %q has no position", e)
		}
	}
}

// TestRenderErrorsHaveColumns: a render error points at the expression on
// its line, counting characters, not bytes.
func TestRenderErrorsHaveColumns(t *testing.T) {
	env := New(mapFS(map[string]string{
		"u.j2": "x\nbeschreibung \"äöü\" {{ descr }}\n",
		"f.j2": "x\n{% for i in node.nope %}{% endfor %}\n",
	}), Options{})
	for name, w := range map[string]string{
		"u.j2": `u.j2:2:23: 'descr' is undefined`,
		"f.j2": `f.j2:2:17: 'dict object' has no attribute 'nope'`,
	} {
		_, err := env.Render(context.Background(), name, map[string]any{"node": map[string]any{}})
		if err == nil || err.Error() != w {
			t.Errorf("%s: got %v, want %s", name, err, w)
		}
	}
}
