# Hand-written parse cases: templates and options; gen.py turns them into parse_cases_test.go.
# (src, trim, lstrip, keep)
C=[]
def a(src, t=False, l=False, k=False): C.append(dict(src=src,trim=t,lstrip=l,keep=k))
ws_srcs = [
 "a\n{% if x %}\nb\n{% endif %}\nc\n",
 "  {% if x %}\n    y\n  {% endif %}\n",
 "  {%- if x %}  \n  y  \n  {%+ endif -%}  \nz",
 "a  {{- x -}}  b\n  {{ y }}  \n",
 "  {# comment #}\nx\n  {#- c -#}\n  y {#+ c +#}\n",
 "{% for i in x %}\n  {{ i }}\n{% endfor %}\n",
 "\t {% set x = 1 %}\t\n",
 "a\r\nb\rc\n\n",
 "a\x0bb\x0cc\x85d\u2028e\n",
 "x\n\n",
 "",
 "\n",
 "{% raw %}\n  {{ x }}\n{% endraw %}\nz",
 "a {%- raw -%}  b  {%- endraw -%}  c\n",
 "  {% raw %}x{% endraw %}  \n  {%+ raw %}y  {%+ endraw %}\n",
 "{%raw%}{%endraw%}{% raw -%}\n\n x\n {%- endraw %}",
 "  {{ x }}\n  {% if y +%}\n  z\n  {% endif +%}\n",
 "a {% if x -%}   \n\n  b  {%- endif %} c",
 "{{ 'a' }}\n{{- 'b' }}\n{#- c #}\n{%- if 1 %}x{% endif %}",
 " \u3000{% if x %}\xa0\n{% endif %}",
 "{# a\nb #}  {% if x %}\n{% endif %}",
 "x{#-#}\n  y\n{#+#}z",
 "  {%- raw %} a {% endraw +%}\nb",
 "{% if x %}{% endif -%}\n\n\t",
 "{{ x }}  {% if y %}\n{% endif %}",
 "    {% macro m() %}\n    a\n    {% endmacro %}\n",
]
for s in ws_srcs:
    for t in (False,True):
        for l in (False,True):
            a(s,t,l)
a("x\n\n", k=True); a("a\r\n", k=True); a("", k=True)
exprs = [
 "x", "1", "1.5", "1e3", "1_000", "0x1F", "0b101", "0o17", "1_0.5", "1.5e-3", "0", "00", "10E+2",
 "'a' 'b' \"c\"", "'a\\nb\\t\\x41\\u00e9\\101\\'\\\"\\\\'", "'\\d\\é'", "'é€😀'", "'a\\\nb'",
 "true", "True", "false", "none", "None", "[1, 2,]", "[]", "(1,)", "()", "(1)", "(1, 2)", "{'a': 1, 'b': [2],}", "{}",
 "1, 2", "1,", "a.b.c", "a.0", "a.0.1", "a[0]", "a['k']", "a[1:2]", "a[:2]", "a[1:]", "a[::2]", "a[1:2:3]", "a[:]", "a[1, 2]", "a[]",
 "f()", "f(1, 2, k=3)", "f(*a)", "f(**k)", "f(1, *a, **k)", "f(a, b=1, *c, **d)", "f(1,)", "a.b(1)(2)", "f(k=1, *a)",
 "x|upper", "x|f(1)|g", "x|a.b", "-x|abs", "-x.y", "not x", "not not x", "-1", "+x", "- -1", "-2 ** 2", "2 ** 3 ** 2", "2 ** -1",
 "1 + 2 * 3", "(1 + 2) * 3", "a - b - c", "a / b // c % d", "a ~ b ~ c", "a ~ b + c", "a + b ~ c",
 "a and b or c", "a or b and c", "not a and b", "a == b", "a < b < c", "a != b >= c", "a in b", "a not in b", "not a in b", "a <= b > c",
 "a if b else c", "a if b", "a if b else c if d else e", "a if b if c else d",
 "x is defined", "x is not none", "x is divisibleby 3", "x is sameas none", "x is sameas(1)", "x is a.b", "x is f [1]", "x is e 'a' .b", "x is defined and y", "x is d or y", "x is d else", "x|f is t|g",
 "not x is defined", "x is defined(1)(2)", "a|b(c)(d)", "f(x)|g", "x[1]|f", "x.y|f.g(1)", "{'a': x|f}['a']", "a is e a", "x is defined if y else z",
 "[1, [2, (3, 4)], {'k': (5,)}]", "'%s'|format(1)", "range(10)|list|length", "a.b[c].d(e)[f:g]",
 "a * -b", "a - -b", "a|f + 1", "1 + a|f", "a ** b|f", "-a ** b", "a ~ b|f ~ c", "x.1.5", "1.2.3", "1.e3", "1e", "0b", "0x", "1_", "1__0", "0_0",
 "x.true", "x.if", "if", "in", "x . y", "x\n.\ny", "f(\n1,\n2\n)",
]
for x in exprs:
    a("{{ " + x + " }}")
stmts = [
 "{% if a %}1{% elif b %}2{% elif c %}3{% else %}4{% endif %}",
 "{% if a %}1{% else %}2{% endif %}", "{% if a, b %}{% endif %}", "{% if a: %}x{% endif %}",
 "{% for x in y %}{{ x }}{% else %}none{% endfor %}",
 "{% for k, v in d.items() %}{% endfor %}", "{% for (a, b) in c %}{% endfor %}", "{% for a, (b, c) in d %}{% endfor %}",
 "{% for x in y if x > 1 %}{% endfor %}", "{% for x in y recursive %}{{ loop(x.c) }}{% endfor %}", "{% for x in y if x recursive %}{% endfor %}",
 "{% for x in 1, 2 %}{% endfor %}", "{% for x, in y %}{% endfor %}", "{% for x in y %}{% break %}{% continue %}{% endfor %}",
 "{% set x = 1 %}", "{% set a, b = 1, 2 %}", "{% set (a, b) = c %}", "{% set ns.x = 1 %}", "{% set x = a if b else c %}", "{% set x = 1, %}",
 "{% set x %}a{% endset %}", "{% set x | upper | trim %} a {% endset %}", "{% set x|f(1) %}{% endset %}",
 "{% macro m(a, b=1, c='x') %}{{ a }}{% endmacro %}", "{% macro m() %}{% endmacro %}", "{% macro m(a,) %}{% endmacro %}",
 "{% call m(1) %}x{% endcall %}", "{% call(a, b=2) m(1) %}{{ a }}{% endcall %}", "{% call x.m() %}{% endcall %}",
 "{% filter upper %}x{% endfilter %}", "{% filter f(1)|g %}x{% endfilter %}",
 "{% include 'a' %}", "{% include 'a' ignore missing %}", "{% include ['a', 'b'] without context %}", "{% include x ignore missing with context %}",
 "{% import 'a' as b %}", "{% import 'a' as b with context %}", "{% import 'a' as b without context %}",
 "{% from 'a' import b %}", "{% from 'a' import b as c, d %}", "{% from 'a' import b, with context %}", "{% from 'a' import b with context %}", "{% from 'a' import b, c as d without context %}", "{% from 'a' import with context %}",
 "{% extends 'base' %}{% block a %}x{% endblock %}", "{% block a scoped %}{% endblock a %}", "{% block a required %} {# c #} {% endblock %}", "{% block a scoped required %}{% endblock %}",
 "{% with a = 1, b = 2 %}{{ a }}{% endwith %}", "{% with %}{% endwith %}", "{% with a, b = c %}{% endwith %}",
 "{% do x.append(1) %}", "{% do 1, 2 %}", "{% print x, y %}", "{% print %}",
 "{% for x in y %}{% if x %}{% set z = x %}{% endif %}{% endfor %}",
 "a{# c #}b{% raw %}c{% endraw %}d",
 "{{ x }}{{ y }}",
 "{% if x %}\n{% for a in b %}\n{% endfor %}\n{% endif %}",
]
for s in stmts: a(s)
errs = [
 "{% if x %}\n\n\nabc", "{% for x in y %}", "{% for x in y %}{% endif %}", "{% foo %}", "{% endfor %}", "{{ x", "{{ x y }}", "{{ }}", "{{ 1 + }}", "{{ 012 }}",
 "{{ 'a\\x4' }}", "{{ '\\u12' }}", "{{ '\\U00110000' }}", "{{ x $ }}", "{{ x ! y }}", "{{ 'abc }}", "{{ (1 }}", "{{ 1) }}", "{{ [1) }}", "{% if x) %}",
 "{% set true = 1 %}", "{% set a.b, c = 1 %}", "{% set (a.b, c) = 1 %}", "{% set a[0] = 1 %}", "{% for 1 in x %}{% endfor %}", "{% for x, 1 in y %}{% endfor %}",
 "{% macro true() %}{% endmacro %}", "{% macro m(a=1, b) %}{% endmacro %}", "{% macro m(a.b) %}{% endmacro %}",
 "{% call m %}{% endcall %}", "{% call m()|f %}{% endcall %}", "{% from 'a' import _b %}", "{% from 'a' import %}", "{% import 'a' %}",
 "{% block a-b %}{% endblock %}", "{% block a required %}x{% endblock %}", "{% block a %}{% endblock b %}", "{% endblock %}",
 "{% %}", "{% 1 %}", "{% if %}{% endif %}", "{{ f(k=1, 2) }}", "{{ f(*a, *b) }}", "{{ f(**a, b) }}", "{{ f(**a, *b) }}",
 "{{ x is is y }}", "{{ x is not }}", "{{ x. }}", "{{ x.'a' }}", "{{ x| }}", "{{ x|1 }}", "{{ a if }}",
 "line1\n{{ x\n}} {% for %}", "{# unterminated", "{% raw %}unterminated", "abc{#", "{% raw %}", "{{ x }}\n\n{% if x %}\n{% endfor %}",
 "{% if x %}{% for y in z %}{% endif %}{% endfor %}", "{% for x in y %}{% else %}{% else %}{% endfor %}", "{% with a %}{% endwith %}",
 "{% endraw %}", "{{ x ; y }}", "{{ a = 1 }}", "{% set x = %}", "{% if x %}{% elif %}{% endif %}", "{{ x[1:2, 3] }}", "{{ }x }}", "\n\n{{ 'a\n\nb' $ }}",
 "{% autoescape true %}x{% endautoescape %}",
 "{{ x is f(*a) }}",
 "{{ 99999999999999999999 }}",
]
for s in errs: a(s)
more = [
 "{{ 'a\\0b\\777c\\08' }}", "{{ '\\U0001F600\\u20ac\\x7f' }}", "{{ \"it's\" '' \"\" }}", "{{ 'a\\\\' }}", "{{ '\\€' }}", "{{ '\\😀' }}",
 "{{ é }}", "{{ x² }}", "{{ ½ }}", "{{ _x1 }}", "{{ 日本 }}", "{{ a·b }}", "{{ x\u0301 }}",
 "{{\u00a0x\u00a0}}", "{{ x\u3000}}", "{{ x\x1c}}", "{% if x %}\u2028{% endif %}", "{{ x\x0b}}",
 "{% if x %}\nabc\n{{ y }}\nzzz", "{% for a in b %}\n{% if x %}\n\n", "{{ (1,\n2,\n 3 }}\n",
 "{% macro m() %}{% call n() %}{% filter f %}{% endmacro %}",
 "{% if x %}{% else %}{% elif y %}{% endif %}",
 "{{ x|f(1, 2)(3) }}", "{{ x is t(1) is u }}", "{{ not x is t }}", "{{ x is not t == y }}",
 "{{ a | f | g }}", "{{ a|f.b.c }}", "{{ x is a.b 1 }}", "{{ 1 if x else 2 if y else 3 }}",
]
for s in more: a(s)
for s in [" \x0b{% if x %}{% endif %}", "{% if x %}\n  {% raw %}a{% endraw %}\n{% endif %}", "a\n  {#- x #}  \n  {# y -#}\n b", "{%- if x -%}\r\n  a\r\n{%- endif -%}\r\n"]:
    for t in (False,True):
        for l in (False,True):
            a(s,t,l)
for s in ["{{ a\u20dd }}", "{{ \u20dd }}", "{{ € }}", "{{ x\u200b }}"]: a(s)
for s in ["a{% print %}b", "a{% print %}{# c #}b{{ x }}c{# d #}{% raw %}e{% endraw %}f"]: a(s)
import random as _r, itertools as _it
_r.seed(7)
_pre=["", "a", "a\n", "a\n  ", "  ", "\n\t ", "a  \n \n  "]
_suf=["", "\n", "  \nb", "\n\nb", " \n"]
_signs=["", "-", "+"]
def _tag(kind, s1, s2):
    if kind==0: return "{%"+s1+" if x "+s2+"%}"
    if kind==1: return "{{"+s1+" x "+(s2 if s2!="+" else "")+"}}"
    if kind==2: return "{#"+s1+" c "+s2+"#}"
    if kind==3: return "{%"+s1+" raw "+(s2 if s2!="+" else "")+"%}r\n {%"+s1+" endraw "+s2+"%}"
    return "{%"+s1+" endif "+s2+"%}"
_all=[]
for p1,k,s1,s2,s3 in _it.product(_pre,range(4),_signs,_signs,_suf):
    _all.append((p1,k,s1,s2,s3))
for p1,k,s1,s2,s3 in _r.sample(_all, 240):
    src=p1+_tag(k,s1,s2)+s3
    if k==0: src+= _r.choice(_pre)+_tag(4,_r.choice(_signs),_r.choice(_signs))+_r.choice(_suf)
    a(src, _r.random()<0.5, _r.random()<0.5)
