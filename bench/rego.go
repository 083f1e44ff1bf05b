package bench

import (
	"context"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/types"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/policy/workload"
)

// RegoSource renders the workload rules as one Rego module. For each rule
// the object data.unet.status maps the rule id to pass, fail or
// not_applicable, as μNet does; SETs and APPLYs become the sets and
// templates documents.
func RegoSource(specs []workload.RuleSpec) string {
	var b strings.Builder
	b.WriteString("package unet\n\n")
	for i, r := range specs {
		when, assert := regoRule(r)
		fmt.Fprintf(&b, "when_%d if {\n\t%s\n}\n", i, strings.Join(when, "\n\t"))
		if assert == nil {
			fmt.Fprintf(&b, "status[%q] := \"pass\" if when_%d\n", r.ID, i)
		} else {
			fmt.Fprintf(&b, "assert_%d if {\n\t%s\n}\n", i, strings.Join(assert, "\n\t"))
			fmt.Fprintf(&b, "status[%q] := \"pass\" if {\n\twhen_%d\n\tassert_%d\n}\n", r.ID, i, i)
			fmt.Fprintf(&b, "status[%q] := \"fail\" if {\n\twhen_%d\n\tnot assert_%d\n}\n", r.ID, i, i)
		}
		fmt.Fprintf(&b, "status[%q] := \"not_applicable\" if not when_%d\n", r.ID, i)
		switch r.Kind {
		case workload.SetTier:
			fmt.Fprintf(&b, "sets[\"monitoring.tier\"] := %q if when_%d\n", r.Value, i)
		case workload.Apply:
			fmt.Fprintf(&b, "templates contains %q if when_%d\n", r.Value, i)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// RegoViolationsSource renders the rules in the usual Rego style that
// computes only the failing rule ids (data.unet.fail), the cheapest form
// for OPA; μNet always computes every status.
func RegoViolationsSource(specs []workload.RuleSpec) string {
	var b strings.Builder
	b.WriteString("package unet\n\n")
	for i, r := range specs {
		when, assert := regoRule(r)
		if assert == nil {
			continue
		}
		fmt.Fprintf(&b, "assert_%d if {\n\t%s\n}\n", i, strings.Join(assert, "\n\t"))
		fmt.Fprintf(&b, "fail contains %q if {\n\t%s\n\tnot assert_%d\n}\n\n", r.ID, strings.Join(when, "\n\t"), i)
	}
	return b.String()
}

func regoSet(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "{" + strings.Join(q, ", ") + "}"
}

func regoRule(r workload.RuleSpec) (when, assert []string) {
	cd := "input.node.custom_data." + strings.Join(r.Path, ".")
	role := fmt.Sprintf("input.node.role == %q", r.Role)
	switch r.Kind {
	case workload.Version:
		return []string{fmt.Sprintf("input.node.platform == %q", r.Platform), role},
			[]string{fmt.Sprintf("unet.version_gte(input.node.software_version, %q)", r.MinVersion)}
	case workload.Equal:
		return []string{fmt.Sprintf("input.node.vendor == %q", r.Vendor), role},
			[]string{fmt.Sprintf("input.node.device_type == %q", r.DeviceType)}
	case workload.In:
		return []string{"input.node.role in " + regoSet(r.Roles), `input.node.environment == "production"`},
			[]string{"input.node.platform in " + regoSet(r.Platforms)}
	case workload.Regex:
		return []string{role}, []string{fmt.Sprintf("regex.match(%q, input.node.name)", r.Pattern)}
	case workload.MinCount:
		return []string{role}, []string{fmt.Sprintf("count(%s) >= %d", cd, r.Count)}
	case workload.Present:
		return []string{role}, []string{cd + " != null"}
	case workload.Contains:
		return []string{role}, []string{fmt.Sprintf("%q in %s", r.Value, cd)}
	case workload.SetTier:
		return []string{fmt.Sprintf("input.node.environment == %q", r.Environment)}, nil
	case workload.Apply:
		return []string{fmt.Sprintf("input.node.platform == %q", r.Platform)}, nil
	}
	return []string{"false"}, nil
}

// versionGTE is the OPA built-in unet.version_gte(a, b): a >= b with
// μNet's version ordering (OPA's semver.compare cannot read network OS
// versions such as 15.2(7)E3).
var versionGTE = rego.Function2(&rego.Function{
	Name:    "unet.version_gte",
	Decl:    types.NewFunction(types.Args(types.S, types.S), types.B),
	Memoize: false,
}, func(_ rego.BuiltinContext, a, b *ast.Term) (*ast.Term, error) {
	x, ok1 := a.Value.(ast.String)
	y, ok2 := b.Value.(ast.String)
	if !ok1 || !ok2 {
		return nil, nil
	}
	return ast.BooleanTerm(policy.CompareVersions(string(x), string(y)) >= 0), nil
})

// PrepareOPA compiles the Rego module and prepares the query that returns
// the status object for one input node.
func PrepareOPA(ctx context.Context, module string) (rego.PreparedEvalQuery, error) {
	return PrepareOPAQuery(ctx, module, "data.unet.status")
}

// PrepareOPAQuery compiles the Rego module and prepares a query.
func PrepareOPAQuery(ctx context.Context, module, query string) (rego.PreparedEvalQuery, error) {
	return rego.New(
		rego.Query(query),
		rego.Module("unet.rego", module),
		versionGTE,
	).PrepareForEval(ctx)
}

// OPAStatuses evaluates one node (as Rego input {"node": node}) and
// returns rule id → status.
func OPAStatuses(ctx context.Context, q rego.PreparedEvalQuery, input any) (map[string]any, error) {
	rs, err := q.Eval(ctx, rego.EvalInput(input))
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, fmt.Errorf("unexpected result set %v", rs)
	}
	m, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("status is %T", rs[0].Expressions[0].Value)
	}
	return m, nil
}
