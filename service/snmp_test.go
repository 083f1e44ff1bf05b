package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/snmp"
)

// TestPollNodeStoresDerivedState polls a real snmpd and checks what is stored
// and what policies and the drift view see, on both engines.
func TestPollNodeStoresDerivedState(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	t.Setenv("UNET_SNMP_TEST_COMMUNITY", agent.Community)
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		ok(svc.CreateLocation(ctx, &unet.Location{Name: "Lab", Type: "site", SNMPProfile: "lab"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "agent", Vendor: "generic", MgmtIP: agent.Host, LocationID: "Lab", Lifecycle: "live", SoftwareVersion: "1.0"}, unet.WriteOptions{})).v(t)
		// Bad profiles are refused with field errors.
		_, err := svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "bad", Version: "3", User: "u", AuthProto: "rot13"}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "bad", Version: "2c", CommunityRef: "plaintext-secret"}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "lab", Version: "2c", CommunityRef: "env:UNET_SNMP_TEST_COMMUNITY", Port: int(agent.Port), Timeout: "1s"}, unet.WriteOptions{})).v(t)
		// The node inherits the profile of its location.
		st := ok(svc.PollNode(ctx, "agent", "")).v(t)
		if !st.Reachable || st.Profile != "lab" || st.System.Name != "unet-test-agent" || st.System.Location != "Loopback Lab, Rack 1" || st.LastSuccess == nil {
			t.Fatalf("status: %+v", st)
		}
		ifs := ok(svc.ListNodeInterfaces(ctx, "agent")).v(t)
		if len(ifs) == 0 || ifs[0].Name == "" {
			t.Fatalf("interfaces: %+v", ifs)
		}
		stored := ok(svc.GetNodeStatus(ctx, "agent")).v(t)
		if stored.System.Descr != st.System.Descr || !stored.Reachable {
			t.Fatalf("stored status: %+v", stored)
		}
		// Policies see status.* and interfaces.
		rep := ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: []unet.PolicyFile{{Name: "s.rules", Content: `
RULE "reachable" WHEN node.lifecycle == "live" THEN ASSERT status.reachable IS true
RULE "has-interfaces" WHEN status.reachable == true THEN ASSERT len(interfaces) >= 1
RULE "sysname" WHEN status.reachable == true THEN ASSERT status.system.name == "unet-test-agent"
`}}})).v(t)
		for _, r := range rep.Results {
			if r.Status != unet.StatusPass {
				t.Errorf("%s: %s (%v) %s", r.Rule, r.Status, r.Actual, r.Message)
			}
		}
		// A profile with the wrong community: an error, a stored failure, history.
		ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "wrong", Version: "2c", CommunityRef: "env:UNET_SNMP_NO_SUCH_VAR", Port: int(agent.Port), Timeout: "300ms", Retries: 0}, unet.WriteOptions{})).v(t)
		st, err = svc.PollNode(ctx, "agent", "wrong")
		if err == nil || st == nil || st.Reachable || st.ConsecutiveFailures != 1 || !strings.Contains(st.Error, "UNET_SNMP_NO_SUCH_VAR") {
			t.Fatalf("failed poll: %+v %v", st, err)
		}
		if strings.Contains(fmt.Sprint(err), agent.Community) {
			t.Fatal("error leaks the community")
		}
		hist := ok(svc.ListNodeHistory(ctx, "agent", time.Time{})).v(t)
		if len(hist) != 2 || hist[0].Reachable || !hist[1].Reachable || hist[1].InterfacesTotal != len(ifs) {
			t.Fatalf("history: %+v", hist)
		}
		// The profile is in use: delete refused, naming the user.
		err = svc.DeleteSNMPProfile(ctx, "lab", unet.DeleteOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if !strings.Contains(err.Error(), "location Lab") {
			t.Fatalf("delete refusal: %v", err)
		}
		// Deleting the node removes its derived state.
		if err := svc.DeleteNode(ctx, "agent", unet.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		if drift := ok(svc.ListDrift(ctx)).v(t); len(drift) != 0 {
			t.Fatalf("drift of a deleted node: %+v", drift)
		}
	})
}

// TestSchedulerWritesBatches runs the poll scheduler over the inventory: live
// nodes with an address are polled and stored; a node that does not answer is
// recorded as unreachable without delaying the others.
func TestSchedulerWritesBatches(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	silentHost, silentPort := testutil.SilentUDP(t)
	t.Setenv("UNET_SNMP_TEST_COMMUNITY", agent.Community)
	svc := newService(t, "sqlite")
	ctx := actx()
	ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "default", Version: "2c", CommunityRef: "env:UNET_SNMP_TEST_COMMUNITY", Port: int(agent.Port), Timeout: "500ms", Retries: 0}, unet.WriteOptions{})).v(t)
	ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "silent", Version: "2c", CommunityRef: "env:UNET_SNMP_TEST_COMMUNITY", Port: int(silentPort), Timeout: "500ms", Retries: 0}, unet.WriteOptions{})).v(t)
	ok(svc.CreateNode(ctx, &unet.Node{Name: "up", Vendor: "generic", MgmtIP: agent.Host, Lifecycle: "live"}, unet.WriteOptions{})).v(t)
	ok(svc.CreateNode(ctx, &unet.Node{Name: "mute", Vendor: "generic", MgmtIP: silentHost, Lifecycle: "live", SNMPProfile: "silent"}, unet.WriteOptions{})).v(t)
	ok(svc.CreateNode(ctx, &unet.Node{Name: "planned", Vendor: "generic", MgmtIP: agent.Host}, unet.WriteOptions{})).v(t)
	ok(svc.CreateNode(ctx, &unet.Node{Name: "noaddr", Vendor: "generic", Lifecycle: "live"}, unet.WriteOptions{})).v(t)

	targets := ok(svc.SNMPTargets(ctx)).v(t)
	if len(targets) != 2 {
		t.Fatalf("targets: %+v", targets)
	}
	// Interval overrides: the profile's, then the node's custom_data.snmp_interval.
	ok(svc.UpdateNode(ctx, "mute", unet.Patch{"custom_data": map[string]any{"snmp_interval": "90s"}}, unet.WriteOptions{})).v(t)
	for _, a := range ok(svc.SNMPTargets(ctx)).v(t) {
		if a.Target.Name == "mute" && a.Target.Interval != 90*time.Second {
			t.Fatalf("node interval override: %v", a.Target.Interval)
		}
	}
	sched := svc.NewPollScheduler(snmp.Options{Interval: time.Hour, Jitter: -1, Tick: 50 * time.Millisecond, Deadline: 3 * time.Second}, 24*time.Hour)
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sched.Run(runCtx) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		a, errA := svc.GetNodeStatus(ctx, "up")
		b, errB := svc.GetNodeStatus(ctx, "mute")
		if errA == nil && errB == nil {
			if !a.Reachable || b.Reachable || b.Error == "" || a.NextPoll == nil {
				t.Fatalf("statuses: %+v / %+v", a, b)
			}
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil && err != context.Canceled {
		t.Fatalf("scheduler: %v", err)
	}
	if _, err := svc.GetNodeStatus(ctx, "up"); err != nil {
		t.Fatalf("scheduler did not store a status in time: %v", err)
	}
	if _, err := svc.GetNodeStatus(ctx, "planned"); err == nil {
		t.Fatal("a planned node was polled")
	}
}
