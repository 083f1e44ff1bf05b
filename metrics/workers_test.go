package metrics

import (
	"sync"
	"testing"
	"time"
)

// workerClock is a clock tests move by hand.
type workerClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *workerClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *workerClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func workerState(t *testing.T, name string) WorkerState {
	t.Helper()
	for _, st := range WorkerStatus() {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("worker %s is not reported", name)
	return WorkerState{}
}

// TestWorkerHealth: a worker that ticks stays healthy; one that stops
// ticking for more than twice its interval plus the grace period turns
// unhealthy, in WorkerStatus and in the gauges; a tick makes it healthy
// again; a stopped worker is reported no more.
func TestWorkerHealth(t *testing.T) {
	clock := &workerClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	t.Cleanup(SetClock(clock.now))
	const name = "test_worker"
	w := RegisterWorker(name, 10*time.Second)
	t.Cleanup(w.Stop)
	healthy := func() float64 {
		return gatherDomain(t, Registry, "unet_worker_healthy", map[string]string{"worker": name}).value
	}
	progress := func() float64 {
		return gatherDomain(t, Registry, "unet_worker_last_progress_timestamp_seconds", map[string]string{"worker": name}).value
	}

	st := workerState(t, name)
	if !st.Healthy || !st.LastProgress.Equal(clock.now()) || st.Interval != 10*time.Second || healthy() != 1 {
		t.Fatalf("registered worker: %+v healthy gauge %v", st, healthy())
	}
	for range 20 {
		clock.advance(10 * time.Second)
		w.Tick()
	}
	if st := workerState(t, name); !st.Healthy || !st.LastProgress.Equal(clock.now()) {
		t.Fatalf("ticking worker: %+v", st)
	}
	if progress() != float64(clock.now().Unix()) {
		t.Fatalf("last progress gauge %v, want %v", progress(), clock.now().Unix())
	}

	// Stuck: healthy up to 2×interval + grace, unhealthy after.
	clock.advance(2*10*time.Second + WorkerGrace)
	if !workerState(t, name).Healthy {
		t.Fatal("unhealthy within twice the interval plus the grace period")
	}
	clock.advance(time.Second)
	if st := workerState(t, name); st.Healthy || healthy() != 0 {
		t.Fatalf("stuck worker: %+v healthy gauge %v", st, healthy())
	}
	w.Tick()
	if !workerState(t, name).Healthy || healthy() != 1 {
		t.Fatal("a tick did not make the worker healthy again")
	}

	// A registration again replaces the old one: the old recorder's ticks
	// are ignored, and stopping it leaves the new one alone.
	w2 := RegisterWorker(name, time.Minute)
	clock.advance(time.Hour)
	w.Tick()
	w.Stop()
	if st := workerState(t, name); st.Healthy || st.Interval != time.Minute {
		t.Fatalf("replaced registration: %+v", st)
	}
	w2.Stop()
	for _, st := range WorkerStatus() {
		if st.Name == name {
			t.Fatalf("a stopped worker is reported: %+v", st)
		}
	}
	if gatherDomain(t, Registry, "unet_worker_healthy", map[string]string{"worker": name}).found {
		t.Fatal("a stopped worker keeps its gauge")
	}
}
