// Package bench compares μNet's policy engine with other engines on the same
// work. It is a separate module so that heavy comparison dependencies (Open
// Policy Agent) stay out of the main module.
//
// The workload (100 rules over 10,000 nodes) comes from
// github.com/unet-dev/unet/policy/workload; this package expresses the same
// rules in Rego, evaluates them with OPA's Go library and checks that both
// engines reach the same result for every (node, rule).
//
//	cd bench && go test -bench . -benchtime 3x
package bench
