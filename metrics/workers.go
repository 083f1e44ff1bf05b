package metrics

import (
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Names of the server's background workers.
const (
	WorkerPolicyScheduler = "policy_scheduler"
	WorkerSNMPScheduler   = "snmp_scheduler"
	WorkerGitSyncer       = "git_syncer"
)

// WorkerGrace is added to twice a worker's interval before a worker that
// made no progress counts as unhealthy: a cycle may take a while (a large
// evaluation, a slow fetch) without the worker being stuck.
const WorkerGrace = time.Minute

// WorkerState is the progress of one background worker.
type WorkerState struct {
	// Name is the worker's name (policy_scheduler, snmp_scheduler, ...).
	Name string `json:"name"`
	// LastProgress is when the worker last completed a cycle (or was
	// registered, before its first cycle).
	LastProgress time.Time `json:"last_progress"`
	// Interval is how often the worker completes a cycle.
	Interval time.Duration `json:"interval"`
	// Healthy is true when the worker made progress within twice its
	// interval plus WorkerGrace.
	Healthy bool `json:"healthy"`
}

// Worker records the progress of one background worker.
type Worker struct {
	set      *workerSet
	name     string
	interval time.Duration
}

// workerSet is the progress of the registered workers.
type workerSet struct {
	mu      sync.Mutex
	now     func() time.Time
	last    map[string]time.Time
	workers map[string]*Worker

	lastDesc, healthyDesc *prometheus.Desc
}

var workers = &workerSet{
	now:     time.Now,
	last:    map[string]time.Time{},
	workers: map[string]*Worker{},
	lastDesc: prometheus.NewDesc("unet_worker_last_progress_timestamp_seconds",
		"When each background worker last completed a cycle, in seconds since the epoch.", []string{"worker"}, nil),
	healthyDesc: prometheus.NewDesc("unet_worker_healthy",
		"1 when the background worker made progress within twice its interval plus a grace period, else 0.", []string{"worker"}, nil),
}

func init() {
	Registry.MustRegister(workers)
}

// RegisterWorker starts recording the progress of the worker name that
// completes a cycle every interval; registering counts as progress.
// Registering a name again replaces the earlier registration.
func RegisterWorker(name string, interval time.Duration) *Worker {
	w := &Worker{set: workers, name: name, interval: interval}
	workers.mu.Lock()
	defer workers.mu.Unlock()
	workers.workers[name] = w
	workers.last[name] = workers.now()
	return w
}

// Tick records that the worker completed a cycle (one that found nothing to
// do included).
func (w *Worker) Tick() {
	w.set.mu.Lock()
	defer w.set.mu.Unlock()
	if w.set.workers[w.name] == w {
		w.set.last[w.name] = w.set.now()
	}
}

// Stop removes the worker: it stopped on purpose (server shutdown) and is
// reported no more.
func (w *Worker) Stop() {
	w.set.mu.Lock()
	defer w.set.mu.Unlock()
	if w.set.workers[w.name] == w {
		delete(w.set.workers, w.name)
		delete(w.set.last, w.name)
	}
}

// WorkerStatus returns the state of every registered worker, by name.
func WorkerStatus() []WorkerState { return workers.status() }

// SetClock makes worker health use now instead of the wall clock, for tests;
// the returned function restores the previous clock.
func SetClock(now func() time.Time) (restore func()) {
	workers.mu.Lock()
	defer workers.mu.Unlock()
	prev := workers.now
	workers.now = now
	return func() {
		workers.mu.Lock()
		defer workers.mu.Unlock()
		workers.now = prev
	}
}

func (s *workerSet) status() []WorkerState {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := make([]WorkerState, 0, len(s.workers))
	for name, w := range s.workers {
		last := s.last[name]
		out = append(out, WorkerState{Name: name, LastProgress: last, Interval: w.interval,
			Healthy: now.Sub(last) <= 2*w.interval+WorkerGrace})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Describe implements prometheus.Collector.
func (s *workerSet) Describe(ch chan<- *prometheus.Desc) {
	ch <- s.lastDesc
	ch <- s.healthyDesc
}

// Collect implements prometheus.Collector.
func (s *workerSet) Collect(ch chan<- prometheus.Metric) {
	for _, st := range s.status() {
		healthy := 0.0
		if st.Healthy {
			healthy = 1
		}
		ch <- snapshotGauge(s.lastDesc, float64(st.LastProgress.UnixNano())/1e9, st.Name)
		ch <- snapshotGauge(s.healthyDesc, healthy, st.Name)
	}
}
