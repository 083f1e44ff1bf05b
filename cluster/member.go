package cluster

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/unet-dev/unet/sqlstore"
)

// DBCoordinator coordinates through the database: it writes a heartbeat, keeps the
// list of live members for Owns and takes or renews the leader lease every
// Heartbeat. Start it, hand it to the jobs, and Leave on a graceful
// shutdown.
type DBCoordinator struct {
	db   *sqlstore.DB
	opts Options
	self sqlstore.ClusterMember

	mu       sync.Mutex
	term     *term         // the current leadership term; nil when not leading
	changed  chan struct{} // closed (and replaced) when term changes
	live     []string      // sorted IDs of the live members at the last heartbeat
	lastBeat time.Time     // when this member's last heartbeat was written
	// watch is when the lease another member holds expires (zero when
	// this member leads or nobody does); used by the heartbeat loop only.
	watch    time.Time
	loopStop context.CancelFunc
	loopDone chan struct{}
	left     bool
}

// term is one period of leadership under one token.
type term struct {
	token  int64
	ctx    context.Context
	cancel context.CancelFunc
	timer  *time.Timer // ends the term when the lease could not be renewed in time
}

var _ Coordinator = (*DBCoordinator)(nil)

// New returns a coordinator over db (migrated to the cluster tables). It
// does nothing until Start.
func New(db *sqlstore.DB, o Options) (*DBCoordinator, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	if o.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return nil, err
		}
		o.ID = id.String()
	}
	now := time.Now().UTC()
	return &DBCoordinator{
		db:   db,
		opts: o,
		self: sqlstore.ClusterMember{ID: o.ID, Address: o.Address, Version: o.Version, StartedAt: now,
			Heartbeat: o.Heartbeat, LeaseTTL: o.LeaseTTL},
		changed: make(chan struct{}),
	}, nil
}

// Self is this member's ID.
func (c *DBCoordinator) Self() string { return c.opts.ID }

// Start writes the first heartbeat and tries the lease at once, then keeps
// doing so every Heartbeat until ctx ends or Leave. Canceling ctx stops the
// heartbeats without releasing anything (as if the process had died: the
// others take over once the TTL has passed). The error of the first
// heartbeat is returned; the loop runs anyway and retries.
func (c *DBCoordinator) Start(ctx context.Context) error {
	c.mu.Lock()
	if c.loopDone != nil {
		c.mu.Unlock()
		return errors.New("cluster member already started")
	}
	ctx, stop := context.WithCancel(ctx)
	c.loopStop, c.loopDone = stop, make(chan struct{})
	c.mu.Unlock()
	err := c.beat(ctx)
	go c.loop(ctx)
	return err
}

func (c *DBCoordinator) loop(ctx context.Context) {
	defer close(c.loopDone)
	t := time.NewTimer(c.nextBeat(time.Now()))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			start := time.Now()
			if err := c.beat(ctx); err != nil && ctx.Err() == nil {
				c.opts.Logger.Warn("cluster heartbeat failed", slog.String("member", c.opts.ID), slog.Any("error", err))
			}
			t.Reset(c.nextBeat(start))
		}
	}
}

// expiryMargin is how long after another member's lease expires this one
// tries to take it.
const expiryMargin = 5 * time.Millisecond

// nextBeat is how long to wait for the beat after the one that started at
// last: one Heartbeat, or less when the lease another member holds expires
// sooner, so that a dead leader is replaced as soon as its lease ends
// rather than up to a heartbeat later.
func (c *DBCoordinator) nextBeat(last time.Time) time.Duration {
	next := last.Add(c.opts.Heartbeat)
	if w := c.watch; !w.IsZero() && w.Add(expiryMargin).Before(next) {
		next = w.Add(expiryMargin)
	}
	return max(time.Until(next), 0)
}

// beat is one heartbeat: write ours, read the members, take or renew the
// lease.
func (c *DBCoordinator) beat(ctx context.Context) error {
	start := time.Now().UTC()
	if err := c.db.ClusterHeartbeat(ctx, c.self, start); err != nil {
		return err
	}
	members, err := c.db.Reader().ClusterMembers(ctx)
	if err != nil {
		return err
	}
	live, dead := liveMembers(members, time.Now().UTC())
	c.mu.Lock()
	c.live, c.lastBeat = live, start
	held := int64(0)
	if c.term != nil {
		held = c.term.token
	}
	c.mu.Unlock()

	// The lease's expiry is counted from before the attempt, so this
	// member's idea of its deadline is never later than the others'.
	attempt := time.Now().UTC()
	lease, got, err := c.db.AcquireLease(ctx, LeaderLease, c.opts.ID, held, attempt, c.opts.LeaseTTL)
	if err != nil {
		// The term (if any) ends on its own timer unless a renewal succeeds.
		return err
	}
	if got {
		c.lead(lease.Token, attempt.Add(c.opts.LeaseTTL-c.opts.safety()))
		if dead > 0 {
			// Long-dead members (a restarted process is a new one) are
			// removed by the leader.
			if err := c.db.PruneClusterMembers(ctx, attempt.Add(-pruneAfter)); err != nil {
				c.opts.Logger.Warn("prune cluster members", slog.Any("error", err))
			}
		}
		c.watch = time.Time{}
	} else {
		c.follow()
		c.watch = time.Time{}
		if lease.Live(time.Now()) {
			c.watch = lease.Expires
		}
	}
	if c.opts.Observe != nil {
		c.opts.Observe(Observation{Live: len(live), Dead: dead, Leading: got, Token: lease.Token})
	}
	return nil
}

// pruneAfter is how long a dead member stays listed (as dead) before the
// leader removes it.
const pruneAfter = time.Hour

// liveMembers returns the sorted IDs of the members whose heartbeat is
// younger than their lease TTL, and how many are not.
func liveMembers(ms []sqlstore.ClusterMember, now time.Time) (live []string, dead int) {
	for _, m := range ms {
		if m.Live(now) {
			live = append(live, m.ID)
		} else {
			dead++
		}
	}
	sort.Strings(live)
	return live, dead
}

// lead starts or extends the term of token until deadline.
func (c *DBCoordinator) lead(token int64, deadline time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.left {
		return
	}
	if c.term != nil && c.term.token == token {
		c.term.timer.Reset(time.Until(deadline))
		return
	}
	c.endTermLocked("a new token")
	ctx, cancel := context.WithCancel(context.Background())
	t := &term{token: token, ctx: ctx, cancel: cancel}
	t.timer = time.AfterFunc(time.Until(deadline), func() { c.expire(t) })
	c.term = t
	c.notifyLocked()
	c.opts.Logger.Info("cluster leader lease taken", slog.String("member", c.opts.ID), slog.Int64("token", token))
}

// follow ends the term: another member has the lease.
func (c *DBCoordinator) follow() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endTermLocked("another member holds the lease")
}

// expire ends t when it is still the term: the lease could not be renewed
// before its deadline.
func (c *DBCoordinator) expire(t *term) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.term == t {
		c.endTermLocked("the lease could not be renewed in time")
	}
}

func (c *DBCoordinator) endTermLocked(why string) {
	if c.term == nil {
		return
	}
	c.term.timer.Stop()
	c.term.cancel()
	c.opts.Logger.Info("cluster leader lease lost", slog.String("member", c.opts.ID), slog.Int64("token", c.term.token), slog.String("reason", why))
	c.term = nil
	c.notifyLocked()
}

func (c *DBCoordinator) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Leading returns the fencing token while this member holds the lease.
func (c *DBCoordinator) Leading() (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.term == nil {
		return 0, false
	}
	return c.term.token, true
}

// current returns the current term (nil when not leading) and the channel
// closed at its next change.
func (c *DBCoordinator) current() (*term, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.term, c.changed
}

// Owns reports whether key falls to this member among the live members of
// the last heartbeat. A member whose own heartbeat is older than the TTL
// owns nothing: the others already count it as dead.
func (c *DBCoordinator) Owns(key string) bool {
	c.mu.Lock()
	live, last := c.live, c.lastBeat
	c.mu.Unlock()
	if last.IsZero() || time.Since(last) >= c.opts.LeaseTTL {
		return false
	}
	return Owner(key, live) == c.opts.ID
}

// Leave ends membership gracefully: the heartbeats stop, the leader's jobs
// are told to stop, the lease is released and the member row deleted, so
// that a successor takes over at once. Stop the jobs that run through
// RunAsLeader first, so that their last writes land before the release.
func (c *DBCoordinator) Leave(ctx context.Context) error {
	c.mu.Lock()
	stop, done := c.loopStop, c.loopDone
	c.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	c.mu.Lock()
	c.left = true
	token := int64(0)
	if c.term != nil {
		token = c.term.token
	}
	c.endTermLocked("the member is leaving")
	c.live = nil
	c.mu.Unlock()
	var errs []error
	if token != 0 {
		errs = append(errs, c.db.ReleaseLease(ctx, LeaderLease, c.opts.ID, token))
	}
	errs = append(errs, c.db.DeleteClusterMember(ctx, c.opts.ID))
	return errors.Join(errs...)
}
