package jinja

import "testing"

// TestRenderSourceScopes renders closures over loop variables, call blocks,
// includes and imports in loops, blocks in child templates, shadowing and
// runtime errors, with expectations obtained from Python Jinja2 3.1.
func TestRenderSourceScopes(t *testing.T) {
	scopeCases := []srcCase{
		{"{% for i in items %}{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}[{{ i }}]{% endcall %}{% endfor %}", "[1][2][3]", ""},
		{"{% macro m() %}{% set x = 5 %}{{ x }}{% endmacro %}{{ m() }}{{ x }}", "51", ""},
		{"{% macro m() %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% set t = \"T\" %}{% call(v) m() %}{{ t }}{{ v }}{% endcall %}", "T1T2T3", ""},
		{"{% set ns = namespace(n=0) %}{% macro inc() %}{% set ns.n = ns.n + 1 %}{% endmacro %}{{ inc() }}{{ inc() }}{{ ns.n }}", "2", ""},
		{"{% for i in items %}{% set y = i * 10 %}{% include \"incy.j2\" %}{% endfor %}", "<10><20><30>", ""},
		{"{% for i in items %}{% import \"mac.j2\" as M with context %}{{ M.n() }}{% endfor %}", "111", ""},
		{"{% extends \"base.j2\" %}{% block a %}{% for i in items %}{{ i }}{% endfor %}{% endblock %}", "B123|bbE", ""},
		{"{% extends \"base.j2\" %}{% macro m() %}M{% endmacro %}{% block a %}{{ m() }}{% endblock %}", "BM|bbE", ""},
		{"{% extends \"base.j2\" %}{% set v = 1 %}{% block b %}{{ v }}{{ x }}{% endblock %}", "Bba|11E", ""},
		{"{% set a = 1 %}{% block blk %}{{ a }}{% endblock %}", "1", ""},
		{"{% for i in items %}{% set a = i %}{% endfor %}{% block blk %}{{ a is defined }}{% endblock %}", "False", ""},
		{"{% set d2 = {\"b\": 1, \"a\": 2} %}{% for k, v in d2.items() %}{{ k }}{{ v }}{% endfor %}", "b1a2", ""},
		{"{{ [1, 2, 3][1:] }}{{ \"abc\"[1] }}{{ (1, 2)[0] }}", "[2, 3]b1", ""},
		{"{% set x = x + 1 %}{{ x }}{% for i in [1] %}{{ x }}{% endfor %}", "22", ""},
		{"{% for i in items %}{% for j in [1] %}{{ loop.depth }}{% endfor %}{% endfor %}", "111", ""},
		{"{% for i in items recursive %}{{ loop.depth0 }}{% endfor %}", "000", ""},
		{"{% for i in [3, 1, 2] %}{% if loop.changed(i) %}{{ i }}{% endif %}{% endfor %}", "312", ""},
		{"{% with %}{% set q = 2 %}{% macro m() %}{{ q }}{% endmacro %}{{ m() }}{% endwith %}", "2", ""},
		{"{% macro a() %}A{% endmacro %}{% macro b() %}{{ a() }}B{% endmacro %}{{ b() }}", "AB", ""},
		{"{% macro b() %}{{ a() }}B{% endmacro %}{% macro a() %}A{% endmacro %}{{ b() }}", "AB", ""},
		{"{% set l = [] %}{% for i in items %}{% do l.append(i * 2) %}{% endfor %}{{ l }}", "[2, 4, 6]", ""},
		{"{{ x if x > 5 else \"small\" }}", "small", ""},
		{"{% if x == 1 %}one{% elif x == 2 %}two{% else %}other{% endif %}", "one", ""},
		{"{% if x == 3 %}one{% elif x == 1 %}two{% else %}other{% endif %}", "two", ""},
		{"{% set s1, s2 = \"ab\" %}{{ s2 }}{{ s1 }}", "ba", ""},
		{"{% for a, (b, c) in [(1, (2, 3))] %}{{ a }}{{ b }}{{ c }}{% endfor %}", "123", ""},
		{"{% macro m(a, b) %}{{ a }}|{{ b }}{% endmacro %}{{ m(*[1, 2]) }}{{ m(**{\"b\": 3, \"a\": 4}) }}", "1|24|3", ""},
		{"{{ namespace(a=1, b=2).b }}{{ dict(a=1) == {\"a\": 1} }}", "2True", ""},
		{"{% set c = cycler(\"a\", \"b\") %}{{ c.next() }}{{ c.next() }}{{ c.current }}{{ c.next() }}{% do c.reset() %}{{ c.next() }}", "abaaa", ""},
		{"{% for i in items %}{{ loop.length }}{% if loop.last %}!{% endif %}{% endfor %}", "333!", ""},
		{"{% for i in [] %}{% else %}{% for j in [1] %}{{ j }}{% endfor %}{% endfor %}", "1", ""},
		{"{% raw %}{% for %}{% endraw %}", "{% for %}", ""},
		{"{{ undefined_thing.attr }}", "", "'undefined_thing' is undefined"},     // UndefinedError
		{"{{ items.nope }}", "", "'list object' has no attribute 'nope'"},        // UndefinedError
		{"{{ items[10] }}", "", "list object has no element 10"},                 // UndefinedError
		{"{{ d[\"nope\"] }}", "", "'dict object' has no attribute 'nope'"},       // UndefinedError
		{"{{ 1 / 0 }}", "", "division by zero"},                                  // ZeroDivisionError
		{"{{ \"a\" + 1 }}", "", "can only concatenate str (not \"int\") to str"}, // TypeError
		{"{{ -x }}{{ not x }}{{ +x }}", "-1False1", ""},
		{"{{ x ~ items }}", "1[1, 2, 3]", ""},
		{"{% set ns = namespace(items=[]) %}{% for i in items %}{% set ns.items = ns.items + [i] %}{% endfor %}{{ ns.items }}", "[1, 2, 3]", ""},
		{"{% for i in items %}{% set outer_loop = loop %}{% for j in [1, 2] %}{{ outer_loop.index }}{{ loop.index }} {% endfor %}{% endfor %}", "11 12 21 22 31 32 ", ""},
		{"{% for i in items %}{{ loop.revindex }}{% endfor %}{% for i in items %}{{ loop.index }}{% endfor %}", "321123", ""},
		{"{% macro m(x) %}{{ x }}{% endmacro %}{% for x in [5] %}{{ m(x + 1) }}{{ x }}{% endfor %}{{ x }}", "651", ""},
		{"{% macro m() %}{{ i }}{% endmacro %}{% for i in [9] %}{{ m() }}{% endfor %}", "", "'i' is undefined"}, // UndefinedError
		{"{% macro m() %}{{ x }}{% endmacro %}{% set x = 3 %}{{ m() }}", "3", ""},
		{"{% set x = 3 %}{% macro m() %}{{ x }}{% endmacro %}{% for x in [4] %}{{ m() }}{% endfor %}", "3", ""},
		{"{% if true %}{% set w = 1 %}{% endif %}{{ w }}", "1", ""},
		{"{% for i in items %}{% if loop.first %}{% set f = i %}{% endif %}{{ f is defined }}{% endfor %}", "TrueFalseFalse", ""},
		{"{% set a = 1 %}{% with a = a + 1 %}{% set a = a + 1 %}{{ a }}{% endwith %}{{ a }}", "31", ""},
		{"{% filter upper %}{% for i in items %}{{ i }}a{% endfor %}{% endfilter %}", "1A2A3A", ""},
		{"{% for i in items %}{% set i = i * 2 %}{{ i }}{% endfor %}", "246", ""},
		{"{% for i in items %}{% for i in [7] %}{{ i }}{% endfor %}{{ i }}{% endfor %}", "717273", ""},
		{"{% set x %}{% for i in items %}{{ i }}{% endfor %}{% endset %}{{ x|length }}{{ x }}", "3123", ""},
		{"{{ items|first }}{% set items = [9] %}{{ items|first }}", "19", ""},
		{"{% macro m(a=[]) %}{% do a.append(1) %}{{ a }}{% endmacro %}{{ m() }}{{ m() }}", "[1][1]", ""},
		{"{% for x in items %}{% endfor %}{{ x }}", "1", ""},
		{"{{ x }}{% for i in items %}{% set x = 5 %}{% endfor %}{{ x }}", "11", ""},
		{"{% macro m() %}{{ loop.index }}{% endmacro %}{% for i in items %}{{ m() }}{% endfor %}", "", "'loop' is undefined"}, // UndefinedError
		{"{% for i in items %}{% include \"incy.j2\" ignore missing %}{% endfor %}", "", "'y' is undefined"},                  // UndefinedError
		{"{% set y = \"Y\" %}{% for i in [1] %}{% include \"incy.j2\" %}{% endfor %}", "<Y>", ""},
		{"{% for y in [1] %}{% set y = 8 %}{% include \"incy.j2\" %}{% endfor %}", "<8>", ""},
		{"{% for i in [4] %}{% import \"li.j2\" as M with context %}{{ M.n() }}{% endfor %}", "4", ""},
		{"{% set i = 5 %}{% import \"li.j2\" as M with context %}{{ M.n() }}|{{ M }}", "5|5", ""},
		{"{% for i in [4] %}{% from \"li.j2\" import n with context %}{{ n() }}{% endfor %}", "4", ""},
		{"{% for i in [4] %}{% from \"li.j2\" import n %}{{ n() }}{% endfor %}", "", "'i' is undefined"},                                 // UndefinedError
		{"{% macro m() %}{{ caller(1) }}{% endmacro %}{% call m() %}x{% endcall %}", "", "macro None takes not more than 0 argument(s)"}, // TypeError
		{"{% macro m() %}{{ caller(1) }}{% endmacro %}{% call(a, b=2) m() %}{{ a }}{{ b }}{% endcall %}", "12", ""},
		{"{{ range(3)[1] }}{{ range(10)[2:5]|list }}", "1[2, 3, 4]", ""},
		{"{% set r = range(3) %}{{ r|length }}{{ 2 in r }}", "3True", ""},
	}
	runSourceCases(t, Options{}, scopeCases)
}
