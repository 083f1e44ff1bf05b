package jinja

import (
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// defaultMaxHeap is three quarters of the Go memory limit when one is set
// (GOMEMLIMIT or debug.SetMemoryLimit), else 2 GiB.
func defaultMaxHeap() int64 {
	if l := debug.SetMemoryLimit(-1); l > 0 && l < math.MaxInt64 {
		return l / 4 * 3
	}
	return 2 << 30
}

// heapObjectsMetric is the heap memory held by objects, live or not yet
// swept.
const heapObjectsMetric = "/memory/classes/heap/objects:bytes"

func heapObjects() int64 {
	sample := []metrics.Sample{{Name: heapObjectsMetric}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(min(sample[0].Value.Uint64(), math.MaxInt64))
}

// lastForcedGC is when checkHeap last collected garbage (Unix nanoseconds):
// at most one collection per heapGCInterval, whatever the number of renders
// over the bound.
var lastForcedGC atomic.Int64

const heapGCInterval = 100 * time.Millisecond

// checkHeap fails with ErrValueLimit when the heap is over MaxHeap, after a
// garbage collection (rate-limited) has had a chance to bring it down: an
// operation about to allocate a large value stops the render rather than
// let the process run out of memory.
func (s *State) checkHeap(what string) error {
	h := heapObjects()
	if h <= s.limits.MaxHeap {
		return nil
	}
	now := time.Now().UnixNano()
	if last := lastForcedGC.Load(); now-last >= int64(heapGCInterval) && lastForcedGC.CompareAndSwap(last, now) {
		runtime.GC()
		h = heapObjects()
	}
	if h <= s.limits.MaxHeap {
		return nil
	}
	return &limitError{err: ErrValueLimit, msg: fmt.Sprintf("%s: the process holds %d MiB, over the %d MiB renders may use (the template keeps too much)",
		what, h>>20, s.limits.MaxHeap>>20)}
}
