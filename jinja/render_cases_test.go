package jinja

import "testing"

// TestRenderSource renders templates covering loops, macros, call blocks,
// set/with/filter blocks, include, import, extends and expressions, with
// expectations obtained from Python Jinja2 3.1.
func TestRenderSource(t *testing.T) {
	plainCases := []srcCase{
		{"{% for i in items %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.cycle(\"a\",\"b\") }}{{ loop.changed(i>1) }}{{ loop.depth }}{{ loop.depth0 }}|{% endfor %}", "1032TrueFalse3aTrue10|2121FalseFalse3bTrue10|3210FalseTrue3aFalse10|", ""},
		{"{% for i in items %}{% if not loop.first %}{{ loop.previtem }}{% endif %}{% if not loop.last %}{{ loop.nextitem }}{% endif %};{% endfor %}", "2;13;2;", ""},
		{"{% for i in items %}{{ loop.previtem }}{% endfor %}", "", "there is no previous item"}, // UndefinedError
		{"{% for i in items %}{{ loop.nextitem }}{% endfor %}", "", "there is no next item"},     // UndefinedError
		{"{% for i in [] %}x{% else %}E{{ x }}{% endfor %}", "E1", ""},
		{"{% for i in items if i > 5 %}x{% else %}E{% endfor %}", "E", ""},
		{"{% for i in items if i > 1 %}{{ loop.index }}/{{ loop.length }}{{ i }} {% endfor %}", "1/22 2/23 ", ""},
		{"{% for a, b in [(1,2),(3,4)] %}{{ a }}{{ b }}{% endfor %}", "1234", ""},
		{"{% for a, b in [(1,2,3)] %}{% endfor %}", "", "too many values to unpack (expected 2)"},       // ValueError
		{"{% for a, b in [(1,)] %}{% endfor %}", "", "not enough values to unpack (expected 2, got 1)"}, // ValueError
		{"{% for i in items %}{% if i == 2 %}{% break %}{% endif %}{{ i }}{% endfor %}", "1", ""},
		{"{% for i in items %}{% if i == 2 %}{% continue %}{% endif %}{{ i }}{% endfor %}", "13", ""},
		{"{% for i in items %}{% for j in items %}{{ loop.index }}{% endfor %}{{ loop.index }};{% endfor %}", "1231;1232;1233;", ""},
		{"{% for i in [[1,[2]],[3]] recursive %}{{ loop.depth }}{% if i is iterable %}<{{ loop(i) }}>{% endif %}{% endfor %}", "1<22<3>>1<2>", ""},
		{"{% for k in d %}{{ k }}{% endfor %}", "kn", ""},
		{"{% for c in s %}{{ c }}-{% endfor %}", "a-b-", ""},
		{"{% for i in 3 %}{% endfor %}", "", "'int' object is not iterable"}, // TypeError
		{"{% for i in items %}{{ i }}{% else %}{{ loop }}{% endfor %}", "123", ""},
		{"{% for i in items %}{% set loop = 5 %}{{ loop }}{% endfor %}", "", "Can't assign to special loop variable in for-loop target"}, // TemplateAssertionError
		{"{% for i in range(3) %}{{ i }}{% endfor %}{{ range(2, 10, 3)|list }}{{ range(5, 0, -2)|list }}", "012[2, 5, 8][5, 3, 1]", ""},
		{"{{ range(1, 2, 0) }}", "", "range() arg 3 must not be zero"},                                                               // ValueError
		{"{% for i in items %}{{ loop.cycle() }}{% endfor %}", "", "no items for cycling given"},                                     // TypeError
		{"{% for i in items %}{{ loop(i) }}{% endfor %}", "", "The loop must have the 'recursive' marker to be called recursively."}, // TypeError
		{"{% macro m(a, b=a+1) %}{{ a }}{{ b }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1) }}{{ m(1,2,3,k=4) }}", "12(){}12(3,){'k': 4}", ""},
		{"{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1,2) }}", "", "macro 'm' takes not more than 1 argument(s)"}, // TypeError
		{"{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1,k=2) }}", "", "macro 'm' takes no keyword argument 'k'"},   // TypeError
		{"{% macro m(a) %}{{ a }}{% endmacro %}{{ m() }}", "", "parameter 'a' was not provided"},                 // UndefinedError
		{"{% macro m(a) %}{{ a }}{% endmacro %}{{ m(a=3) }}", "3", ""},
		{"{% macro m(a) %}{{ kwargs }}{% endmacro %}{{ m(1, a=2) }}", "{'a': 2}", ""},
		{"{% macro m() %}{{ caller() }}{% endmacro %}{{ m() }}", "", "No caller defined"}, // UndefinedError
		{"{% macro m() %}[{{ caller(3) }}]{% endmacro %}{% call(v) m() %}c{{ v }}{{ x }}{% endcall %}", "[c31]", ""},
		{"{% macro m(n) %}{% for i in range(n) %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(v) m(3) %}<{{ v }}>{% endcall %}", "<0><1><2>", ""},
		{"{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, k=2) }}", "(1,){'k': 2}", ""},
		{"{% macro m() %}{% endmacro %}{{ m }}|{{ m() }}|{{ m.name }}", "<Macro 'm'>||m", ""},
		{"{% for i in items %}{% macro m() %}{{ i }}{% endmacro %}{{ m() }}{% endfor %}", "123", ""},
		{"{% macro outer() %}{% macro inner() %}in{{ x }}{% endmacro %}{{ inner() }}{% endmacro %}{{ outer() }}", "in1", ""},
		{"{% import \"rec.j2\" as R %}{{ R.r(3) }}", "3210", ""},
		{"{% set f = \"x\" %}{% macro m(f=f) %}{{ f }}{% endmacro %}{{ m() }}", "", "'f' is undefined"}, // UndefinedError
		{"{% set y %}a{{ x }}b{% endset %}{{ y }}", "a1b", ""},
		{"{% set y | upper %}a{{ x }}b{% endset %}{{ y }}", "A1B", ""},
		{"{% filter upper %}ab{{ x }}{% endfilter %}", "AB1", ""},
		{"{% with a = 1 %}{% with b = a + 1 %}{{ a }}{{ b }}{% endwith %}{% endwith %}", "12", ""},
		{"{% set x = 2 %}{% with x = x + 1 %}{{ x }}{% endwith %}{{ x }}", "32", ""},
		{"{% include \"inc.j2\" %}{{ y is defined }}", "[1]False", ""},
		{"{% for x in [7] %}{% include \"inc.j2\" %}{% endfor %}", "[7]", ""},
		{"{% set x = 9 %}{% include \"inc.j2\" %}", "[9]", ""},
		{"{% set y = 2 %}{% include \"incy.j2\" %}", "<2>", ""},
		{"{% set y = 2 %}{% include \"incy.j2\" without context %}", "", "'y' is undefined"},               // UndefinedError
		{"{% include \"nope.j2\" %}", "", "nope.j2"},                                                       // TemplateNotFound
		{"{% include [\"nope.j2\", \"n2\"] %}", "", "none of the templates given were found: nope.j2, n2"}, // TemplatesNotFound
		{"{% include [\"nope.j2\", \"inc.j2\"] %}", "[1]", ""},
		{"{% include \"nope.j2\" ignore missing %}ok", "ok", ""},
		{"{% import \"mac.j2\" as M %}{{ M.m(1) }}{{ M.g }}", "m177", ""},
		{"{% import \"mac.j2\" as M %}{{ M.n() }}", "", "'x' is undefined"}, // UndefinedError
		{"{% import \"mac.j2\" as M with context %}{{ M.n() }}", "1", ""},
		{"{% import \"mac.j2\" as M %}{{ M }}|{{ M._p is defined }}{{ M.g is defined }}", "|FalseTrue", ""},
		{"{% for loop in items %}{% endfor %}", "", "Can't assign to special loop variable in for-loop target"},                                        // TemplateAssertionError
		{"{% for i in items %}{% if true %}{% set loop = 1 %}{% endif %}{% endfor %}", "", "Can't assign to special loop variable in for-loop target"}, // TemplateAssertionError
		{"{% for i in items %}{{ loop }}{% endfor %}", "<LoopContext 1/3><LoopContext 2/3><LoopContext 3/3>", ""},
		{"{% macro m(a, b) %}{{ a }}{{ b }}{% endmacro %}{{ m(b=1) }}", "", "parameter 'a' was not provided"}, // UndefinedError
		{"{% from \"mac.j2\" import m, g as h %}{{ m(2) }}{{ h }}", "m277", ""},
		{"{% from \"mac.j2\" import zz %}{{ zz }}", "", "the template 'mac.j2' (imported on line 1) does not export the requested name 'zz'"}, // UndefinedError
		{"{% from \"mac.j2\" import n with context %}{{ n() }}", "1", ""},
		{"{% extends \"base.j2\" %}{% block a %}A{{ super() }}{% endblock %}", "BAba|bbE", ""},
		{"{% extends \"base.j2\" %}{% block b %}{{ super() }}{{ super() }}{{ self.a() }}{% endblock %}", "Bba|bbbbbaE", ""},
		{"{% extends \"mid.j2\" %}{% block a %}C{{ super() }}{% endblock %}", "BCMba|bbE", ""},
		{"{% extends \"mid.j2\" %}{% block b %}C{% endblock %}", "BMba|CE", ""},
		{"{% extends \"req.j2\" %}{% block r %}R{% endblock %}", "R!", ""},
		{"{% extends \"req.j2\" %}", "", "Required block 'r' not found"},                         // TemplateRuntimeError
		{"{% extends \"base.j2\" %}{% extends \"base.j2\" %}", "", "extended multiple times"},    // TemplateRuntimeError
		{"{% block a %}{{ super() }}{% endblock %}", "", "there is no parent block called 'a'."}, // UndefinedError
		{"{% extends \"scoped.j2\" %}{% block s %}<{{ i }}>{% endblock %}", "<1><2><3>", ""},
		{"{% extends \"ext_set.j2\" %}", "B3|bbE", ""},
		{"{% block a %}{{ x }}{% set q = 1 %}{% endblock %}{{ q }}", "", "'q' is undefined"},           // UndefinedError
		{"{% for i in items %}{% block b %}{{ i }}{% endblock %}{% endfor %}", "", "'i' is undefined"}, // UndefinedError
		{"{% block a %}A{% endblock %}{{ self.a() }}", "AA", ""},
		{"before{% extends \"base.j2\" %}after", "beforeBba|bbE", ""},
		{"{% if true %}{% extends \"base.j2\" %}{% endif %}{% block a %}Z{% endblock %}", "BZ|bbE", ""},
		{"{{ 2 ** 10 }}{{ 7 // 2 }}{{ 7 / 2 }}{{ -7 // 2 }}{{ 7 % -3 }}", "102433.5-4-2", ""},
		{"{{ \"x\" ~ 1 }}{{ 1 + 2 * 3 }}", "x17", ""},
		{"{{ d.k }}{{ d[\"k\"] }}{{ d.n }}", "vvNone", ""},
		{"{{ d.zz }}", "", "'dict object' has no attribute 'zz'"}, // UndefinedError
		{"{{ items[1] }}{{ items[-1] }}{{ items[1:] }}", "23[2, 3]", ""},
		{"{{ \"a\" if x else \"b\" }}{{ \"a\" if not x else \"b\" }}", "ab", ""},
		{"{{ 1 in items }}{{ 5 not in items }}{{ \"a\" in s }}", "TrueTrueTrue", ""},
		{"{{ x is defined }}{{ nope is defined }}{{ nope is not defined }}", "TrueFalseTrue", ""},
		{"{{ self }}", "<TemplateReference None>", ""},
		{"{% macro m(a, b=1) %}{{ caller() }}{{ kwargs }}{% endmacro %}{{ m.name }}{{ m.arguments }}{{ m.catch_kwargs }}{{ m.catch_varargs }}{{ m.caller }}", "m('a', 'b')TrueFalseTrue", ""},
		{"{% set a = [1] %}{% do a.append(2) %}{{ a }}", "[1, 2]", ""},
		{"{{ s[::-1] }}{{ items[::2] }}", "ba[1, 3]", ""},
		{"{{ d.items() }}{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", "dict_items([('k', 'v'), ('n', None)])k=v;n=None;", ""},
		{"{{ \"%s-%d\" % (\"a\", 3) }}{{ \"{}-{}\".format(1, 2) }}{{ \"a,b\".split(\",\") }}", "a-31-2['a', 'b']", ""},
		{"{{ 2 ** 10 }}{{ 2 ** -1 }}{{ 10 // 3.0 }}{{ 1e20 }}{{ 0.1 + 0.2 }}", "10240.53.01e+200.30000000000000004", ""},
		{"{{ \"x\" * 3 }}{{ [1] * 2 }}{{ [1] + [2] }}{{ (1,) + (2,) }}", "xxx[1, 1][1, 2](1, 2)", ""},
	}
	runSourceCases(t, Options{}, plainCases)
}
