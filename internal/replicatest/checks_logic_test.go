package replicatest

import (
	"strings"
	"testing"
	"time"
)

// The checks of the replica test must catch what they are there for: a
// device polled twice in a cycle or not at all, and singleton job runs that
// overlap or come from a stale token.

func TestCheckOncePerCycle(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	at := func(secs ...float64) []time.Time {
		var out []time.Time
		for _, s := range secs {
			out = append(out, t0.Add(time.Duration(s*float64(time.Second))))
		}
		return out
	}
	const iv = 10 * time.Second
	from, to := t0.Add(20*time.Second), t0.Add(50*time.Second)
	for name, c := range map[string]struct {
		polls []time.Time
		want  string
	}{
		"once per cycle":       {at(1, 11.5, 22, 33, 43.2, 54), ""},
		"cycles with tick lag": {at(5, 19.9, 30, 44.8, 55), ""},
		"polled twice":         {at(2, 12, 22, 23.5, 33, 43, 53), "polled twice 1.5s apart"},
		"a cycle missed":       {at(2, 12, 22, 45, 55), "not polled for 23s"},
		"never polled":         {nil, "polled 0 times"},
		"stopped early":        {at(2, 12, 22), "polled 1 times"},
	} {
		polls := map[string][]time.Time{"d1": c.polls}
		got := strings.Join(checkOncePerCycle(polls, []string{"d1"}, from, to, iv), "\n")
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", name, got, c.want)
		}
	}
}

func TestCheckJobRuns(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	s := func(secs float64) time.Time { return t0.Add(time.Duration(secs * float64(time.Second))) }
	now := s(100)
	killed := map[string]time.Time{"a": s(30)}
	for name, c := range map[string]struct {
		runs []jobRun
		want string
	}{
		"hand-over after a kill": {[]jobRun{
			{Job: "evaluate", Member: "a", Token: 1, Started: s(1), Finished: s(2)},
			{Job: "evaluate", Member: "a", Token: 1, Started: s(29)},
			{Job: "evaluate", Member: "b", Token: 2, Started: s(34), Finished: s(35)},
			{Job: "git-sync", Member: "b", Token: 2, Started: s(34)},
		}, ""},
		"dead leader's run overlaps": {[]jobRun{
			{Job: "evaluate", Member: "a", Token: 1, Started: s(29)},
			{Job: "evaluate", Member: "b", Token: 2, Started: s(29.5)},
		}, "overlap"},
		"deposed leader still running": {[]jobRun{
			{Job: "evaluate", Member: "c", Token: 1, Started: s(10)},
			{Job: "evaluate", Member: "b", Token: 2, Started: s(40)},
		}, "overlap"},
		"deposed leader finished late": {[]jobRun{
			{Job: "evaluate", Member: "c", Token: 1, Started: s(10), Finished: s(41)},
			{Job: "evaluate", Member: "b", Token: 2, Started: s(40), Finished: s(42)},
		}, "overlap"},
		"stale token starts a run": {[]jobRun{
			{Job: "evaluate", Member: "b", Token: 2, Started: s(40), Finished: s(41)},
			{Job: "evaluate", Member: "c", Token: 1, Started: s(45), Finished: s(46)},
		}, "stale token"},
		"one token, two members": {[]jobRun{
			{Job: "evaluate", Member: "b", Token: 2, Started: s(40), Finished: s(41)},
			{Job: "outbox", Member: "c", Token: 2, Started: s(45), Finished: s(46)},
		}, "used by two members"},
	} {
		got := strings.Join(checkJobRuns(c.runs, killed, now), "\n")
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", name, got, c.want)
		}
	}
}
