package snmp

import (
	"context"
	"testing"
	"time"

	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/telemetry/otlptest"
)

func TestPollSpans(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	silentHost, silentPort := testutil.SilentUDP(t)
	profile := v2cProfile(t, agent.Community)
	rcv := otlptest.Enable(t)

	if _, err := Poll(context.Background(), testSecrets, agentTarget(agent), profile); err != nil {
		t.Fatalf("Poll: %v", err)
	}
	fast := profile
	fast.Timeout = 100 * time.Millisecond
	if _, err := Poll(context.Background(), testSecrets, Target{ID: "n2", Name: "silent", Host: silentHost, Port: silentPort}, fast); err == nil {
		t.Fatal("poll of a silent port succeeded")
	}
	want := []struct{ node, outcome string }{{"agent", "ok"}, {"silent", "timeout"}}
	var got []otlptest.Span
	err := rcv.WaitFor(10*time.Second, func(spans []otlptest.Span) bool {
		got = got[:0]
		for _, s := range spans {
			if s.Name == "snmp.poll" {
				got = append(got, s)
			}
		}
		return len(got) >= len(want)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		s := got[i]
		if s.Attributes["unet.node"] != w.node || s.Attributes["unet.snmp.outcome"] != w.outcome ||
			s.Attributes["unet.snmp.profile"] != profile.Name {
			t.Errorf("poll %d span attributes %v, want node %s outcome %s", i, s.Attributes, w.node, w.outcome)
		}
		if s.Error != (w.outcome != "ok") {
			t.Errorf("poll %d (%s): span failed = %v", i, w.outcome, s.Error)
		}
	}
}
