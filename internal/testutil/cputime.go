package testutil

import (
	"testing"
	"time"
)

// ReportCPU reports the process CPU time per operation since start (a
// CPUTime reading) as the metric unit (e.g. "cpu-µs/op", "cpu-ms/op"): on a
// machine shared with other work it varies much less than the wall time.
func ReportCPU(b *testing.B, start time.Duration, unit time.Duration, name string) {
	b.ReportMetric(float64(CPUTime(b)-start)/float64(unit)/float64(b.N), name)
}
