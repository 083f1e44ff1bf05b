package snmp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// Scheduler defaults.
const (
	DefaultConcurrency  = 64
	DefaultInterval     = 15 * time.Minute
	DefaultDeadline     = time.Minute
	DefaultTick         = 5 * time.Second
	DefaultRefresh      = 30 * time.Second
	DefaultFlushTimeout = 30 * time.Second
)

// Assignment is a target together with the profile it is polled with.
type Assignment struct {
	Target  Target
	Profile Profile
	// Due is when the target's last poll, by whichever scheduler, planned
	// the next one (zero: never polled). A scheduler that takes the target
	// over (a restart, a replica that joined or left) polls it then, not at
	// once, so that a change of owner does not poll it twice in one
	// interval.
	Due time.Time
}

// TargetSource lists every target that should be polled (for μNet: each
// live node with a management address, with its effective profile). The
// scheduler decides when each one is due.
type TargetSource interface {
	Targets(ctx context.Context) ([]Assignment, error)
}

// Sink receives the outcomes of a poll cycle as one batch, so derived state
// can be written in one transaction. Calls are serialised by the scheduler.
// The context is not canceled by a shutdown (it has its own timeout), so a
// batch is either written whole or, on error, not at all.
type Sink interface {
	WriteBatch(ctx context.Context, b Batch) error
}

// Outcome is the result of polling one target.
type Outcome struct {
	Target Target
	// Profile is the name of the profile used.
	Profile string
	// Result is nil when Err is set.
	Result *PollResult
	Err    error
	// Attempted is when the poll started; Duration how long it took.
	Attempted time.Time
	Duration  time.Duration
	// ConsecutiveFailures counts failed polls in a row, this one included;
	// 0 after a success.
	ConsecutiveFailures int
	// NextPoll is when the scheduler will poll the target again.
	NextPoll time.Time
}

// Batch is what one poll cycle delivers to the Sink.
type Batch struct {
	Started  time.Time
	Finished time.Time
	// Outcomes of the targets that were polled to completion (success or
	// failure). Polls cut short by a shutdown are not included.
	Outcomes []Outcome
	// Dropped counts outcomes left out because their target disappeared
	// from the source (or changed address) while it was being polled.
	Dropped int
	// Unfinished counts due targets not polled to completion because the
	// scheduler was stopped; they stay due.
	Unfinished int
}

// Options configures a Scheduler. Zero values mean the defaults.
type Options struct {
	// Concurrency bounds the polls in flight across all cycles (default 64).
	Concurrency int
	// Interval between two polls of a target (default 15m); a target's own
	// Interval overrides it.
	Interval time.Duration
	// Jitter is the upper bound of a random delay added to each next poll
	// time and to the first poll of a new target, spreading load (default
	// Interval/10; negative for none).
	Jitter time.Duration
	// Deadline bounds one poll of one target, whatever its profile's timeout
	// and retries, so a slow device cannot hold a cycle (default 1m).
	Deadline time.Duration
	// MaxBackoff caps the delay after consecutive failures: a target that
	// failed n times in a row is retried after Interval*2^(n-1), at most
	// MaxBackoff (default 4*Interval).
	MaxBackoff time.Duration
	// Tick is how often due targets are collected into a cycle (default 5s).
	Tick time.Duration
	// Refresh is how often the source is re-read for new and removed
	// targets (default 30s).
	Refresh time.Duration
	// FlushTimeout bounds one Sink.WriteBatch call (default 30s).
	FlushTimeout time.Duration
	// Logger receives cycle summaries and sink errors (default: discard).
	Logger *slog.Logger
	// Secrets resolves the credentials of every poll; nil refuses them, so
	// every poll fails with a configuration error.
	Secrets SecretResolver
	// OnOutcome, when set, is called as soon as each poll finishes, from
	// the polling goroutine (for metrics); it must be quick and safe for
	// concurrent use.
	OnOutcome func(Outcome)
	// OnProgress, when set, is called by Run each time it has refreshed the
	// targets when due and started the due polls (at least every Refresh),
	// whether or not anything was due; it must be quick.
	OnProgress func()
}

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Jitter == 0 {
		o.Jitter = o.Interval / 10
	}
	if o.Deadline <= 0 {
		o.Deadline = DefaultDeadline
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 4 * o.Interval
	}
	if o.Tick <= 0 {
		o.Tick = DefaultTick
	}
	if o.Refresh <= 0 {
		o.Refresh = DefaultRefresh
	}
	if o.FlushTimeout <= 0 {
		o.FlushTimeout = DefaultFlushTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// targetState is the scheduling state of one target.
type targetState struct {
	asg      Assignment
	next     time.Time
	failures int
	inflight bool
}

// Scheduler polls the targets of a TargetSource on their interval with
// bounded concurrency, and hands each cycle's outcomes to a Sink. It is
// safe for concurrent use; Run and PollAll may run at the same time (a
// target being polled is never polled twice at once).
type Scheduler struct {
	src  TargetSource
	sink Sink
	opt  Options
	sem  chan struct{}

	mu     sync.Mutex
	states map[string]*targetState
	sinkMu sync.Mutex
}

// NewScheduler returns a scheduler over src and sink.
func NewScheduler(src TargetSource, sink Sink, opt Options) *Scheduler {
	opt = opt.withDefaults()
	return &Scheduler{
		src:    src,
		sink:   sink,
		opt:    opt,
		sem:    make(chan struct{}, opt.Concurrency),
		states: make(map[string]*targetState),
	}
}

// Run polls targets as they fall due until ctx is canceled, then waits for
// the polls in flight to stop and their batch to be written, and returns
// nil. It returns an error only if the source fails on the very first read.
func (s *Scheduler) Run(ctx context.Context) error {
	var cycles sync.WaitGroup
	defer cycles.Wait()
	var lastRefresh time.Time
	first := true
	for {
		now := time.Now()
		if first || now.Sub(lastRefresh) >= s.opt.Refresh {
			asg, err := s.src.Targets(ctx)
			switch {
			case err != nil && ctx.Err() != nil:
				return nil
			case err != nil && first:
				return err
			case err != nil:
				s.opt.Logger.Warn("snmp: read poll targets", "err", err)
			default:
				s.sync(asg, now)
				lastRefresh = now
			}
			first = false
		}
		if due := s.takeDue(now, false); len(due) > 0 {
			cycles.Add(1)
			go func() {
				defer cycles.Done()
				_, _ = s.cycle(ctx, due) // errors are logged by deliver
			}()
		}
		if s.opt.OnProgress != nil {
			s.opt.OnProgress()
		}
		t := time.NewTimer(s.wait(time.Now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// PollAll polls every target of the source now, whatever its schedule
// (targets already being polled are skipped), delivers the batch to the
// Sink, and returns it with the Sink's error, if any.
func (s *Scheduler) PollAll(ctx context.Context) (Batch, error) {
	asg, err := s.src.Targets(ctx)
	if err != nil {
		return Batch{}, err
	}
	now := time.Now()
	s.sync(asg, now)
	return s.cycle(ctx, s.takeDue(now, true))
}

// sync replaces the target list: new targets are due when their last poll
// planned (Due) or, when that has passed, after a random part of the jitter;
// removed ones are forgotten, changed ones keep their state.
func (s *Scheduler) sync(asg []Assignment, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[string]bool, len(asg))
	for _, a := range asg {
		id := a.Target.ID
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		if st, ok := s.states[id]; ok {
			st.asg = a
			continue
		}
		next := now.Add(s.jitter())
		if a.Due.After(next) {
			// Never later than the longest backoff: a due time far ahead
			// (a clock that was wrong) must not silence the target.
			next = a.Due
			if limit := now.Add(s.opt.MaxBackoff); next.After(limit) {
				next = limit
			}
		}
		s.states[id] = &targetState{asg: a, next: next}
	}
	for id := range s.states {
		if !seen[id] {
			delete(s.states, id)
		}
	}
}

// takeDue marks due targets (all targets when all is set) in flight and
// returns them, most overdue first.
func (s *Scheduler) takeDue(now time.Time, all bool) []Assignment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var states []*targetState
	for _, st := range s.states {
		if !st.inflight && (all || !st.next.After(now)) {
			st.inflight = true
			states = append(states, st)
		}
	}
	// Most overdue first, so a long queue serves the longest waiting.
	slices.SortFunc(states, func(a, b *targetState) int {
		if c := a.next.Compare(b.next); c != 0 {
			return c
		}
		return strings.Compare(a.asg.Target.ID, b.asg.Target.ID)
	})
	due := make([]Assignment, len(states))
	for i, st := range states {
		due[i] = st.asg
	}
	return due
}

// wait returns how long Run sleeps: until the next due time, at least Tick.
func (s *Scheduler) wait(now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.opt.Refresh
	for _, st := range s.states {
		if !st.inflight {
			d = min(d, st.next.Sub(now))
		}
	}
	return max(d, s.opt.Tick)
}

func (s *Scheduler) jitter() time.Duration {
	if s.opt.Jitter <= 0 {
		return 0
	}
	return rand.N(s.opt.Jitter)
}

// cycle polls the given targets with bounded concurrency, updates their
// schedule and delivers one batch.
func (s *Scheduler) cycle(ctx context.Context, due []Assignment) (Batch, error) {
	ctx, span := startCycle(ctx, len(due))
	defer endCycle(span)
	b := Batch{Started: time.Now().UTC()}
	run := fmt.Sprintf("%012x", rand.Uint64()>>16) // the cycle's id in the log
	s.opt.Logger.Debug("snmp: poll cycle started", "run", run, "targets", len(due))
	outcomes := make([]Outcome, len(due))
	done := make([]bool, len(due))
	var wg sync.WaitGroup
launch:
	for i, a := range due {
		select {
		case <-ctx.Done():
			break launch
		case s.sem <- struct{}{}:
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-s.sem }()
			o, ok := s.pollOne(ctx, a)
			outcomes[i], done[i] = o, ok
		}()
	}
	wg.Wait()

	s.mu.Lock()
	for i, a := range due {
		st := s.states[a.Target.ID]
		if st == nil {
			continue
		}
		st.inflight = false
		if !done[i] {
			continue
		}
		o := &outcomes[i]
		if o.Err == nil {
			st.failures = 0
			st.next = o.Attempted.Add(s.interval(a.Target) + s.jitter())
		} else {
			st.failures++
			st.next = o.Attempted.Add(s.backoff(a.Target, st.failures) + s.jitter())
		}
		o.ConsecutiveFailures = st.failures
		o.NextPoll = st.next
	}
	s.mu.Unlock()

	for i := range due {
		if done[i] {
			b.Outcomes = append(b.Outcomes, outcomes[i])
		} else {
			b.Unfinished++
		}
	}
	err := s.deliver(ctx, &b, run)
	return b, err
}

// pollOne polls one target under the per-target deadline. ok is false when
// the poll was cut short by cancellation of ctx.
func (s *Scheduler) pollOne(ctx context.Context, a Assignment) (Outcome, bool) {
	pctx, cancel := context.WithTimeout(ctx, s.opt.Deadline)
	defer cancel()
	start := time.Now()
	res, err := Poll(pctx, s.opt.Secrets, a.Target, a.Profile)
	o := Outcome{Target: a.Target, Profile: a.Profile.Name, Result: res, Err: err,
		Attempted: start.UTC(), Duration: time.Since(start)}
	if err != nil && (ctx.Err() != nil || errors.Is(err, context.Canceled)) {
		return o, false
	}
	if s.opt.OnOutcome != nil {
		s.opt.OnOutcome(o)
	}
	return o, true
}

func (s *Scheduler) interval(t Target) time.Duration {
	if t.Interval > 0 {
		return t.Interval
	}
	return s.opt.Interval
}

func (s *Scheduler) backoff(t Target, failures int) time.Duration {
	d := s.interval(t)
	for i := 1; i < failures && d < s.opt.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.opt.MaxBackoff)
}

// deliver drops outcomes whose target left the source during the cycle
// and hands the rest to the sink, even during shutdown; run is the cycle's id
// in the log.
func (s *Scheduler) deliver(ctx context.Context, b *Batch, run string) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opt.FlushTimeout)
	defer cancel()
	if len(b.Outcomes) > 0 {
		current, err := s.src.Targets(wctx)
		if err != nil {
			s.opt.Logger.Warn("snmp: re-read poll targets before writing; writing the batch unchecked", "run", run, "err", err)
		} else {
			byID := make(map[string]Target, len(current))
			for _, a := range current {
				byID[a.Target.ID] = a.Target
			}
			kept := b.Outcomes[:0]
			for _, o := range b.Outcomes {
				t, ok := byID[o.Target.ID]
				if !ok || t.Host != o.Target.Host || t.Port != o.Target.Port {
					b.Dropped++
					continue
				}
				kept = append(kept, o)
			}
			b.Outcomes = kept
		}
	}
	b.Finished = time.Now().UTC()
	failed := 0
	for _, o := range b.Outcomes {
		if o.Err != nil {
			failed++
		}
	}
	s.opt.Logger.Info("snmp: poll cycle", "run", run, "polled", len(b.Outcomes), "failed", failed,
		"dropped", b.Dropped, "unfinished", b.Unfinished, "duration", b.Finished.Sub(b.Started))
	if len(b.Outcomes) == 0 {
		return nil
	}
	s.sinkMu.Lock()
	defer s.sinkMu.Unlock()
	if err := s.sink.WriteBatch(wctx, *b); err != nil {
		s.opt.Logger.Error("snmp: write poll results", "run", run, "err", err, "outcomes", len(b.Outcomes))
		return fmt.Errorf("write %d poll results: %w", len(b.Outcomes), err)
	}
	return nil
}
