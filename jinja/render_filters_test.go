package jinja

import "testing"

// TestRenderSourceFilters renders templates using builtin filters and
// tests through the compiler (filter chains, set and filter blocks, map
// and select by name, groupby unpacking, an unknown filter in a dead
// branch), with expectations obtained from Python Jinja2 3.1.
func TestRenderSourceFilters(t *testing.T) {
	filterCases := []srcCase{
		{"{{ x is number }}{{ x is string }}{{ \"%s-%d\"|format(\"a\", 3) }}", "TrueFalsea-3", ""},
		{"{{ items|map(\"string\")|join(\",\") }}{{ items|select(\"odd\")|list }}{{ items|sum }}", "1,2,3[1, 3]6", ""},
		{"{{ nope|default(\"dflt\") }}{{ d.n|default(\"z\", true) }}{{ nope is defined }}", "dfltzFalse", ""},
		{"{% for k, v in d|dictsort %}{{ k }}={{ v }};{% endfor %}", "k=v;n=None;", ""},
		{"{% set y | replace(\"a\", \"b\") | upper %}aaa{{ x }}{% endset %}{{ y }}", "BBB1", ""},
		{"{% filter center(9) %}{{ x }}{% endfilter %}|", "    1    |", ""},
		{"{{ [3, 1, 2]|sort|first }}{{ items|length }}{{ items|reverse|list }}", "13[3, 2, 1]", ""},
		{"{% for g in [{\"a\": 1}, {\"a\": 2}, {\"a\": 1}]|groupby(\"a\") %}{{ g.grouper }}:{{ g.list|length }};{% endfor %}", "1:2;2:1;", ""},
		{"{{ (1 if false)|default(\"u\") }}{{ (1 if false) is defined }}", "uFalse", ""},
		{"{{ \"  x  \"|trim }}{{ \"abc\"|upper|lower|title }}{{ 2.5|round }}{{ 10|int // 3 }}", "xAbc2.03", ""},
		{"{{ items|batch(2)|list }}{{ \"a,b\"|split(\",\") if false else \"s\" }}", "[[1, 2], [3]]s", ""},
		{"{% macro m() %}{{ caller()|upper }}{% endmacro %}{% call m() %}hi{% endcall %}", "HI", ""},
		{"{{ range(3)|list }}{{ range(3)|length }}{{ range(1, 3)|join(\"-\") }}", "[0, 1, 2]31-2", ""},
		{"{{ items|map(\"nosuchfilter\")|list }}", "", "No filter named 'nosuchfilter'."}, // TemplateRuntimeError
		{"{% for k, g in [{\"a\":1},{\"a\":2}]|groupby(\"a\") %}{{ k }}{{ g|length }}{% endfor %}{% set a, b = ([{\"a\":1}]|groupby(\"a\"))[0] %}{{ a }}", "11211", ""},
	}
	runSourceCases(t, Options{}, filterCases)
}
