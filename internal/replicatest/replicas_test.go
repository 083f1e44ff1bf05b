package replicatest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// The timing of the replica test: short intervals so that a few poll cycles
// and a lease expiry fit in well under two minutes.
const (
	testDevices   = 200
	testInterval  = 8 * time.Second
	testHeartbeat = time.Second
	testLeaseTTL  = 3 * time.Second
)

// TestReplicasShareWorkAndSurviveKills runs three `unet serve` processes on
// one PostgreSQL database behind HAProxy with 200 simulated SNMP devices, and
// checks the acceptance of scale-out: every device is polled exactly once per
// cycle, a killed leader's lease passes to another replica within the lease
// TTL (plus a heartbeat) under a larger fencing token and no singleton job
// runs twice, and every write acknowledged through HAProxy while replicas are
// killed and started again is there afterwards.
func TestReplicasShareWorkAndSurviveKills(t *testing.T) {
	f := newFleet(t, fleetOptions{replicas: 3, devices: testDevices, snmpInterval: testInterval,
		heartbeat: testHeartbeat, leaseTTL: testLeaseTTL, evalInterval: 2 * time.Second})

	f.checkPollsOncePerCycle(t)
	f.checkLeaderFailover(t)
	f.checkWritesSurviveKills(t)

	runs, err := readJobRuns(f.db)
	if err != nil {
		t.Fatalf("read cluster_job_runs: %v", err)
	}
	if len(runs) == 0 {
		t.Fatal("cluster_job_runs is empty: no singleton job run was recorded")
	}
	tokens := map[int64]bool{}
	for _, r := range runs {
		tokens[r.Token] = true
	}
	t.Logf("%d singleton job runs under %d fencing tokens", len(runs), len(tokens))
	if problems := checkJobRuns(runs, f.killedAt(), time.Now()); len(problems) > 0 {
		t.Errorf("singleton jobs ran twice:\n%s", strings.Join(first(problems, 20), "\n"))
	}
}

// checkPollsOncePerCycle waits until the three members are live and their
// shares add up to every device, lets ownership settle for two intervals,
// then checks the stored poll rows of the next three cycles.
func (f *fleet) checkPollsOncePerCycle(t *testing.T) {
	t.Helper()
	waitFor(t, 20*time.Second, "three live members sharing every device", func() (bool, string) {
		st, err := f.clusterStatus(f.lb)
		if err != nil {
			return false, err.Error()
		}
		live, share := 0, 0
		for _, m := range st.Members {
			if m.Live {
				live++
				share += m.Share
			}
		}
		return live == 3 && share == testDevices && st.Leader != "",
			fmt.Sprintf("%d live members, shares adding up to %d, leader %q", live, share, st.Leader)
	})
	st, err := f.clusterStatus(f.lb)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range st.Members {
		if m.Live && m.Share == 0 {
			t.Errorf("live member %s polls no device: %+v", m.ID, st.Members)
		}
	}
	from := time.Now().Add(2 * testInterval)
	to := from.Add(3 * testInterval)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last poll of the nodes:\n%s", pollErrors(f.db))
		}
	})
	// The window is complete once every device has a poll after it.
	within := time.Until(to) + 3*testInterval
	complete, last := eventually(within, func() (bool, string) {
		if time.Now().Before(to) {
			return false, "window still open"
		}
		polls, err := readPolls(f.db)
		if err != nil {
			return false, err.Error()
		}
		missing := 0
		for _, id := range f.devices {
			ts := polls[id]
			if len(ts) == 0 || !ts[len(ts)-1].After(to) {
				missing++
			}
		}
		return missing == 0, fmt.Sprintf("%d devices not polled after the window yet", missing)
	})
	polls, err := readPolls(f.db)
	if err != nil {
		t.Fatal(err)
	}
	problems := checkOncePerCycle(polls, f.devices, from, to, testInterval)
	if !complete {
		problems = append([]string{fmt.Sprintf("not every device was polled within %s after the window: %s", within.Round(time.Second), last)}, problems...)
	}
	if len(problems) > 0 {
		t.Fatalf("devices not polled exactly once per cycle (%d problems):\n%s", len(problems), strings.Join(first(problems, 20), "\n"))
	}
	rows := 0
	for _, id := range f.devices {
		rows += len(polls[id])
	}
	t.Logf("%d devices polled once per %s cycle from %s to %s (%d poll rows in all)", len(f.devices), testInterval,
		from.Format(time.TimeOnly), to.Format(time.TimeOnly), rows)
}

// checkLeaderFailover kills the leader (found through HAProxy) with kill -9
// and waits for another replica to hold the lease under a larger token and
// run the singleton jobs; then starts the killed replica again.
func (f *fleet) checkLeaderFailover(t *testing.T) {
	t.Helper()
	st, err := f.clusterStatus(f.lb)
	if err != nil {
		t.Fatal(err)
	}
	leader := f.bySelf(st.Leader)
	if leader == nil {
		t.Fatalf("the leader %q is none of the replicas", st.Leader)
	}
	oldLeader, oldToken := st.Leader, st.LeaseToken
	killedAt := f.kill(leader)
	var took time.Duration
	var newToken int64
	waitFor(t, 30*time.Second, "another replica holds the lease", func() (bool, string) {
		st, err := f.clusterStatus(f.lb)
		if err != nil {
			return false, err.Error()
		}
		if st.Leader == "" || st.Leader == oldLeader {
			return false, fmt.Sprintf("leader %q, token %d", st.Leader, st.LeaseToken)
		}
		took, newToken = time.Since(killedAt), st.LeaseToken
		if f.bySelf(st.Leader) == nil {
			t.Fatalf("the new leader %q is none of the running replicas", st.Leader)
		}
		return true, ""
	})
	t.Logf("leader %s (token %d) killed; another replica held the lease under token %d after %s",
		oldLeader, oldToken, newToken, took.Round(time.Millisecond))
	if newToken <= oldToken {
		t.Errorf("the new lease token %d is not larger than the killed leader's %d", newToken, oldToken)
	}
	// The lease expires at most one TTL after the leader's last renewal; a
	// candidate notices within a heartbeat. The margin covers the 50ms
	// polling of the status through HAProxy on a busy machine.
	if limit := testLeaseTTL + testHeartbeat + time.Second; took > limit {
		t.Errorf("the lease passed after %s, more than the lease TTL %s plus a heartbeat %s (with a margin of 1s)",
			took.Round(time.Millisecond), testLeaseTTL, testHeartbeat)
	}
	waitFor(t, 20*time.Second, "a singleton job run under the new token", func() (bool, string) {
		runs, err := readJobRuns(f.db)
		if err != nil {
			return false, err.Error()
		}
		for _, r := range runs {
			if r.Token == newToken {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d runs, none under token %d", len(runs), newToken)
	})
	f.start(leader)
	f.waitReady(leader)
}

// checkWritesSurviveKills sends writes through HAProxy from two writers
// while each replica in turn, then two at once, is killed with kill -9 and
// started again; then reads back every acknowledged write.
func (f *fleet) checkWritesSurviveKills(t *testing.T) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	writers := []*writer{newWriter(f.api, "wa"), newWriter(f.api, "wb")}
	var wg sync.WaitGroup
	for _, w := range writers {
		wg.Add(1)
		go func() { defer wg.Done(); w.run(ctx) }()
	}
	stopped := false
	halt := func() {
		if !stopped {
			stopped = true
			stop()
			wg.Wait()
		}
	}
	t.Cleanup(halt)
	acked := func() int64 {
		var n int64
		for _, w := range writers {
			n += w.acked.Load()
		}
		return n
	}
	// progress waits until n more writes were acknowledged.
	progress := func(what string, n int64) {
		base := acked()
		waitFor(t, 30*time.Second, fmt.Sprintf("%d writes acknowledged %s", n, what), func() (bool, string) {
			got := acked() - base
			return got >= n, fmt.Sprintf("%d acknowledged", got)
		})
	}
	progress("before any kill", 20)
	for _, r := range f.replicas {
		f.kill(r)
		progress(fmt.Sprintf("with replica %d killed", r.index), 20)
		f.start(r)
		f.waitReady(r)
		progress(fmt.Sprintf("after replica %d started again", r.index), 20)
	}
	a, b := f.replicas[0], f.replicas[1]
	f.kill(a)
	f.kill(b)
	progress("with replicas 0 and 1 killed", 20)
	f.start(a)
	f.start(b)
	f.waitReady(a)
	f.waitReady(b)
	progress("after replicas 0 and 1 started again", 20)
	halt()

	var failed int64
	var problems, errs []string
	vctx := context.Background()
	for _, w := range writers {
		failed += w.failed.Load()
		problems = append(problems, w.verify(vctx)...)
		errs = append(errs, w.lastErrs...)
	}
	t.Logf("%d writes acknowledged, %d not (last errors: %s)", acked(), failed, strings.Join(errs, "; "))
	if len(problems) > 0 {
		t.Fatalf("acknowledged writes lost (%d):\n%s", len(problems), strings.Join(first(problems, 20), "\n"))
	}
}

// first returns at most n lines of lines, saying how many were left out.
func first(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	return append(lines[:n:n], fmt.Sprintf("… and %d more", len(lines)-n))
}
