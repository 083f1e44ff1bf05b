package cluster_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/cluster"
	"github.com/unet-dev/unet/sqlstore"
)

// fencedWrite writes a setting in a transaction carrying f.
func fencedWrite(ctx context.Context, db *sqlstore.DB, f unet.Fence, value string) error {
	return db.WithTx(unet.WithFence(ctx, f), func(tx *sqlstore.Tx) error {
		return tx.PutSetting(ctx, "cluster_test", value, time.Now())
	})
}

func TestExactlyOneLeaderAndFailover(t *testing.T) {
	engines(t, func(t *testing.T, url string) {
		ctx := context.Background()
		rs := []*replica{start(t, url, "a"), start(t, url, "b"), start(t, url, "c")}
		old, oldToken := theLeader(t, rs, 3*ttl)

		// Never two at once while the lease is renewed, several heartbeats long.
		for i := 0; i < 20; i++ {
			if ls := leaders(rs); len(ls) > 1 {
				t.Fatalf("two leaders at once: %v", ls)
			}
			time.Sleep(beat / 3)
		}
		if tok, ok := old.c.Leading(); !ok || tok != oldToken {
			t.Fatalf("the leader changed without a failure: %v %d", ok, tok)
		}
		oldFence := unet.Fence{Lease: cluster.LeaderLease, Token: oldToken}
		if err := fencedWrite(ctx, old.db, oldFence, "by the leader"); err != nil {
			t.Fatalf("the leader's fenced write: %v", err)
		}

		// The leader dies: no more heartbeats, no release.
		killed := time.Now()
		old.kill()
		var rest []*replica
		for _, r := range rs {
			if r != old {
				rest = append(rest, r)
			}
		}
		// Its jobs stop before its lease has expired in the database.
		eventually(t, ttl, "the dead leader's term ends", func() bool { _, ok := old.c.Leading(); return !ok })
		next, nextToken := theLeader(t, rest, ttl+2*beat)
		if took := time.Since(killed); took > ttl+2*beat {
			t.Fatalf("took over after %s (TTL %s)", took, ttl)
		}
		if nextToken <= oldToken {
			t.Fatalf("new token %d is not larger than %d", nextToken, oldToken)
		}
		// The old fence is refused, naming the lease and both tokens.
		err := fencedWrite(ctx, old.db, oldFence, "by the dead leader")
		if unet.ErrorCode(err) != unet.ECONFLICT {
			t.Fatalf("stale fenced write: want conflict, got %v", err)
		}
		for _, want := range []string{`"leader"`, fmt.Sprint(oldToken), fmt.Sprint(nextToken)} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %s", err, want)
			}
		}
		if err := fencedWrite(ctx, next.db, unet.Fence{Lease: cluster.LeaderLease, Token: nextToken}, "by the new leader"); err != nil {
			t.Fatalf("the new leader's fenced write: %v", err)
		}
		v, _, err := next.db.Reader().Setting(ctx, "cluster_test")
		if err != nil || v != "by the new leader" {
			t.Fatalf("setting: %q %v", v, err)
		}
	})
}

func TestLeaveHandsOverAtOnce(t *testing.T) {
	engines(t, func(t *testing.T, url string) {
		ctx := context.Background()
		rs := []*replica{start(t, url, "a"), start(t, url, "b")}
		old, oldToken := theLeader(t, rs, 3*ttl)
		left := time.Now()
		if err := old.c.Leave(ctx); err != nil {
			t.Fatalf("leave: %v", err)
		}
		if _, ok := old.c.Leading(); ok {
			t.Fatal("still leading after Leave")
		}
		var other *replica
		for _, r := range rs {
			if r != old {
				other = r
			}
		}
		// The successor does not wait for the TTL: its next heartbeat takes it.
		_, tok := theLeader(t, []*replica{other}, 3*beat)
		if took := time.Since(left); took >= ttl {
			t.Fatalf("took over after %s, not before the TTL %s", took, ttl)
		}
		if tok != oldToken+1 {
			t.Fatalf("token %d after a release of %d", tok, oldToken)
		}
		st, err := other.c.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Members) != 1 || st.Members[0].ID != other.c.Self() || !st.Members[0].Leader || st.Leader != other.c.Self() {
			t.Fatalf("status after leave: %+v", st)
		}
	})
}

func TestFenceOfALeaseNeverTaken(t *testing.T) {
	engines(t, func(t *testing.T, url string) {
		db := open(t, url)
		err := fencedWrite(context.Background(), db, unet.Fence{Lease: "nobody", Token: 1}, "x")
		if unet.ErrorCode(err) != unet.ECONFLICT || !strings.Contains(err.Error(), `"nobody"`) {
			t.Fatalf("want a conflict naming the lease, got %v", err)
		}
	})
}

// TestJobRunsNeverOverlap runs one singleton job on three members while
// leaders die one after the other: the recorded runs have strictly
// increasing tokens, each ended before the next began, and every write the
// job made carried the token of a run that was current.
func TestJobRunsNeverOverlap(t *testing.T) {
	engines(t, func(t *testing.T, url string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rs := []*replica{start(t, url, "a"), start(t, url, "b"), start(t, url, "c")}
		var wg sync.WaitGroup
		var mu sync.Mutex
		refused := 0
		for _, r := range rs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.c.RunAsLeader(ctx, "tick", func(ctx context.Context) {
					f, _ := unet.FenceFrom(ctx)
					for i := 0; ctx.Err() == nil; i++ {
						err := fencedWrite(ctx, r.db, f, fmt.Sprintf("%s/%d/%d", r.c.Self(), f.Token, i))
						if unet.ErrorCode(err) == unet.ECONFLICT {
							mu.Lock()
							refused++
							mu.Unlock()
						}
						select {
						case <-ctx.Done():
						case <-time.After(20 * time.Millisecond):
						}
					}
				})
			}()
		}
		alive := rs
		for round := 0; round < 2; round++ {
			l, _ := theLeader(t, alive, ttl+3*beat)
			// Let it run a little, then kill it.
			runsOf(t, l.db, 1+round, 2*ttl)
			l.kill()
			var rest []*replica
			for _, r := range alive {
				if r != l {
					rest = append(rest, r)
				}
			}
			alive = rest
		}
		theLeader(t, alive, ttl+3*beat)
		runsOf(t, alive[0].db, 3, 2*ttl)
		cancel()
		wg.Wait()
		runs := runsOf(t, alive[0].db, 3, 0)
		for i, r := range runs {
			if r.Job != "tick" || r.Finished.IsZero() {
				t.Fatalf("run %d not finished: %+v", i, r)
			}
			if i == 0 {
				continue
			}
			prev := runs[i-1]
			if r.Token <= prev.Token {
				t.Fatalf("run %d token %d after %d", i, r.Token, prev.Token)
			}
			if r.Started.Before(prev.Finished) {
				t.Fatalf("runs overlap: %+v started before %+v finished", r, prev)
			}
			if prev.Outcome != cluster.OutcomeLeaseLost {
				t.Errorf("run %d of a killed leader: outcome %q", i-1, prev.Outcome)
			}
		}
		t.Logf("%d runs; %d fenced writes refused", len(runs), refused)
	})
}

// runsOf waits until at least n job runs are recorded and returns them.
func runsOf(t *testing.T, db *sqlstore.DB, n int, within time.Duration) []sqlstore.JobRun {
	t.Helper()
	var runs []sqlstore.JobRun
	eventually(t, within, fmt.Sprintf("%d job runs recorded", n), func() bool {
		var err error
		runs, err = db.Reader().JobRuns(context.Background(), "tick")
		if err != nil {
			t.Fatal(err)
		}
		return len(runs) >= n
	})
	return runs
}
