package gitsync

import (
	"context"
	"testing"
	"time"

	"github.com/unet-dev/unet/telemetry/otlptest"
)

func TestSyncSpans(t *testing.T) {
	rcv := otlptest.Enable(t)
	r, _ := newRepo(t)
	s := newSyncer(t, nil)
	src := testSource(r.URL())
	mustSync(t, s, src)
	mustSync(t, s, src)
	r.Commit("main", "broken rule", map[string]string{"site/ams.rules": "WHEN INVALID\n"})
	mustSync(t, s, src)
	gone := Source{Name: "gone", URL: "http://127.0.0.1:1/nothing.git", Branch: "main", Kind: KindPolicies}
	if _, err := s.Sync(context.Background(), gone, SyncOptions{Trigger: TriggerSchedule}); err == nil {
		t.Fatal("sync of an unreachable remote succeeded")
	}
	want := []struct{ source, outcome string }{
		{"policies", "activated"}, {"policies", "unchanged"}, {"policies", "rejected"}, {"gone", "error"},
	}
	var got []otlptest.Span
	err := rcv.WaitFor(10*time.Second, func(spans []otlptest.Span) bool {
		got = got[:0]
		for _, sp := range spans {
			if sp.Name == "git.sync" {
				got = append(got, sp)
			}
		}
		return len(got) >= len(want)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		sp := got[i]
		if sp.Attributes["unet.git.source"] != w.source || sp.Attributes["unet.git.outcome"] != w.outcome {
			t.Errorf("sync %d span attributes %v, want source %s outcome %s", i, sp.Attributes, w.source, w.outcome)
		}
		if sp.ParentSpanID != "" {
			t.Errorf("sync %d: a sync outside any request is not a root span", i)
		}
		if sp.Error != (w.outcome == "error") {
			t.Errorf("sync %d (%s): span failed = %v", i, w.outcome, sp.Error)
		}
	}
	if got[3].Attributes["unet.git.trigger"] != "schedule" {
		t.Errorf("trigger %q, want schedule", got[3].Attributes["unet.git.trigger"])
	}
}
