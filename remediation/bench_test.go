package remediation

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet/configtree"
	"github.com/unet-dev/unet/internal/remgen"
)

// largePair is the benchmark pair: two IOS configurations of about 10,000
// lines with 500 changes between them (remgen.Large), the pair that
// scripts/bench-hierconfig.sh times hier_config on.
func largePair(b *testing.B) (running, intended *configtree.Tree, rules *Rules, p remgen.Pair) {
	b.Helper()
	p = remgen.Large(remgen.LargeSeed, 10000, 500)
	var err error
	if running, err = configtree.ParseString(p.Running, "ios"); err != nil {
		b.Fatal(err)
	}
	if intended, err = configtree.ParseString(p.Intended, "ios"); err != nil {
		b.Fatal(err)
	}
	if rules, err = Builtin("ios"); err != nil {
		b.Fatal(err)
	}
	return running, intended, rules, p
}

// BenchmarkRemediate10k times Remediate on the parsed trees of the large
// pair (target: at most 20 ms/op).
func BenchmarkRemediate10k(b *testing.B) {
	running, intended, rules, p := largePair(b)
	var commands int
	b.ReportAllocs()
	cpu := processCPUTime()
	for b.Loop() {
		res, err := Remediate(running, intended, Options{Dialect: "ios", Rules: rules})
		if err != nil {
			b.Fatal(err)
		}
		commands = len(res.Commands)
	}
	if commands == 0 {
		b.Fatal("no commands for a pair with 500 changes")
	}
	if d := processCPUTime() - cpu; d > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(commands), "commands")
	b.ReportMetric(float64(strings.Count(p.Running, "\n")), "lines")
}

// BenchmarkRemediate10kFromText times what hier_config_run.py does, minus
// the process start: parse both texts, remediate, print the text form.
func BenchmarkRemediate10kFromText(b *testing.B) {
	_, _, rules, p := largePair(b)
	b.SetBytes(int64(len(p.Running) + len(p.Intended)))
	b.ReportAllocs()
	cpu := processCPUTime()
	for b.Loop() {
		running, err := configtree.ParseString(p.Running, "ios")
		if err != nil {
			b.Fatal(err)
		}
		intended, err := configtree.ParseString(p.Intended, "ios")
		if err != nil {
			b.Fatal(err)
		}
		res, err := Remediate(running, intended, Options{Dialect: "ios", Rules: rules})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Text()) == 0 {
			b.Fatal("empty remediation")
		}
	}
	if d := processCPUTime() - cpu; d > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
