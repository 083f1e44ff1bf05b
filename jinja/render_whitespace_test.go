package jinja

import "testing"

// TestRenderWhitespace renders with trim_blocks and lstrip_blocks, as μNet
// configures Jinja2; expectations from Python Jinja2 3.1.
func TestRenderWhitespace(t *testing.T) {
	trimCases := []srcCase{
		{"{% for i in items %}\n  {{ i }}\n{% endfor %}\n", "  1\n  2\n  3\n", ""},
		{"  {% if x %}\n    yes\n  {% endif %}\nend\n", "    yes\nend", ""},
		{"{% macro m(a) %}\n  <{{ a }}>\n{% endmacro %}\n{{ m(1) }}\n{{ m(2) -}}\n!\n", "  <1>\n\n  <2>\n!", ""},
		{"{%- for i in items -%}\n{{ i }}\n{%- endfor %}\n", "123", ""},
		{"{% set y %}\n  a\n{% endset %}[{{ y }}]\n", "[  a\n]", ""},
		{"{% for i in items %}{{ i }}{% if not loop.last %},{% endif %}{% endfor %}\n\n", "1,2,3", ""},
		{"  {%+ if x %}k{% endif %}\n", "  k", ""},
		{"{% raw %}{{ x }}{% endraw %}\n", "{{ x }}", ""},
	}
	runSourceCases(t, Options{TrimBlocks: true, LstripBlocks: true}, trimCases)
}

// TestRenderTrailingNewline checks the final newline is dropped unless
// KeepTrailingNewline is set (Jinja2's keep_trailing_newline).
func TestRenderTrailingNewline(t *testing.T) {
	runSourceCases(t, Options{TrimBlocks: true, LstripBlocks: true}, []srcCase{
		{"a\n{% if 1 %}\nb\n{% endif %}\n", "a\nb\n", ""},
		{"x\n\n", "x\n", ""},
	})
	runSourceCases(t, Options{TrimBlocks: true, LstripBlocks: true, KeepTrailingNewline: true}, []srcCase{
		{"a\n{% if 1 %}\nb\n{% endif %}\n", "a\nb\n", ""},
		{"x\n\n", "x\n\n", ""},
	})
}
