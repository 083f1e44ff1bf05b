package configtree

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/unet-dev/unet/internal/sampleconfigs"
)

// Benchmark inputs: a generated ~490 KB, 15k-line IOS configuration and
// the 18k-line IOS-XR conformance file.
var benchInputs = []struct {
	name, path, dialect string
}{
	{"ios_large", "", DialectIOS},
	{"iosxr_full", conformanceDir + "/cisco_iosxr/iosxr_full.conf", DialectIOSXR},
}

// loadBench returns a benchmark input: the file at path, or the generated
// large IOS configuration when path is empty.
func loadBench(b *testing.B, path string) []byte {
	b.Helper()
	if path == "" {
		return []byte(sampleconfigs.LargeIOS())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatalf("benchmark input missing: %v", err)
	}
	return data
}

// reportAllocsPerMB adds an allocs/MB metric.
func reportAllocsPerMB(b *testing.B, size int, run func()) {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	run()
	runtime.ReadMemStats(&m1)
	perOp := float64(m1.Mallocs-m0.Mallocs) / float64(b.N)
	b.ReportMetric(perOp/(float64(size)/1e6), "allocs/MB")
}

// BenchmarkBaselineLineScan is the plain one-pass reference: split the same
// bytes into lines with bufio.Scanner and count them.
func BenchmarkBaselineLineScan(b *testing.B) {
	for _, in := range benchInputs {
		data := loadBench(b, in.path)
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			n := 0
			for b.Loop() {
				sc := bufio.NewScanner(bytes.NewReader(data))
				for sc.Scan() {
					n++
				}
			}
			_ = n
		})
	}
}

// BenchmarkBaselineByteLoop counts newlines with a byte-at-a-time loop.
func BenchmarkBaselineByteLoop(b *testing.B) {
	for _, in := range benchInputs {
		data := loadBench(b, in.path)
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			n := 0
			for b.Loop() {
				for _, c := range data {
					if c == '\n' {
						n++
					}
				}
			}
			_ = n
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, in := range benchInputs {
		data := loadBench(b, in.path)
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			reportAllocsPerMB(b, len(data), func() {
				for b.Loop() {
					if _, err := Parse(bytes.NewReader(data), in.dialect); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func BenchmarkSlice(b *testing.B) {
	exprs := []struct{ name, expr string }{
		{"interfaces", "interface .*||.*"},
		{"acl_deny", `ip(v4)? access-list .*||.*deny.*`},
	}
	for _, in := range benchInputs {
		data := loadBench(b, in.path)
		for _, e := range exprs {
			m := MustParseMatch(e.expr)
			b.Run(in.name+"/"+e.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				reportAllocsPerMB(b, len(data), func() {
					for b.Loop() {
						if _, err := Slice(io.Discard, bytes.NewReader(data), SliceOptions{Dialect: in.dialect}, m); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}

func BenchmarkParseMatch(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseMatch(`router bgp .*||neighbor 10\..*||address-family ipv4.*`); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSliceVsScan interleaves, in every iteration, a plain line scan
// (bufio.Scanner counting lines) and a slice of the same bytes, so both see
// the same machine load. It reports the slicing throughput, the scan
// throughput and slice/scan: how many times longer slicing takes.
func BenchmarkSliceVsScan(b *testing.B) {
	exprs := []struct{ name, expr string }{
		{"interfaces", "interface .*||.*"},
		{"acl_deny", `ip(v4)? access-list .*||.*deny.*`},
	}
	for _, in := range benchInputs {
		data := loadBench(b, in.path)
		for _, e := range exprs {
			m := MustParseMatch(e.expr)
			b.Run(in.name+"/"+e.name, func(b *testing.B) {
				var scanNs, sliceNs int64
				for b.Loop() {
					t0 := time.Now()
					sc := bufio.NewScanner(bytes.NewReader(data))
					n := 0
					for sc.Scan() {
						n++
					}
					t1 := time.Now()
					if _, err := Slice(io.Discard, bytes.NewReader(data), SliceOptions{Dialect: in.dialect}, m); err != nil {
						b.Fatal(err)
					}
					t2 := time.Now()
					scanNs += t1.Sub(t0).Nanoseconds()
					sliceNs += t2.Sub(t1).Nanoseconds()
				}
				mb := float64(len(data)) * float64(b.N) / 1e6
				b.ReportMetric(mb/(float64(sliceNs)/1e9), "slice-MB/s")
				b.ReportMetric(mb/(float64(scanNs)/1e9), "scan-MB/s")
				b.ReportMetric(float64(sliceNs)/float64(scanNs), "slice/scan")
			})
		}
	}
}
