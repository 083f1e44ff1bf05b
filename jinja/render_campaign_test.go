package jinja

import "testing"

// TestRenderCampaignCases holds the causes of differences the differential
// campaign against Python Jinja2 found, each reduced to a template and its
// Jinja2 3.1 result.
func TestRenderCampaignCases(t *testing.T) {
	runSourceCases(t, Options{}, []srcCase{
		// A filter block yields its filters' result into the output as it
		// is: anything but a string fails when the output is joined.
		{"{% filter length %}abc{% endfilter %}", "", "expected str instance, int found"},           // TypeError
		{"{% filter list %}ab{% endfilter %}", "", "expected str instance, list found"},             // TypeError
		{"{% set v %}{% filter wordcount %}a b{% endfilter %}{% endset %}{{ v }}", "", "int found"}, // TypeError
		{"{% filter list|join('-') %}ab{% endfilter %}", "a-b", ""},
		// replace converts old and new with str().
		{`{{ "a None"|replace(none, 1) }}`, "a 1", ""},
		{`{{ "a1b"|replace(1, [2]) }}`, "a[2]b", ""},
		{`{{ "ab"|replace("a", nope) }}`, "", "'nope' is undefined"}, // UndefinedError
		// A group of groupby is a tuple everywhere.
		{`{% for grp in [{"a":1}]|groupby("a") %}{% for k in grp %}<{{k}}>{% endfor %}{% endfor %}`, "<1><[{'a': 1}]>", ""},
		{`{% for grp in [{"a":1}]|groupby("a") %}{{ grp[0] }}{{ grp[-1] }}{{ grp[1:] }}{{ 1 in grp }}{{ grp|length }}{{ grp|list }}{{ grp|first }}{{ grp|last }}{{ grp|join(',') }}{{ grp == (1, [{"a": 1}]) }}{{ grp|count }}{{ grp|reverse|list }}{{ grp.count(1) }}{{ grp.index(1) }}{% endfor %}`,
			"1[{'a': 1}]([{'a': 1}],)True2[1, [{'a': 1}]]1[{'a': 1}]1,[{'a': 1}]True2[[{'a': 1}], 1]10", ""},
		{`{% for grp in [{"a":1}]|groupby("a") %}{{ grp + (3,) }}{{ grp * 2 }}{{ grp|tojson }}{{ grp|string }}{{ grp is sequence }}{{ grp|batch(1)|list }}{{ grp < (2,) }}{{ grp >= (1, []) }}{% endfor %}`,
			`(1, [{'a': 1}], 3)(1, [{'a': 1}], 1, [{'a': 1}])[1, [{"a": 1}]](1, [{'a': 1}])True[[1], [[{'a': 1}]]]TrueTrue`, ""},
		// break and continue outside a loop body are Python syntax errors
		// of the compiled template.
		{"{% break %}", "", "'break' outside loop"},                                                                          // SyntaxError
		{"{% for i in [1,2] %}{% macro m() %}{% break %}{% endmacro %}{% endfor %}", "", "'break' outside loop"},             // SyntaxError
		{"{% for i in [1,2] %}x{% else %}{% break %}{% endfor %}", "", "'break' outside loop"},                               // SyntaxError
		{"{% for i in [1,2] %}{% call m() %}{% continue %}{% endcall %}{% endfor %}", "", "'continue' not properly in loop"}, // SyntaxError
		{"{% for i in [1,2] %}{% block b %}{% break %}{% endblock %}{% endfor %}", "", "'break' outside loop"},               // SyntaxError
		{"{% for i in [1,2] %}{% filter upper %}a{% break %}{% endfilter %}{% endfor %}", "", ""},
		{"{% for i in [1,2] %}{% set x %}a{% break %}{% endset %}{% endfor %}", "", ""},
		{"{% for i in [1,2] %}{% with %}a{{i}}{% break %}{% endwith %}{% endfor %}", "a1", ""},
		{"{% for i in [1,2] %}{{i}}{% for j in [] %}{% else %}{% break %}{% endfor %}{% endfor %}", "1", ""},
		{"{% for i in [1,2] recursive %}{{i}}{% break %}{% endfor %}", "1", ""},
		{"{% for i in [1,2] %}{{i}}{% filter upper %}a{% continue %}{% endfilter %}b{% endfor %}", "12", ""},
		// The else clause of a loop runs when no iteration of the body
		// completed: Jinja2 marks the loop as run at the end of the body.
		{"{% for i in [1] %}{% continue %}{% else %}E{% endfor %}", "E", ""},
		{"{% for i in [1] if true %}{% continue %}{% else %}E{% endfor %}", "E", ""},
		{"{% for i in [1, 2] %}{% if i == 1 %}{% continue %}{% endif %}{% else %}E{% endfor %}", "", ""},
		{"{% for i in [1, 2] %}{% if i == 2 %}{% continue %}{% endif %}{% else %}E{% endfor %}", "", ""},
		{"{% for i in [1, 2] %}{% break %}{% else %}E{% endfor %}", "E", ""},
		{"{% for i in [1, 2] %}{{ i }}{% if i == 2 %}{% break %}{% endif %}{% else %}E{% endfor %}", "12", ""},
		{"{% for i in [1, 2] recursive %}{% continue %}{% else %}E{% endfor %}", "E", ""},
		{"{% for i in [] %}{% continue %}{% else %}E{% endfor %}", "E", ""},
		// int() and float() read decimal digits of any script.
		{"{{ '１２'|int }}|{{ '１.５'|float }}|{{ ' ٣ '|int }}|{{ '１_２'|int }}|{{ '０x1A'|int(0) }}|{{ 'ｆｆ'|int(base=16) }}", "12|1.5|3|12|0|0", ""},
		// An undefined value is in no empty list or tuple; any other
		// container fails on it.
		{"{{ ''|min in [] }}|{{ ''|min not in () }}|{{ nope in [] }}", "False|True|False", ""},
		{"{{ ''|min in [1] }}", "", "No aggregated item, sequence was empty."}, // UndefinedError
		{"{{ ''|min in {} }}", "", "No aggregated item, sequence was empty."},  // UndefinedError
		{"{{ ''|min in {}.keys() }}", "", "No aggregated item"},                // UndefinedError
		// A recursive loop's else clause belongs to every level.
		{"{% for i in [[1], []] recursive %}<{% if i is iterable %}{{ loop(i) }}{% else %}{{ i }}{% endif %}>{% else %}E{% endfor %}", "<<1>><E>", ""},
		{"{% for i in [[2], [3]] recursive %}{{ loop.depth }}{% if i is iterable %}{{ loop(i) }}{% endif %}{% continue %}{% else %}E{% endfor %}", "12E12EE", ""},
		// Comparing an undefined value inside lists, tuples and dicts
		// fails, once the lengths agree and the items before are equal.
		{"{{ [[]|max, 1] == [{}, {}] }}", "", "No aggregated item, sequence was empty."},   // UndefinedError
		{"{{ {'a': []|max} == {'a': 1} }}", "", "No aggregated item, sequence was empty."}, // UndefinedError
		{"{{ [1] != [[]|max] }}", "", "No aggregated item, sequence was empty."},           // UndefinedError
		{"{{ [1, []|max] == [2, {}] }}{{ [[]|max] == [1, 2] }}{{ ([]|max, 1) == [1, 2] }}{{ {'a': []|max} == {'b': 1} }}", "FalseFalseFalseFalse", ""},
		{"{{ [1, 2.0, (1,)] == [1.0, 2, (1,)] }}", "True", ""},
		{"{{ 1 in [[]|max] }}", "", "No aggregated item, sequence was empty."}, // UndefinedError
		{"{{ 1 in [1, []|max] }}{{ 1 in [1.0] }}{{ (1,) in [[1]] }}", "TrueTrueFalse", ""},
		// Nested tuple targets.
		{"{% for a, (b, c) in [[1, [2, 3]], (4, 'xy')] %}{{ a }}{{ b }}{{ c }};{% endfor %}", "123;4xy;", ""},
		{"{% for (a, b) in {'k': 1}|dictsort %}{{ a }}={{ b }}{% endfor %}", "k=1", ""},
		// loop.changed compares its arguments with the previous ones.
		{"{% for i in [1, 2] %}{{ loop.changed([]|last) }}{% endfor %}", "", "No last item, sequence was empty."}, // UndefinedError
		{"{% for i in [1] %}{{ loop.changed([]|last) }}{% endfor %}", "True", ""},
		{"{% for i in [1, 1, 2] %}{{ loop.changed(i, 1.0) }}{% endfor %}", "TrueFalseTrue", ""},
	})
}
