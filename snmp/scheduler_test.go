package snmp

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unet-dev/unet/internal/testutil"
	"go.uber.org/goleak"
)

// listSource is a TargetSource over an in-memory list that tests change
// while the scheduler runs, as an operator would edit the inventory.
type listSource struct {
	mu  sync.Mutex
	asg []Assignment
}

func (s *listSource) Targets(context.Context) ([]Assignment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.asg), nil
}

func (s *listSource) remove(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asg = slices.DeleteFunc(s.asg, func(a Assignment) bool { return a.Target.ID == id })
}

// batchSink keeps every batch it is given.
type batchSink struct {
	mu      sync.Mutex
	batches []Batch
}

func (s *batchSink) WriteBatch(_ context.Context, b Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, b)
	return nil
}

func (s *batchSink) all() []Batch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.batches)
}

func fastProfile(t *testing.T, community string) Profile {
	p := v2cProfile(t, community)
	p.Timeout = 100 * time.Millisecond
	p.Retries = 0
	return p
}

func outcomeByID(b Batch) map[string]Outcome {
	m := make(map[string]Outcome, len(b.Outcomes))
	for _, o := range b.Outcomes {
		m[o.Target.ID] = o
	}
	return m
}

func TestSchedulerPollAll(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	silentHost, silentPort := testutil.SilentUDP(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := fastProfile(t, agent.Community)
	src := &listSource{}
	for i := range 8 {
		src.asg = append(src.asg, Assignment{Target: Target{ID: fmt.Sprintf("ok-%d", i), Host: agent.Host, Port: agent.Port}, Profile: p})
	}
	src.asg = append(src.asg, Assignment{Target: Target{ID: "silent", Host: silentHost, Port: silentPort}, Profile: p})
	sink := &batchSink{}
	s := NewScheduler(src, sink, Options{Secrets: testSecrets, Concurrency: 3})
	b, err := s.PollAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := sink.all(); len(got) != 1 || len(got[0].Outcomes) != 9 {
		t.Fatalf("sink got %d batches, want 1 with 9 outcomes", len(got))
	}
	byID := outcomeByID(b)
	for i := range 8 {
		o := byID[fmt.Sprintf("ok-%d", i)]
		if o.Err != nil || o.Result == nil || o.Result.System.Name != testutil.SNMPSysName || o.ConsecutiveFailures != 0 {
			t.Errorf("ok-%d: %+v", i, o)
		}
		if o.NextPoll.Sub(o.Attempted) < DefaultInterval {
			t.Errorf("ok-%d next poll %s after attempt, want at least the interval", i, o.NextPoll.Sub(o.Attempted))
		}
	}
	if o := byID["silent"]; !errors.Is(o.Err, ErrTimeout) || o.ConsecutiveFailures != 1 || o.Result != nil {
		t.Errorf("silent: %+v", o)
	}
}

// A device that hangs costs at most the per-target deadline and does not
// hold back the others.
func TestSchedulerSlowTargetDoesNotDelayOthers(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	silentHost, silentPort := testutil.SilentUDP(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	good := fastProfile(t, agent.Community)
	slow := good
	slow.Timeout = 20 * time.Second
	src := &listSource{asg: []Assignment{{Target: Target{ID: "slow", Host: silentHost, Port: silentPort}, Profile: slow}}}
	for i := range 10 {
		src.asg = append(src.asg, Assignment{Target: Target{ID: fmt.Sprintf("ok-%d", i), Host: agent.Host, Port: agent.Port}, Profile: good})
	}
	var okDone atomic.Int64
	var lastOK atomic.Int64
	start := time.Now()
	s := NewScheduler(src, &batchSink{}, Options{Secrets: testSecrets, Concurrency: 2, Deadline: 500 * time.Millisecond, OnOutcome: func(o Outcome) {
		if o.Err == nil {
			okDone.Add(1)
			lastOK.Store(int64(time.Since(start)))
		}
	}})
	b, err := s.PollAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if okDone.Load() != 10 {
		t.Fatalf("%d good targets succeeded, want 10", okDone.Load())
	}
	if d := time.Duration(lastOK.Load()); d > 400*time.Millisecond {
		t.Errorf("good targets finished after %s: the slow one held them back", d)
	}
	o := outcomeByID(b)["slow"]
	if !errors.Is(o.Err, ErrTimeout) || o.Duration > 2*time.Second {
		t.Errorf("slow target: err %v after %s, want the 500ms deadline", o.Err, o.Duration)
	}
}

// An agent that stops answering in the middle of a cycle fails on its own;
// the others of the same cycle are polled and written.
func TestSchedulerAgentStopsMidCycle(t *testing.T) {
	a := testutil.StartSNMPD(t)
	bAgent := testutil.StartSNMPD(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := fastProfile(t, a.Community)
	src := &listSource{}
	for i := range 5 {
		src.asg = append(src.asg,
			Assignment{Target: Target{ID: fmt.Sprintf("a-%d", i), Host: a.Host, Port: a.Port}, Profile: p},
			Assignment{Target: Target{ID: fmt.Sprintf("b-%d", i), Host: bAgent.Host, Port: bAgent.Port}, Profile: p})
	}
	var paused atomic.Bool
	sink := &batchSink{}
	s := NewScheduler(src, sink, Options{Secrets: testSecrets, Concurrency: 1, OnOutcome: func(o Outcome) {
		if o.Target.Port == bAgent.Port && o.Err == nil && paused.CompareAndSwap(false, true) {
			bAgent.Pause(t)
		}
	}})
	b, err := s.PollAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !paused.Load() {
		t.Fatal("agent b was never polled successfully before pausing")
	}
	var aOK, bOK, bTimeout int
	for _, o := range b.Outcomes {
		switch {
		case o.Target.Port == a.Port && o.Err == nil:
			aOK++
		case o.Target.Port == bAgent.Port && o.Err == nil:
			bOK++
		case o.Target.Port == bAgent.Port && errors.Is(o.Err, ErrTimeout):
			bTimeout++
		default:
			t.Errorf("unexpected outcome %s: %v", o.Target.ID, o.Err)
		}
	}
	if aOK != 5 || bOK != 1 || bTimeout != 4 {
		t.Errorf("a ok %d (want 5), b ok %d (want 1), b timeouts %d (want 4)", aOK, bOK, bTimeout)
	}
	if got := sink.all(); len(got) != 1 || len(got[0].Outcomes) != 10 {
		t.Errorf("sink: %d batches", len(got))
	}
}

// A target removed from the source (its management address deleted) while
// it is being polled is not written.
func TestSchedulerTargetRemovedMidCycle(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := fastProfile(t, agent.Community)
	src := &listSource{}
	for _, id := range []string{"n1", "n2", "n3", "n4"} {
		src.asg = append(src.asg, Assignment{Target: Target{ID: id, Host: agent.Host, Port: agent.Port}, Profile: p})
	}
	var once sync.Once
	sink := &batchSink{}
	s := NewScheduler(src, sink, Options{Secrets: testSecrets, Concurrency: 1, OnOutcome: func(Outcome) {
		once.Do(func() {
			src.remove("n2")
			src.mu.Lock()
			src.asg[len(src.asg)-1].Target.Host = "192.0.2.1" // n4 readdressed
			src.mu.Unlock()
		})
	}})
	b, err := s.PollAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := outcomeByID(b)
	if len(got) != 2 || got["n1"].Err != nil || got["n3"].Err != nil || b.Dropped != 2 {
		t.Errorf("outcomes %v dropped %d, want n1 and n3 with 2 dropped", slices.Sorted(maps.Keys(got)), b.Dropped)
	}
	if batches := sink.all(); len(batches) != 1 || len(batches[0].Outcomes) != 2 {
		t.Errorf("sink got %+v", batches)
	}
}

// Canceling mid-cycle stops the polls in flight at once, writes the
// outcomes already complete as one batch, and leaks no goroutine.
func TestSchedulerCancelMidCycle(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	silentHost, silentPort := testutil.SilentUDP(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	good := fastProfile(t, agent.Community)
	slow := good
	slow.Timeout = 30 * time.Second
	src := &listSource{}
	for i := range 3 {
		src.asg = append(src.asg, Assignment{Target: Target{ID: fmt.Sprintf("ok-%d", i), Host: agent.Host, Port: agent.Port}, Profile: good})
	}
	for i := range 6 {
		src.asg = append(src.asg, Assignment{Target: Target{ID: fmt.Sprintf("hang-%d", i), Host: silentHost, Port: silentPort}, Profile: slow})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ok atomic.Int64
	sink := &batchSink{}
	s := NewScheduler(src, sink, Options{Secrets: testSecrets, Concurrency: 16, Jitter: -1, Tick: 10 * time.Millisecond, Deadline: time.Minute,
		OnOutcome: func(o Outcome) {
			if o.Err == nil && ok.Add(1) == 3 {
				time.AfterFunc(100*time.Millisecond, cancel)
			}
		}})
	start := time.Now()
	if err := s.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Run took %s to stop", d)
	}
	batches := sink.all()
	if len(batches) != 1 {
		t.Fatalf("sink got %d batches, want 1", len(batches))
	}
	b := batches[0]
	if len(b.Outcomes) != 3 || b.Unfinished != 6 {
		t.Errorf("batch has %d outcomes and %d unfinished, want 3 and 6", len(b.Outcomes), b.Unfinished)
	}
	for _, o := range b.Outcomes {
		if o.Err != nil || o.Result == nil || len(o.Result.Interfaces) == 0 {
			t.Errorf("half-written outcome %s: %+v", o.Target.ID, o)
		}
	}
}

// Run polls on the interval and backs off exponentially from a target
// that keeps failing.
func TestSchedulerRunIntervalAndBackoff(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	silentHost, silentPort := testutil.SilentUDP(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := fastProfile(t, agent.Community)
	p.Timeout = 20 * time.Millisecond
	src := &listSource{asg: []Assignment{
		{Target: Target{ID: "ok", Host: agent.Host, Port: agent.Port}, Profile: p},
		{Target: Target{ID: "down", Host: silentHost, Port: silentPort}, Profile: p},
		{Target: Target{ID: "fast", Host: agent.Host, Port: agent.Port, Interval: 100 * time.Millisecond}, Profile: p},
	}}
	sink := &batchSink{}
	const interval = 200 * time.Millisecond
	s := NewScheduler(src, sink, Options{Secrets: testSecrets, Interval: interval, Jitter: -1, Tick: 5 * time.Millisecond,
		MaxBackoff: 4 * interval, Refresh: 50 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 1700*time.Millisecond)
	defer cancel()
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	polls := map[string][]Outcome{}
	for _, b := range sink.all() {
		for _, o := range b.Outcomes {
			polls[o.Target.ID] = append(polls[o.Target.ID], o)
		}
	}
	if n := len(polls["ok"]); n < 6 || n > 10 {
		t.Errorf("ok polled %d times in 1.7s at a 200ms interval", n)
	}
	if n := len(polls["fast"]); n < 2*len(polls["ok"])-3 {
		t.Errorf("fast (100ms) polled %d times, ok (200ms) %d times", n, len(polls["ok"]))
	}
	down := polls["down"]
	if len(down) < 3 || len(down) > 5 {
		t.Fatalf("down polled %d times, want 3-4 with back-off 200, 400, 800ms", len(down))
	}
	for i, o := range down {
		if o.ConsecutiveFailures != i+1 {
			t.Errorf("down poll %d: consecutive failures %d", i, o.ConsecutiveFailures)
		}
		want := min(interval<<i, 4*interval)
		if got := o.NextPoll.Sub(o.Attempted); got != want {
			t.Errorf("down poll %d: next poll after %s, want %s", i, got, want)
		}
	}
}

// TestSchedulerHonoursDue: a target whose last poll (by another scheduler)
// planned the next one is first polled then, not at once, so a change of
// owner does not poll it twice in one interval; a due time in the past
// polls at once, and one far ahead is capped at the longest backoff.
func TestSchedulerHonoursDue(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := fastProfile(t, agent.Community)
	start := time.Now()
	src := &listSource{asg: []Assignment{
		{Target: Target{ID: "new", Host: agent.Host, Port: agent.Port}, Profile: p},
		{Target: Target{ID: "late", Host: agent.Host, Port: agent.Port}, Profile: p, Due: start.Add(-time.Minute)},
		{Target: Target{ID: "taken", Host: agent.Host, Port: agent.Port}, Profile: p, Due: start.Add(400 * time.Millisecond)},
		{Target: Target{ID: "skewed", Host: agent.Host, Port: agent.Port}, Profile: p, Due: start.Add(time.Hour)},
	}}
	sink := &batchSink{}
	s := NewScheduler(src, sink, Options{Secrets: testSecrets, Interval: 10 * time.Second, Jitter: -1, Tick: 5 * time.Millisecond,
		MaxBackoff: 700 * time.Millisecond, Refresh: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	first := map[string]time.Time{}
	count := map[string]int{}
	for _, b := range sink.all() {
		for _, o := range b.Outcomes {
			if o.Err != nil {
				t.Fatalf("poll %s: %v", o.Target.ID, o.Err)
			}
			if _, ok := first[o.Target.ID]; !ok {
				first[o.Target.ID] = o.Attempted
			}
			count[o.Target.ID]++
		}
	}
	for id, n := range count {
		if n != 1 {
			t.Errorf("%s polled %d times in one interval", id, n)
		}
	}
	for id, want := range map[string][2]time.Duration{
		"new": {0, 300 * time.Millisecond}, "late": {0, 300 * time.Millisecond},
		"taken": {400 * time.Millisecond, 650 * time.Millisecond}, "skewed": {700 * time.Millisecond, 1150 * time.Millisecond},
	} {
		at, ok := first[id]
		if !ok {
			t.Errorf("%s never polled", id)
			continue
		}
		if d := at.Sub(start); d < want[0] || d > want[1] {
			t.Errorf("%s first polled after %s, want %s to %s", id, d.Round(time.Millisecond), want[0], want[1])
		}
	}
}
