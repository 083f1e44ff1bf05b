package jinja

// builtinFilters returns Jinja2's builtin filters, with Jinja2 3.1's
// parameters, defaults and results. Every filter but default, d, items and
// pprint fails on an undefined value with its error.
//
// Where Jinja2 returns an iterator (map, select, reject, selectattr,
// rejectattr, unique, reverse, batch, slice, items) the filter returns a
// list with the same items: it iterates, joins and prints as a list, where
// Jinja2 would print "<generator object ...>". There is no Markup type, so
// escape, forceescape and safe return plain strings and the escaped test
// never holds. int fails for integers beyond 64 bits. random is not
// deterministic, as in Jinja2.
func builtinFilters() map[string]FilterFunc {
	m := map[string]FilterFunc{
		"abs":            filterAbs,
		"attr":           filterAttr,
		"batch":          filterBatch,
		"capitalize":     strFilter("capitalize", capitalize),
		"center":         filterCenter,
		"count":          filterLength,
		"dictsort":       filterDictsort,
		"e":              filterEscape,
		"escape":         filterEscape,
		"filesizeformat": filterFilesizeformat,
		"first":          filterFirst,
		"float":          filterFloat,
		"forceescape":    filterEscape,
		"format":         filterFormat,
		"groupby":        filterGroupby,
		"indent":         filterIndent,
		"int":            filterInt,
		"join":           filterJoin,
		"last":           filterLast,
		"length":         filterLength,
		"list":           filterList,
		"lower":          strFilter("lower", pyLower),
		"map":            filterMap,
		"max":            minMax("max", true),
		"min":            minMax("min", false),
		"pprint":         filterPprint,
		"random":         filterRandom,
		"reject":         selectFilter(false, false),
		"rejectattr":     selectFilter(false, true),
		"replace":        filterReplace,
		"reverse":        filterReverse,
		"round":          filterRound,
		"safe":           filterString,
		"select":         selectFilter(true, false),
		"selectattr":     selectFilter(true, true),
		"slice":          filterSlice,
		"sort":           filterSort,
		"string":         filterString,
		"striptags":      filterStriptags,
		"sum":            filterSum,
		"title":          strFilter("title", title),
		"tojson":         filterTojson,
		"trim":           filterTrim,
		"truncate":       filterTruncate,
		"unique":         filterUnique,
		"upper":          strFilter("upper", pyUpper),
		"urlencode":      filterURLEncode,
		"urlize":         filterUrlize,
		"wordcount":      filterWordcount,
		"wordwrap":       filterWordwrap,
		"xmlattr":        filterXMLAttr,
	}
	for name, f := range m {
		m[name] = strict(f)
	}
	m["default"] = filterDefault
	m["d"] = filterDefault
	m["items"] = filterItems
	m["pprint"] = filterPprint
	return m
}

// builtinTests returns Jinja2's builtin tests.
func builtinTests() map[string]TestFunc {
	return map[string]TestFunc{
		"odd":         parityTest("test_odd", 1),
		"even":        parityTest("test_even", 0),
		"divisibleby": testDivisibleby,
		"defined":     testDefined,
		"undefined":   testUndefined,
		"filter":      nameTest(true),
		"test":        nameTest(false),
		"none":        typeTest("test_none", func(v Value) bool { return v == nil }),
		"boolean":     typeTest("test_boolean", func(v Value) bool { _, ok := v.(bool); return ok }),
		"false":       typeTest("test_false", func(v Value) bool { b, ok := v.(bool); return ok && !b }),
		"true":        typeTest("test_true", func(v Value) bool { b, ok := v.(bool); return ok && b }),
		"integer":     typeTest("test_integer", func(v Value) bool { _, ok := v.(int64); return ok }),
		"float":       typeTest("test_float", func(v Value) bool { _, ok := v.(float64); return ok }),
		"lower":       caseTest("test_lower", false),
		"upper":       caseTest("test_upper", true),
		"string":      typeTest("test_string", func(v Value) bool { _, ok := v.(string); return ok }),
		"mapping":     typeTest("test_mapping", func(v Value) bool { _, ok := v.(*Dict); return ok }),
		"number": typeTest("test_number", func(v Value) bool {
			_, _, _, ok := asNumber(v)
			return ok
		}),
		"sequence": typeTest("test_sequence", isSequence),
		"iterable": testIterable,
		"callable": testCallable,
		"sameas":   testSameas,
		// No value is HTML-escaped markup: there is no Markup type.
		"escaped":     typeTest("test_escaped", func(Value) bool { return false }),
		"in":          testIn,
		"==":          compareTest("=="),
		"eq":          compareTest("=="),
		"equalto":     compareTest("=="),
		"!=":          compareTest("!="),
		"ne":          compareTest("!="),
		">":           compareTest(">"),
		"gt":          compareTest(">"),
		"greaterthan": compareTest(">"),
		">=":          compareTest(">="),
		"ge":          compareTest(">="),
		"<":           compareTest("<"),
		"lt":          compareTest("<"),
		"lessthan":    compareTest("<"),
		"<=":          compareTest("<="),
		"le":          compareTest("<="),
	}
}
