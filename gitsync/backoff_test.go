package gitsync

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/unet-dev/unet/internal/testutil"
)

func TestBackoffGrowsToCap(t *testing.T) {
	b := Backoff{Base: time.Second, Max: 30 * time.Second}
	want := []time.Duration{1, 2, 4, 8, 16, 30, 30}
	for i, w := range want {
		if got := b.Delay(i); got != w*time.Second {
			t.Fatalf("attempt %d: %v, want %v", i, got, w*time.Second)
		}
	}
	if got := b.Delay(10000); got != 30*time.Second {
		t.Fatalf("huge attempt: %v", got)
	}
	if got := b.Delay(-3); got != time.Second {
		t.Fatalf("negative attempt: %v", got)
	}
	if got := (Backoff{}).Delay(0); got != 10*time.Second {
		t.Fatalf("default base: %v", got)
	}
	if got := (Backoff{}).Delay(100); got != 10*time.Minute {
		t.Fatalf("default cap: %v", got)
	}
}

func TestBackoffJitterStaysInBounds(t *testing.T) {
	b := Backoff{Base: 10 * time.Second, Max: time.Minute, Jitter: 0.5}
	for range 200 {
		d := b.Delay(1) // nominal 20s
		if d < 10*time.Second || d > 30*time.Second {
			t.Fatalf("jittered delay %v outside 20s±50%%", d)
		}
		if d := b.Delay(20); d > time.Minute {
			t.Fatalf("jittered delay %v above the cap", d)
		}
	}
}

func TestRetryWithBackoffUntilRemoteIsBack(t *testing.T) {
	r, first := newRepo(t)
	port, err := testutil.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	s := newSyncer(t, nil)
	src := testSource("http://127.0.0.1:" + strconv.Itoa(port) + "/intent.git")
	b := Backoff{Base: time.Millisecond, Max: 4 * time.Millisecond}
	var delays []time.Duration
	for attempt := 0; ; attempt++ {
		if attempt == 2 {
			// The remote comes back (served where the source now points).
			src.URL = testutil.ServeGitHTTP(t, r.Root, "", "").RepoURL(r)
		}
		res, err := s.Sync(context.Background(), src, SyncOptions{Trigger: TriggerSchedule})
		if err == nil {
			if e := envResult(t, res, DefaultEnvironment); e.Outcome != OutcomeActivated || e.Commit != first {
				t.Fatalf("sync after recovery: %+v", e)
			}
			break
		}
		if !IsRetryable(err) || attempt > 5 {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
		st, _ := s.State(context.Background(), src.Name)
		if st.LastError == "" {
			t.Fatal("status does not show the error")
		}
		d := b.Delay(attempt)
		delays = append(delays, d)
		time.Sleep(d)
	}
	if len(delays) != 2 || delays[1] != 2*delays[0] {
		t.Fatalf("delays = %v", delays)
	}
	st, _ := s.State(context.Background(), src.Name)
	if st.LastError != "" || st.LastSuccess.IsZero() {
		t.Fatalf("state after recovery: %+v", st)
	}
	hist, _ := s.History(context.Background(), src.Name, 0)
	if len(hist) != 2 || hist[0].Outcome != OutcomeActivated || hist[1].Outcome != OutcomeFailed {
		t.Fatalf("history = %+v; want one failure (repeats not logged) then the activation", hist)
	}
}
