package cli

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/internal/testutil"
)

func scheduleRule(id string) string {
	return "RULE \"" + id + "\" SEVERITY low\nWHEN node.lifecycle == \"live\"\nTHEN ASSERT node.role IS NOT NULL\n"
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestGitScheduleSyncsRetriesAndStops runs the server's Git schedule over a
// real repository: a source with an interval is synced at once and again
// after the interval (a new commit is activated with trigger schedule), a
// source added while the schedule runs is picked up, an unreachable remote is
// retried with backoff well before its interval, a source without an
// interval is left alone, and cancelling stops everything.
func TestGitScheduleSyncsRetriesAndStops(t *testing.T) {
	ctx := context.Background()
	svc := newLocalService(t)
	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "baseline", map[string]string{"base.rules": scheduleRule("base")})
	add := func(src unet.GitSource) {
		t.Helper()
		src.Kind = unet.GitKindPolicies
		if _, err := svc.AddGitSource(ctx, &src, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	add(unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Interval: "1s"})
	add(unet.GitSource{Name: "manual", URL: repo.URL(), Branch: "main"})
	status := func(name string) unet.GitStatus {
		t.Helper()
		sts, err := svc.GitStatus(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return sts[0]
	}

	jobs, stop := context.WithCancel(ctx)
	defer stop()
	wait := startGitSchedule(jobs, svc, gitScheduleOptions{Refresh: 50 * time.Millisecond,
		Backoff: gitsync.Backoff{Base: 50 * time.Millisecond, Max: 200 * time.Millisecond}}, nil)

	eventually(t, "the first scheduled sync", func() bool { return status("net").ActiveCommit == c1 })
	c2 := repo.Commit("main", "second", map[string]string{"second.rules": scheduleRule("second")})
	// The state is saved before the history entry is appended: wait for both.
	eventually(t, "the next scheduled sync", func() bool {
		l, err := svc.GitLog(ctx, "net", 0)
		return err == nil && len(l) == 2 && status("net").ActiveCommit == c2
	})
	log, err := svc.GitLog(ctx, "net", 0)
	if err != nil || len(log) != 2 || log[0].Commit != c2 || log[0].Trigger != string(gitsync.TriggerSchedule) {
		t.Fatalf("history: %v %+v", err, log)
	}

	// Added while running, unreachable, with a long interval: retried with
	// backoff, the status shows the error.
	add(unet.GitSource{Name: "down", URL: "http://" + closedPort(t) + "/net.git", Branch: "main", Interval: "1h"})
	attempts := map[time.Time]bool{}
	eventually(t, "three attempts of the unreachable source", func() bool {
		if st := status("down"); st.LastAttempt != nil {
			attempts[*st.LastAttempt] = true
		}
		return len(attempts) >= 3
	})
	if st := status("down"); st.LastError == "" || st.LastSuccess != nil {
		t.Fatalf("status of the unreachable source: %+v", st)
	}
	if st := status("manual"); st.LastAttempt != nil {
		t.Fatalf("a source without an interval was synced: %+v", st)
	}

	stop()
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the schedule did not stop")
	}
	before := status("net").LastAttempt
	time.Sleep(1500 * time.Millisecond)
	if after := status("net").LastAttempt; !after.Equal(*before) {
		t.Fatalf("a sync ran after the schedule stopped: %v, then %v", before, after)
	}
}

// TestGitJobsStartAndStop starts the server's Git schedule with its defaults
// over a database with one scheduled source: it syncs the source at once and
// stops when its context is cancelled.
func TestGitJobsStartAndStop(t *testing.T) {
	ctx := context.Background()
	svc := newLocalService(t)
	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "baseline", map[string]string{"base.rules": scheduleRule("base")})
	if _, err := svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Kind: unet.GitKindPolicies, Interval: "5m"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	jobs, stop := context.WithCancel(ctx)
	wait := startGitJobs(jobs, svc, nil)
	eventually(t, "the first scheduled sync", func() bool {
		sts, err := svc.GitStatus(ctx, "net")
		return err == nil && sts[0].ActiveCommit == c1
	})
	stop()
	wait()
}
