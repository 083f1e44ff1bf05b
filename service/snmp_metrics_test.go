package service_test

import (
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/snmp"
)

// TestSNMPMetrics polls a real snmpd and a port that never answers: the
// polls are counted as ok and timeout (manual polls and the scheduler's),
// and the scrape-time collector sees the reachable, unreachable and never
// polled nodes and the age of the one successful poll.
func TestSNMPMetrics(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	silentHost, silentPort := testutil.SilentUDP(t)
	t.Setenv("UNET_SNMP_TEST_COMMUNITY", agent.Community)
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "default", Version: "2c", CommunityRef: "env:UNET_SNMP_TEST_COMMUNITY", Port: int(agent.Port), Timeout: "1s"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "silent", Version: "2c", CommunityRef: "env:UNET_SNMP_TEST_COMMUNITY", Port: int(silentPort), Timeout: "300ms"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "up", Vendor: "generic", MgmtIP: agent.Host, Lifecycle: "live"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "mute", Vendor: "generic", MgmtIP: silentHost, Lifecycle: "live", SNMPProfile: "silent"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "new", Vendor: "generic", MgmtIP: "192.0.2.10", Lifecycle: "live"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "planned", Vendor: "generic", MgmtIP: agent.Host}, unet.WriteOptions{})).v(t)

		polls := func(outcome string) float64 {
			return scrapedValue(t, "unet_snmp_polls_total", map[string]string{"outcome": outcome})
		}
		okBefore, timeoutBefore, errBefore := polls("ok"), polls("timeout"), polls("error")
		took := scrapedCount(t, "unet_snmp_poll_duration_seconds")

		ok(svc.PollNode(ctx, "up", "")).v(t)
		if _, err := svc.PollNode(ctx, "mute", ""); err == nil {
			t.Fatal("a poll of a silent agent succeeded")
		}
		if polls("ok")-okBefore != 1 || polls("timeout")-timeoutBefore != 1 || polls("error") != errBefore {
			t.Fatalf("manual polls: ok +%v timeout +%v error +%v", polls("ok")-okBefore, polls("timeout")-timeoutBefore, polls("error")-errBefore)
		}
		if n := scrapedCount(t, "unet_snmp_poll_duration_seconds"); n != took+2 {
			t.Fatalf("poll durations observed %d, want %d", n, took+2)
		}

		c, err := metrics.RegisterSNMPState(svc.SNMPNodeStates, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { metrics.Registry.Unregister(c) })
		nodes := func(state string) float64 {
			return scrapedValue(t, "unet_snmp_nodes", map[string]string{"state": state})
		}
		if nodes("reachable") != 1 || nodes("unreachable") != 1 || nodes("never_polled") != 1 {
			t.Fatalf("nodes: reachable %v unreachable %v never polled %v", nodes("reachable"), nodes("unreachable"), nodes("never_polled"))
		}
		age := scraped(t, "unet_snmp_last_success_age_seconds", map[string]string{})
		if !age.found || age.count != 1 || len(age.quantiles) != 3 {
			t.Fatalf("age summary: %+v", age)
		}
		for q, v := range age.quantiles {
			if v < 0 || v > 60 {
				t.Fatalf("quantile %v of the age of a poll just made: %v", q, v)
			}
		}

		// The scheduler's polls are counted as they finish.
		okBefore, timeoutBefore = polls("ok"), polls("timeout")
		sched := svc.NewPollScheduler(snmp.Options{Interval: time.Hour, Deadline: 3 * time.Second}, 0)
		b, err := sched.PollAll(ctx)
		if err != nil || len(b.Outcomes) != 3 {
			t.Fatalf("poll all: %d outcomes, %v", len(b.Outcomes), err)
		}
		if polls("ok")-okBefore != 1 || polls("timeout")-timeoutBefore < 1 {
			t.Fatalf("scheduled polls: ok +%v timeout +%v", polls("ok")-okBefore, polls("timeout")-timeoutBefore)
		}
	})
}
