package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/unet-dev/unet/policy/workload"
)

func benchProgram(tb testing.TB) *Program {
	tb.Helper()
	f, err := ParseFile("bench.rules", []byte(workload.Source(workload.Specs())))
	if err != nil {
		tb.Fatal(err)
	}
	p, err := Compile(f)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func benchInputs(n int) []Input {
	nodes := workload.Nodes(n, 1)
	inputs := make([]Input, n)
	for i, nd := range nodes {
		inputs[i] = Input{Node: nd, Location: map[string]any{"path": "Europe/" + nd["tags"].([]any)[0].(string)}}
	}
	return inputs
}

func TestWorkloadProgram(t *testing.T) {
	p := benchProgram(t)
	if n := len(p.Rules()); n != 100 {
		t.Fatalf("%d rules, want 100", n)
	}
	totals := map[Status]int{}
	for _, in := range benchInputs(2000) {
		for s, n := range p.EvalNode(in).Counts() {
			totals[s] += n
		}
	}
	// A realistic mix: most rules do not apply to a node, some fail.
	if totals[StatusPass] == 0 || totals[StatusFail] == 0 || totals[StatusNotApplicable] == 0 || totals[StatusError] != 0 {
		t.Fatalf("status totals %v", totals)
	}
}

// BenchmarkEvaluate10kNodes100Rules evaluates the 100-rule workload over
// 10,000 nodes on all cores (one op = the whole inventory).
func BenchmarkEvaluate10kNodes100Rules(b *testing.B) {
	p := benchProgram(b)
	inputs := benchInputs(10000)
	b.ResetTimer()
	cpu0 := processCPUTime()
	for b.Loop() {
		p.EvaluateEach(KindNode, inputs, EvalOptions{}, func(int, *Evaluation) {})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/inventory")
	// CPU time spent (all cores) per inventory: the work, whatever the load.
	b.ReportMetric(float64((processCPUTime()-cpu0).Nanoseconds())/float64(b.N)/1e6, "cpu-ms/inventory")
}

// BenchmarkEvaluateAll10kNodes100Rules is the same, keeping every result.
func BenchmarkEvaluateAll10kNodes100Rules(b *testing.B) {
	p := benchProgram(b)
	inputs := benchInputs(10000)
	b.ResetTimer()
	cpu0 := processCPUTime()
	for b.Loop() {
		p.EvaluateAll(KindNode, inputs, EvalOptions{})
	}
	b.ReportMetric(float64((processCPUTime()-cpu0).Nanoseconds())/float64(b.N)/1e6, "cpu-ms/inventory")
}

// BenchmarkEvaluateSingleNode evaluates the 100 rules for one node on one
// goroutine.
func BenchmarkEvaluateSingleNode(b *testing.B) {
	p := benchProgram(b)
	inputs := benchInputs(1000)
	e, ev := &env{}, &Evaluation{}
	i := 0
	for b.Loop() {
		p.evaluateInto(e, KindNode, &inputs[i%len(inputs)], ev, EvalOptions{})
		i++
	}
}

// BenchmarkParse1000Rules parses and compiles 1,000 rules.
func BenchmarkParse1000Rules(b *testing.B) {
	var sb strings.Builder
	specs := workload.Specs()
	for i := range 10 {
		src := workload.Source(specs)
		sb.WriteString(strings.ReplaceAll(src, `RULE "`, fmt.Sprintf(`RULE "c%d-`, i)))
	}
	src := []byte(sb.String())
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for b.Loop() {
		f, err := ParseFile("big.rules", src)
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Rules) != 1000 {
			b.Fatalf("%d rules", len(f.Rules))
		}
		if _, err := Compile(f); err != nil {
			b.Fatal(err)
		}
	}
}
