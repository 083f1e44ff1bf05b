package bench

import (
	"fmt"
	"strings"

	"github.com/unet-dev/unet/policy/workload"
)

// RegoIdiomaticSource renders the workload rules as idiomatic Rego that
// computes the same output as μNet and RegoSource (data.unet.status: rule
// id → pass, fail or not_applicable), with one complete rule per policy
// rule whose "else" chain yields the whole status:
//
//	rule_7 := "pass" if {
//		input.node.role == "access"
//		regex.match("^[a-z]+-", input.node.name)
//	} else := "fail" if {
//		input.node.role == "access"
//	} else := "not_applicable"
//
// The first branch that holds gives the value, so no branch needs a negated
// body (RegoSource's "not when_i"), which OPA cannot index and has to
// evaluate for every rule and node.
func RegoIdiomaticSource(specs []workload.RuleSpec) string {
	var b strings.Builder
	b.WriteString("package unet\n\n")
	for i, r := range specs {
		when, assert := regoRule(r)
		whenBody := "\t" + strings.Join(when, "\n\t")
		if assert == nil {
			fmt.Fprintf(&b, "rule_%d := \"pass\" if {\n%s\n} else := \"not_applicable\"\n", i, whenBody)
		} else {
			fmt.Fprintf(&b, "rule_%d := \"pass\" if {\n%s\n\t%s\n} else := \"fail\" if {\n%s\n} else := \"not_applicable\"\n",
				i, whenBody, strings.Join(assert, "\n\t"), whenBody)
		}
		switch r.Kind {
		case workload.SetTier:
			fmt.Fprintf(&b, "sets[\"monitoring.tier\"] := %q if {\n%s\n}\n", r.Value, whenBody)
		case workload.Apply:
			fmt.Fprintf(&b, "templates contains %q if {\n%s\n}\n", r.Value, whenBody)
		}
		b.WriteByte('\n')
	}
	b.WriteString("status := {\n")
	for i, r := range specs {
		fmt.Fprintf(&b, "\t%q: rule_%d,\n", r.ID, i)
	}
	b.WriteString("}\n")
	return b.String()
}
