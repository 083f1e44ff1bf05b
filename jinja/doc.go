// Package jinja is μNet's Jinja template engine: a lexer, parser and compiler
// that turn Jinja2 template source into a tree of Go closures, and a runtime
// whose values follow Python's semantics, so that a template renders byte for
// byte what Python Jinja2 3.1 renders for the same context.
//
// The environment behaves like a Jinja2 Environment with autoescape off;
// trim_blocks, lstrip_blocks, keep_trailing_newline and strict undefined
// handling are options. Values are plain Go values with Python meaning:
//
//	None        nil
//	bool        bool
//	int         int64 (a result outside int64 is an error, not a big integer)
//	float       float64
//	str         string (UTF-8; indexing, slicing and len count code points)
//	list, tuple *List (Tuple set for tuples)
//	dict        *Dict (keys in insertion order)
//	undefined   Undefined
//	callables   *Func (macros, global functions, bound methods)
//	namespace   *Namespace
//
// Host values (maps, slices, structs implementing [Object]) are converted with
// [FromGo]; JSON is decoded with insertion order kept by [DecodeJSON].
//
// Every render runs under a [Limits] budget: time, output size, the size of
// any string or list one operation produces, and nesting depth. Each filter,
// operator and function checks the budget before it allocates, so a hostile
// template fails with a positioned error in well under a second instead of
// exhausting the process.
package jinja
