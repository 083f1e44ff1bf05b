package bench

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/policy/workload"
)

const numNodes = 10000

func unetProgram(tb testing.TB) *policy.Program {
	tb.Helper()
	f, err := policy.ParseFile("bench.rules", []byte(workload.Source(workload.Specs())))
	if err != nil {
		tb.Fatal(err)
	}
	p, err := policy.Compile(f)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func opaQuery(tb testing.TB) rego.PreparedEvalQuery {
	tb.Helper()
	q, err := PrepareOPA(context.Background(), RegoSource(workload.Specs()))
	if err != nil {
		tb.Fatal(err)
	}
	return q
}

// opaIdiomaticQuery prepares the else-chain Rego (RegoIdiomaticSource).
func opaIdiomaticQuery(tb testing.TB) rego.PreparedEvalQuery {
	tb.Helper()
	q, err := PrepareOPA(context.Background(), RegoIdiomaticSource(workload.Specs()))
	if err != nil {
		tb.Fatal(err)
	}
	return q
}

// TestOPAAgreesWithUnet checks that both engines give the same status for
// every (node, rule) of the benchmark, so that the comparison is fair.
func TestOPAAgreesWithUnet(t *testing.T) {
	checkStatusAgreement(t, opaQuery(t), workload.Nodes(2000, 1))
}

// TestOPAIdiomaticAgreesWithUnet checks the else-chain Rego the same way.
func TestOPAIdiomaticAgreesWithUnet(t *testing.T) {
	checkStatusAgreement(t, opaIdiomaticQuery(t), workload.Nodes(2000, 1))
}

// checkStatusAgreement compares OPA's status of every rule with μNet's for
// every node.
func checkStatusAgreement(t *testing.T, q rego.PreparedEvalQuery, nodes []map[string]any) {
	t.Helper()
	p := unetProgram(t)
	ctx := context.Background()
	for i, n := range nodes {
		ev := p.EvalNode(policy.Input{Node: n})
		got, err := OPAStatuses(ctx, q, map[string]any{"node": n})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ev.Results) {
			t.Fatalf("node %d: OPA has %d rules, μNet %d", i, len(got), len(ev.Results))
		}
		for _, r := range ev.Results {
			if got[r.Rule.ID] != string(r.Status) {
				t.Fatalf("node %d (%v) rule %s: μNet %s, OPA %v", i, n["name"], r.Rule.ID, r.Status, got[r.Rule.ID])
			}
		}
	}
}

// parallel runs fn over n items on all cores.
func parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// BenchmarkUnet10kNodes100Rules is μNet on the workload, all cores.
func BenchmarkUnet10kNodes100Rules(b *testing.B) {
	p := unetProgram(b)
	nodes := workload.Nodes(numNodes, 1)
	inputs := make([]policy.Input, len(nodes))
	for i, n := range nodes {
		inputs[i] = policy.Input{Node: n}
	}
	cpu0 := cpuTime(b)
	for b.Loop() {
		p.EvaluateEach(policy.KindNode, inputs, policy.EvalOptions{}, func(int, *policy.Evaluation) {})
	}
	reportInventory(b, cpu0)
}

// BenchmarkOPA10kNodes100Rules is OPA on the same workload with Go maps as
// input, all cores.
func BenchmarkOPA10kNodes100Rules(b *testing.B) {
	q := opaQuery(b)
	nodes := workload.Nodes(numNodes, 1)
	ctx := context.Background()
	cpu0 := cpuTime(b)
	for b.Loop() {
		parallel(len(nodes), func(i int) {
			if _, err := OPAStatuses(ctx, q, map[string]any{"node": nodes[i]}); err != nil {
				b.Error(err)
			}
		})
	}
	reportInventory(b, cpu0)
}

// BenchmarkOPAIdiomatic10kNodes100Rules is OPA computing every rule's
// status with one else-chain rule per policy rule (RegoIdiomaticSource),
// the fair comparison with μNet, all cores.
func BenchmarkOPAIdiomatic10kNodes100Rules(b *testing.B) {
	q := opaIdiomaticQuery(b)
	nodes := workload.Nodes(numNodes, 1)
	ctx := context.Background()
	cpu0 := cpuTime(b)
	for b.Loop() {
		parallel(len(nodes), func(i int) {
			if _, err := OPAStatuses(ctx, q, map[string]any{"node": nodes[i]}); err != nil {
				b.Error(err)
			}
		})
	}
	reportInventory(b, cpu0)
}

// BenchmarkOPAParsedInput10kNodes100Rules gives OPA its inputs already
// converted to Rego values (conversion not timed).
func BenchmarkOPAParsedInput10kNodes100Rules(b *testing.B) {
	q := opaQuery(b)
	nodes := workload.Nodes(numNodes, 1)
	values := make([]ast.Value, len(nodes))
	for i, n := range nodes {
		v, err := ast.InterfaceToValue(map[string]any{"node": n})
		if err != nil {
			b.Fatal(err)
		}
		values[i] = v
	}
	ctx := context.Background()
	cpu0 := cpuTime(b)
	for b.Loop() {
		parallel(len(nodes), func(i int) {
			if _, err := q.Eval(ctx, rego.EvalParsedInput(values[i])); err != nil {
				b.Error(err)
			}
		})
	}
	reportInventory(b, cpu0)
}

// TestOPAViolationsAgree checks the violations-only Rego against μNet's
// failing rules.
func TestOPAViolationsAgree(t *testing.T) {
	p := unetProgram(t)
	q, err := PrepareOPAQuery(context.Background(), RegoViolationsSource(workload.Specs()), "data.unet.fail")
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range workload.Nodes(500, 2) {
		ev := p.EvalNode(policy.Input{Node: n})
		rs, err := q.Eval(context.Background(), rego.EvalInput(map[string]any{"node": n}))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, v := range rs[0].Expressions[0].Value.([]any) {
			got[v.(string)] = true
		}
		for _, r := range ev.Results {
			if (r.Status == policy.StatusFail) != got[r.Rule.ID] {
				t.Fatalf("node %d rule %s: μNet %s, OPA fail=%v", i, r.Rule.ID, r.Status, got[r.Rule.ID])
			}
		}
	}
}

// BenchmarkOPAViolationsOnly10kNodes100Rules is OPA computing only the
// failing rule ids, all cores.
func BenchmarkOPAViolationsOnly10kNodes100Rules(b *testing.B) {
	q, err := PrepareOPAQuery(context.Background(), RegoViolationsSource(workload.Specs()), "data.unet.fail")
	if err != nil {
		b.Fatal(err)
	}
	nodes := workload.Nodes(numNodes, 1)
	ctx := context.Background()
	cpu0 := cpuTime(b)
	for b.Loop() {
		parallel(len(nodes), func(i int) {
			if _, err := q.Eval(ctx, rego.EvalInput(map[string]any{"node": nodes[i]})); err != nil {
				b.Error(err)
			}
		})
	}
	reportInventory(b, cpu0)
}
