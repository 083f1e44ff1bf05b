// Package policy implements the μNet rule language: a hand-written lexer and
// recursive-descent parser, an AST with positions, a checker, a canonical
// formatter and a compiled evaluator.
//
// The package is a pure library. It evaluates rules over a generic object
// model (maps with the snake_case field names of the inventory) and never
// touches storage or the network. A typical use is:
//
//	set, err := policy.LoadDir("policies")
//	prog, err := policy.Compile(set.Files...)
//	ev := prog.EvalNode(policy.Input{Node: node, Location: loc})
//	for _, r := range ev.Results { ... }
//
// The language is documented in docs/policy-language.md.
package policy
