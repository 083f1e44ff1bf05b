package jinja

import (
	"math"
	"testing"
)

// Expected values from Python Jinja2 3.1.
var dictFormatFilterCases = []filterCase{
	{"default", nil, []Value{"x"}, []KwArg{}, "None"},
	{"default", "", []Value{"x"}, []KwArg{}, "''"},
	{"default", "", []Value{"x", true}, []KwArg{}, "'x'"},
	{"d", int64(0), []Value{"x"}, []KwArg{{"boolean", true}}, "'x'"},
	{"default", NewList([]Value{int64(1)}), []Value{}, []KwArg{}, "[1]"},
	{"dictsort", dict("b", int64(1), "A", int64(2), "a", int64(3)), []Value{}, []KwArg{}, "[('A', 2), ('a', 3), ('b', 1)]"},
	{"dictsort", dict("b", int64(1), "A", int64(2), "c", int64(0)), []Value{true}, []KwArg{}, "[('A', 2), ('b', 1), ('c', 0)]"},
	{"dictsort", dict("b", int64(1), "a", int64(3), "c", int64(2)), []Value{false, "value"}, []KwArg{}, "[('b', 1), ('c', 2), ('a', 3)]"},
	{"dictsort", dict("b", int64(1), "a", int64(3)), []Value{}, []KwArg{{"reverse", true}}, "[('b', 1), ('a', 3)]"},
	{"dictsort", dict("b", int64(1)), []Value{false, "x"}, []KwArg{}, "!FilterArgumentError"},
	{"dictsort", NewList([]Value{int64(1)}), []Value{}, []KwArg{}, "!AttributeError"},
	{"items", dict("a", int64(1), "b", NewList([]Value{int64(2)})), []Value{}, []KwArg{}, "[('a', 1), ('b', [2])]"},
	{"items", NewList([]Value{int64(1)}), []Value{}, []KwArg{}, "!TypeError"},
	{"xmlattr", dict("class", "a<b", "id", int64(3), "n", nil, "q", "\"'"), []Value{}, []KwArg{}, "' class=\"a&lt;b\" id=\"3\" q=\"&#34;&#39;\"'"},
	{"xmlattr", dict("a", int64(1)), []Value{false}, []KwArg{}, "'a=\"1\"'"},
	{"xmlattr", dict(), []Value{}, []KwArg{}, "''"},
	{"xmlattr", dict("a b", int64(1)), []Value{}, []KwArg{}, "!ValueError"},
	{"xmlattr", dict("a/", int64(1)), []Value{}, []KwArg{}, "!ValueError"},
	{"attr", dict("a", int64(1)), []Value{"a"}, []KwArg{}, "Undefined"},
	{"tojson", dict("b", int64(1), "a", NewList([]Value{int64(1), float64(2.5), nil, true}), "c", "<a href='x'>&é\n 😀"), []Value{}, []KwArg{}, "'{\"a\": [1, 2.5, null, true], \"b\": 1, \"c\": \"\\\\u003ca href=\\\\u0027x\\\\u0027\\\\u003e\\\\u0026\\\\u00e9\\\\n\\\\u2028\\\\ud83d\\\\ude00\"}'"},
	{"tojson", dict("b", dict("x", NewList([]Value{})), "a", dict()), []Value{int64(2)}, []KwArg{}, "'{\\n  \"a\": {},\\n  \"b\": {\\n    \"x\": []\\n  }\\n}'"},
	{"tojson", NewList([]Value{int64(1), dict("k", NewTuple(int64(1), int64(2)))}), []Value{int64(0)}, []KwArg{}, "'[\\n1,\\n{\\n\"k\": [\\n1,\\n2\\n]\\n}\\n]'"},
	{"tojson", dict("a", int64(1)), []Value{"\t"}, []KwArg{}, "'{\\n\\t\"a\": 1\\n}'"},
	{"tojson", dict(int64(1), "a", int64(2), "b"), []Value{}, []KwArg{}, "'{\"1\": \"a\", \"2\": \"b\"}'"},
	{"tojson", dict(int64(1), "a", "b", int64(2)), []Value{}, []KwArg{}, "!TypeError"},
	{"tojson", math.Inf(1), []Value{}, []KwArg{}, "'Infinity'"},
	{"tojson", "\x7f\u0001", []Value{}, []KwArg{}, "'\"\\\\u007f\\\\u0001\"'"},
	{"pprint", dict("b", int64(1), "a", NewList([]Value{int64(1), "x"}), "c", NewTuple(int64(1))), []Value{}, []KwArg{}, "\"{'a': [1, 'x'], 'b': 1, 'c': (1,)}\""},
	{"pprint", NewList([]Value{int64(1), int64(2)}), []Value{}, []KwArg{}, "'[1, 2]'"},
	{"pprint", dict("key0", "value number 0", "key1", "value number 1", "key2", "value number 2", "key3", "value number 3", "key4", "value number 4", "key5", "value number 5"), []Value{}, []KwArg{}, "\"{'key0': 'value number 0',\\n 'key1': 'value number 1',\\n 'key2': 'value number 2',\\n 'key3': 'value number 3',\\n 'key4': 'value number 4',\\n 'key5': 'value number 5'}\""},
	{"pprint", NewList([]Value{NewList([]Value{int64(0), int64(1), int64(2), int64(3), int64(4), int64(5), int64(6), int64(7), int64(8), int64(9), int64(10), int64(11), int64(12), int64(13), int64(14), int64(15), int64(16), int64(17), int64(18), int64(19), int64(20), int64(21), int64(22), int64(23), int64(24), int64(25), int64(26), int64(27), int64(28), int64(29)}), "xxxxxxxxxx"}), []Value{}, []KwArg{}, "\"[[0,\\n  1,\\n  2,\\n  3,\\n  4,\\n  5,\\n  6,\\n  7,\\n  8,\\n  9,\\n  10,\\n  11,\\n  12,\\n  13,\\n  14,\\n  15,\\n  16,\\n  17,\\n  18,\\n  19,\\n  20,\\n  21,\\n  22,\\n  23,\\n  24,\\n  25,\\n  26,\\n  27,\\n  28,\\n  29],\\n 'xxxxxxxxxx']\""},
	{"pprint", nil, []Value{}, []KwArg{}, "'None'"},
}

func TestDictAndFormatFilters(t *testing.T) { runFilterCases(t, dictFormatFilterCases) }
