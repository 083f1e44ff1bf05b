package service_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/snmp"
)

// TestPollOwnedPollsOnlyTheShare polls a real snmpd through a scheduler
// that owns one of two nodes; when ownership moves, so does the polling.
func TestPollOwnedPollsOnlyTheShare(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	t.Setenv("UNET_SNMP_TEST_COMMUNITY", agent.Community)
	svc := newService(t, "sqlite")
	ctx := actx()
	ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "default", Version: "2c", CommunityRef: "env:UNET_SNMP_TEST_COMMUNITY", Port: int(agent.Port), Timeout: "2s", Retries: 0}, unet.WriteOptions{})).v(t)
	a := ok(svc.CreateNode(ctx, &unet.Node{Name: "a", Vendor: "generic", MgmtIP: agent.Host, Lifecycle: "live"}, unet.WriteOptions{})).v(t)
	b := ok(svc.CreateNode(ctx, &unet.Node{Name: "b", Vendor: "generic", MgmtIP: agent.Host, Lifecycle: "live"}, unet.WriteOptions{})).v(t)

	var mine atomic.Value
	mine.Store(a.ID)
	owns := func(id string) bool { return id == mine.Load().(string) }
	sched := svc.NewPollScheduler(snmp.Options{Interval: time.Hour, Jitter: -1, Deadline: 5 * time.Second}, 0, service.PollOwned(owns, time.Hour))
	polled := func() []string {
		batch, err := sched.PollAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, o := range batch.Outcomes {
			if o.Err != nil {
				t.Fatalf("poll %s: %v", o.Target.Name, o.Err)
			}
			ids = append(ids, o.Target.ID)
		}
		return ids
	}
	if got := polled(); len(got) != 1 || got[0] != a.ID {
		t.Fatalf("polled %v, want only a (%s)", got, a.ID)
	}
	// Ownership moves: the next read of the targets follows it, without
	// reloading the inventory.
	mine.Store(b.ID)
	if got := polled(); len(got) != 1 || got[0] != b.ID {
		t.Fatalf("polled %v, want only b (%s)", got, b.ID)
	}
	if _, err := svc.GetNodeStatus(ctx, "a"); err != nil {
		t.Fatalf("a's poll was not stored: %v", err)
	}
	if _, err := svc.GetNodeStatus(ctx, "b"); err != nil {
		t.Fatalf("b's poll was not stored: %v", err)
	}
}
