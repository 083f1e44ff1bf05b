package templates

import (
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/unet-dev/unet/internal/testutil"
)

const (
	benchRoot    = "testdata/seed/bench"
	benchContext = "testdata/seed/context.json"
)

// BenchmarkRenderAccessSwitch renders the ~270-line access-switch template,
// the render benchmark shared with the Python Jinja2 measurement.
func BenchmarkRenderAccessSwitch(b *testing.B) {
	env, err := NewDir(benchRoot, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	vars := loadContext(b, benchContext)
	ctx := context.Background()
	out, err := env.Render(ctx, "access-switch.j2", vars)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	start := testutil.CPUTime(b)
	for b.Loop() {
		if _, err := env.Render(ctx, "access-switch.j2", vars); err != nil {
			b.Fatal(err)
		}
	}
	testutil.ReportCPU(b, start, time.Microsecond, "cpu-µs/op")
}

// pythonTimeit is the Python Jinja2 side of the benchmark: the compiled
// template rendered 2,000 times with timeit, best of 3 runs; it prints the
// wall and the CPU (process_time) µs per render.
const pythonTimeit = `
import json, sys, time, timeit, jinja2
root, name, ctxf = sys.argv[1:4]
env = jinja2.Environment(loader=jinja2.FileSystemLoader(root), trim_blocks=True,
                         lstrip_blocks=True, undefined=jinja2.StrictUndefined)
t = env.get_template(name)
ctx = json.load(open(ctxf))
n = 2000
wall = min(timeit.repeat(lambda: t.render(**ctx), number=n, repeat=3))
cpu = min(timeit.repeat(lambda: t.render(**ctx), number=n, repeat=3, timer=time.process_time))
print("%.1f %.1f" % (wall / n * 1e6, cpu / n * 1e6))
`

// BenchmarkRenderAccessSwitchJinja2 times the same render in Python Jinja2
// (timeit, 3x2000 renders, best run) and reports it as python-µs/op next to
// the Go timing of one render, for a side-by-side ratio.
func BenchmarkRenderAccessSwitchJinja2(b *testing.B) {
	requireJinja2(b)
	out, err := exec.Command(python, "-c", pythonTimeit, benchRoot, "access-switch.j2", benchContext).CombinedOutput()
	if err != nil {
		b.Fatalf("python timeit: %v: %s", err, out)
	}
	var us, cpuUS float64
	if _, err := fmt.Sscan(string(out), &us, &cpuUS); err != nil {
		b.Fatalf("python timeit output %q: %v", out, err)
	}
	env, err := NewDir(benchRoot, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	vars := loadContext(b, benchContext)
	start := testutil.CPUTime(b)
	for b.Loop() {
		if _, err := env.Render(context.Background(), "access-switch.j2", vars); err != nil {
			b.Fatal(err)
		}
	}
	testutil.ReportCPU(b, start, time.Microsecond, "cpu-µs/op")
	b.ReportMetric(us, "python-µs/op")
	b.ReportMetric(cpuUS, "python-cpu-µs/op")
}

// BenchmarkParseAccessSwitch measures a cold render: a new environment
// (empty template cache) per iteration, so the template is read, lexed and
// parsed every time.
func BenchmarkParseAccessSwitch(b *testing.B) {
	vars := loadContext(b, benchContext)
	b.ReportAllocs()
	for b.Loop() {
		env, err := NewDir(benchRoot, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := env.Render(context.Background(), "access-switch.j2", vars); err != nil {
			b.Fatal(err)
		}
		_ = env.Close()
	}
}

// BenchmarkRenderDemoBase renders a demo base template, which includes six
// slice templates.
func BenchmarkRenderDemoBase(b *testing.B) {
	env, err := NewDir(examplesRoot, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	vars := loadContext(b, "testdata/examples/ios.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := env.Render(context.Background(), "ios/base.j2", vars); err != nil {
			b.Fatal(err)
		}
	}
}
