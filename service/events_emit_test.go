package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/snmp"
	"github.com/unet-dev/unet/sqlstore"
)

// eventsMatching lists the stored events whose type matches pattern.
func eventsMatching(t *testing.T, svc *service.Service, pattern string) []unet.Event {
	t.Helper()
	evs, err := svc.ListEvents(context.Background(), unet.EventFilter{Types: []string{pattern}, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// lastEvent returns the newest event ID.
func lastEvent(t *testing.T, svc *service.Service) int64 {
	t.Helper()
	n, err := svc.LastEventID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// eventsSince lists the events after id.
func eventsSince(t *testing.T, svc *service.Service, id int64) []unet.Event {
	t.Helper()
	evs, err := svc.ListEvents(context.Background(), unet.EventFilter{After: id, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// payload decodes an event's data into a T.
func payload[T any](t *testing.T, e unet.Event) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(e.Data, &v); err != nil {
		t.Fatalf("payload of %s: %v (%s)", e.Type, err, e.Data)
	}
	return v
}

var triggerSeq atomic.Int64

// failInserts makes every insert into table whose row satisfies cond (SQL
// over NEW) fail, until the returned function runs: the transaction that
// makes one rolls back.
func failInserts(t *testing.T, svc *service.Service, table, cond string) (restore func()) {
	t.Helper()
	ctx := context.Background()
	db := svc.DB().SQL()
	name := fmt.Sprintf("unet_test_fail_%d", triggerSeq.Add(1))
	var stmts []string
	drop := "DROP TRIGGER " + name
	if svc.DB().Engine() == sqlstore.Postgres {
		stmts = []string{
			`CREATE OR REPLACE FUNCTION unet_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`,
			fmt.Sprintf(`CREATE TRIGGER %s BEFORE INSERT ON %s FOR EACH ROW WHEN (%s) EXECUTE FUNCTION unet_test_fail()`, name, table, cond),
		}
		drop += " ON " + table
	} else {
		stmts = []string{fmt.Sprintf(`CREATE TRIGGER %s BEFORE INSERT ON %s WHEN %s BEGIN SELECT RAISE(ABORT, 'injected failure'); END`, name, table, cond)}
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return func() {
		t.Helper()
		if _, err := db.ExecContext(ctx, drop); err != nil {
			t.Fatal(err)
		}
	}
}

// TestChangeSetEventsOnePerTransition: every transition a change set goes
// through is one changeset.<transition> event whose payload is the
// transition as the change-set history has it; an emergency application
// is emergency.applied; an application that rolls back emits nothing. Both
// engines.
func TestChangeSetEventsOnePerTransition(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		cs := propose(t, svc, "Model", updateOp("node", "leaf1", map[string]any{"model": "7050"}))
		ok(svc.ApproveChangeSet(as("bob"), cs.ID, "fine")).v(t)
		ok(svc.ApplyChangeSet(as("alice"), cs.ID, unet.ApplyOptions{})).v(t)
		other := propose(t, svc, "Other", updateOp("node", "spine1", map[string]any{"model": "x"}))
		ok(svc.RejectChangeSet(as("bob"), other.ID, "no")).v(t)

		history := ok(svc.ListChangeEvents(actx(), unet.ChangeEventFilter{Limit: 1000})).v(t).Items
		evs := eventsMatching(t, svc, "changeset.*")
		if len(history) < 4 || len(evs) != len(history) {
			t.Fatalf("%d change-set events for %d transitions: %+v", len(evs), len(history), evs)
		}
		for i, h := range history {
			e := evs[i]
			got := payload[unet.ChangeEvent](t, e)
			if e.Type != "changeset."+h.Transition || got.ID != h.ID || got.ChangeSet != h.ChangeSet || got.To != h.To ||
				e.Subject != "change_set/"+h.ChangeSet || e.Actor != h.Actor || !strings.Contains(e.Summary, h.ChangeSet) {
				t.Fatalf("event %d: %+v (%+v) for %+v", i, e, got, h)
			}
		}
		types := map[string]int{}
		for _, e := range evs {
			types[e.Type]++
		}
		if types["changeset.created"] != 2 || types["changeset.approved"] != 1 || types["changeset.applied"] != 1 || types["changeset.rejected"] != 1 {
			t.Fatalf("types: %v", types)
		}

		// An emergency application that fails at its last statement
		// leaves neither its transitions nor its emergency event.
		third := propose(t, svc, "Hotfix", updateOp("node", "spine1", map[string]any{"model": "hot"}))
		before := lastEvent(t, svc)
		restore := failInserts(t, svc, "change_events", "NEW.transition = 'applied'")
		_, err := svc.ApplyChangeSet(as("alice"), third.ID, unet.ApplyOptions{Emergency: true, Reason: "outage"})
		if err == nil {
			t.Fatal("the application went through despite the injected failure")
		}
		if evs := eventsSince(t, svc, before); len(evs) != 0 {
			t.Fatalf("a rolled-back application emitted %+v", evs)
		}
		restore()
		ok(svc.ApplyChangeSet(as("alice"), third.ID, unet.ApplyOptions{Emergency: true, Reason: "outage"})).v(t)
		em := eventsMatching(t, svc, unet.EventEmergencyApplied)
		if len(em) != 1 {
			t.Fatalf("emergency events: %+v", em)
		}
		d := payload[unet.EmergencyEventData](t, em[0])
		if d.ChangeSet != third.ID || d.Reason != "outage" || d.Author != "alice" || d.Count != 1 || d.Objects[0] != "node/spine1.example.net" ||
			d.Batch == "" || em[0].Subject != "change_set/"+third.ID {
			t.Fatalf("emergency payload %+v of %+v", d, em[0])
		}
		if n := len(eventsMatching(t, svc, "changeset.emergency")); n != 0 {
			t.Fatalf("the emergency is also a changeset.emergency event (%d)", n)
		}
		if n := len(eventsMatching(t, svc, "changeset.applied")); n != 2 {
			t.Fatalf("%d changeset.applied events, want 2", n)
		}
	})
}

// TestEmergencyEvents: an emergency write is one emergency.applied event
// (objects, reason, batch), its review one emergency.reviewed; a write or a
// review that rolls back emits neither. Both engines.
func TestEmergencyEvents(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		before := lastEvent(t, svc)
		restore := failInserts(t, svc, "change_events", "NEW.transition = 'emergency'")
		_, err := svc.UpdateNode(actorCtx("alice"), "leaf1", unet.Patch{"model": "a"}, unet.WriteOptions{Emergency: true, Reason: "fire"})
		if err == nil {
			t.Fatal("the write went through despite the injected failure")
		}
		if evs := eventsSince(t, svc, before); len(evs) != 0 {
			t.Fatalf("a rolled-back emergency write emitted %+v", evs)
		}
		restore()
		if err := svc.DeleteNode(actorCtx("alice"), "spine1", unet.DeleteOptions{Cascade: true, Emergency: true, Reason: "RMA"}); err != nil {
			t.Fatal(err)
		}
		em := eventsMatching(t, svc, unet.EventEmergencyApplied)
		if len(em) != 1 {
			t.Fatalf("emergency events: %+v", em)
		}
		d := payload[unet.EmergencyEventData](t, em[0])
		if d.Author != "alice" || d.Reason != "RMA" || d.Count != 2 || len(d.Objects) != 2 || d.Batch == "" || d.ChangeSet != "" ||
			em[0].Actor != "alice" || !strings.Contains(em[0].Summary, "RMA") || em[0].Subject != "change_batch/"+d.Batch {
			t.Fatalf("emergency event %+v payload %+v", em[0], d)
		}

		before = lastEvent(t, svc)
		restore = failInserts(t, svc, "change_events", "NEW.transition = 'reviewed'")
		if _, err := svc.ReviewEmergencyChange(actorCtx("bob"), d.Batch, "checked"); err == nil {
			t.Fatal("the review went through despite the injected failure")
		}
		if evs := eventsSince(t, svc, before); len(evs) != 0 {
			t.Fatalf("a rolled-back review emitted %+v", evs)
		}
		restore()
		ok(svc.ReviewEmergencyChange(actorCtx("bob"), d.Batch, "checked with the NOC")).v(t)
		rv := eventsMatching(t, svc, unet.EventEmergencyReviewed)
		if len(rv) != 1 {
			t.Fatalf("review events: %+v", rv)
		}
		r := payload[unet.EmergencyEventData](t, rv[0])
		if r.Batch != d.Batch || r.Reviewer != "bob" || r.Comment != "checked with the NOC" || r.Author != "alice" || r.Count != 2 || rv[0].Actor != "bob" {
			t.Fatalf("review event %+v payload %+v", rv[0], r)
		}
	})
}

// TestGitEvents: a sync that activates is one git.activated per
// environment, a rejected commit git.rejected with its positioned errors,
// a sync that cannot fetch git.failed; a sync whose history cannot be
// stored emits nothing. Both engines.
func TestGitEvents(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		svc.SetGitDataDir(t.TempDir())
		repo := testutil.NewGitRepo(t, "net")
		c1 := repo.Commit("main", "first rules", map[string]string{"base.rules": rule("base")})
		ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{})).v(t)

		before := lastEvent(t, svc)
		restore := failInserts(t, svc, "git_history", "1 = 1")
		if _, err := svc.SyncGitSource(ctx, "net", ""); err == nil {
			t.Fatal("the sync went through despite the injected failure")
		}
		if evs := eventsMatching(t, svc, "git.*"); len(evs) != 0 {
			t.Fatalf("a rolled-back sync emitted %+v", evs)
		}
		if evs := eventsSince(t, svc, before); len(evs) != 0 {
			t.Fatalf("a rolled-back sync emitted %+v", evs)
		}
		restore()

		ok(svc.SyncGitSource(ctx, "net", "")).v(t)
		act := eventsMatching(t, svc, unet.EventGitActivated)
		if len(act) != 1 {
			t.Fatalf("activations: %+v", act)
		}
		a := payload[unet.GitEventData](t, act[0])
		if a.Source != "net" || a.Commit != c1 || a.Trigger != "manual" || a.Files != 1 || a.Message != "first rules" ||
			act[0].Subject != "git_source/net" || !strings.Contains(act[0].Summary, c1[:12]) {
			t.Fatalf("activation %+v payload %+v", act[0], a)
		}
		// Unchanged: nothing.
		ok(svc.SyncGitSource(ctx, "net", "schedule")).v(t)
		if n := len(eventsMatching(t, svc, "git.*")); n != 1 {
			t.Fatalf("an unchanged sync emitted (%d git events)", n)
		}

		c2 := repo.Commit("main", "break the rules", map[string]string{"bad.rules": invalidRule})
		_, err := svc.SyncGitSource(ctx, "net", "webhook")
		mustCode(t, err, unet.EINVALID)
		rej := eventsMatching(t, svc, unet.EventGitRejected)
		if len(rej) != 1 {
			t.Fatalf("rejections: %+v", rej)
		}
		r := payload[unet.GitEventData](t, rej[0])
		if r.Commit != c2 || r.Previous != c1 || len(r.Errors) == 0 || !strings.HasPrefix(r.Errors[0], "bad.rules:3:1: ") ||
			!strings.Contains(rej[0].Summary, "bad.rules:3:1") {
			t.Fatalf("rejection %+v payload %+v", rej[0], r)
		}

		// A source whose repository went away fails.
		ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "gone", URL: "file://" + t.TempDir() + "/missing", Branch: "main", Kind: unet.GitKindPolicies},
			unet.WriteOptions{})).v(t)
		if _, err := svc.SyncGitSource(ctx, "gone", ""); err == nil {
			t.Fatal("a sync of a missing repository succeeded")
		}
		failed := eventsMatching(t, svc, unet.EventGitFailed)
		if len(failed) != 1 {
			t.Fatalf("failures: %+v", failed)
		}
		f := payload[unet.GitEventData](t, failed[0])
		if f.Source != "gone" || f.Error == "" || failed[0].Subject != "git_source/gone" {
			t.Fatalf("failure %+v payload %+v", failed[0], f)
		}
	})
}

// TestPolicyRegressionEvents: a stored evaluation that moves results to
// fail emits one policy.regression with the new failures by severity; an
// evaluation without new failures emits none, nor does one that rolls
// back. Both engines.
func TestPolicyRegressionEvents(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		rules := func(model string) []unet.PolicyFile {
			return []unet.PolicyFile{{Name: "a.rules", Content: `RULE "model-set" SEVERITY high WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL
RULE "model-is" SEVERITY low WHEN node.name == "leaf1" THEN ASSERT node.model == "` + model + `"
`}}
		}
		ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"model": "7050"}, unet.WriteOptions{})).v(t)
		eval := func(model string) error {
			_, err := svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: rules(model), Source: "test", Store: true})
			return err
		}
		// First store: spine1 fails model-set (new result), leaf1 passes.
		if err := eval("7050"); err != nil {
			t.Fatal(err)
		}
		reg := eventsMatching(t, svc, unet.EventPolicyRegression)
		if len(reg) != 1 {
			t.Fatalf("regressions after the first store: %+v", reg)
		}
		d := payload[unet.PolicyRegressionData](t, reg[0])
		if d.Count != 1 || d.BySeverity["high"] != 1 || len(d.Failures) != 1 || d.Failures[0].ObjectName != "spine1.example.net" ||
			d.Failures[0].Rule != "model-set" || d.Failures[0].From != "" || d.Trigger != "api" || reg[0].Subject != "node/spine1.example.net" {
			t.Fatalf("first regression %+v payload %+v", reg[0], d)
		}
		// The same results again: no new failure, no event.
		if err := eval("7050"); err != nil {
			t.Fatal(err)
		}
		if n := len(eventsMatching(t, svc, unet.EventPolicyRegression)); n != 1 {
			t.Fatalf("%d regressions after an unchanged evaluation", n)
		}
		// leaf1 now fails model-is: one new failure (spine1 still fails).
		before := lastEvent(t, svc)
		restore := failInserts(t, svc, "compliance_history", "1 = 1")
		if err := eval("7280"); err == nil {
			t.Fatal("the store went through despite the injected failure")
		}
		if evs := eventsSince(t, svc, before); len(evs) != 0 {
			t.Fatalf("a rolled-back store emitted %+v", evs)
		}
		restore()
		if err := eval("7280"); err != nil {
			t.Fatal(err)
		}
		reg = eventsMatching(t, svc, unet.EventPolicyRegression)
		if len(reg) != 2 {
			t.Fatalf("regressions: %+v", reg)
		}
		d = payload[unet.PolicyRegressionData](t, reg[1])
		if d.Count != 1 || d.BySeverity["low"] != 1 || d.Failures[0].ObjectName != "leaf1.example.net" || d.Failures[0].From != unet.StatusPass ||
			!strings.Contains(reg[1].Summary, "model-is") {
			t.Fatalf("second regression %+v payload %+v", reg[1], d)
		}
	})
}

// TestSNMPReachabilityEvents: a node that stops answering is one
// snmp.unreachable, however many polls fail after, and one snmp.recovered
// when it answers again; a node's first poll emits nothing; a poll whose
// state cannot be stored emits nothing. Both engines.
func TestSNMPReachabilityEvents(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	_, silentPort := testutil.SilentUDP(t)
	t.Setenv("UNET_SNMP_TEST_COMMUNITY", agent.Community)
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "lab", Version: "2c", CommunityRef: "env:UNET_SNMP_TEST_COMMUNITY",
			Port: int(agent.Port), Timeout: "1s"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "silent", Version: "2c", CommunityRef: "env:UNET_SNMP_TEST_COMMUNITY",
			Port: int(silentPort), Timeout: "300ms", Retries: 0}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "agent", Vendor: "generic", MgmtIP: agent.Host, Lifecycle: "live"}, unet.WriteOptions{})).v(t)
		ok(svc.PollNode(ctx, "agent", "lab")).v(t)
		if evs := eventsMatching(t, svc, "snmp.*"); len(evs) != 0 {
			t.Fatalf("a first poll emitted %+v", evs)
		}
		before := lastEvent(t, svc)
		restore := failInserts(t, svc, "status_history", "1 = 1")
		if _, err := svc.PollNode(ctx, "agent", "silent"); err == nil || unet.ErrorCode(err) == unet.EUNAVAILABLE {
			t.Fatalf("the poll's state was stored despite the injected failure: %v", err)
		}
		if evs := eventsSince(t, svc, before); len(evs) != 0 {
			t.Fatalf("a rolled-back poll emitted %+v", evs)
		}
		restore()
		for range 2 {
			_, err := svc.PollNode(ctx, "agent", "silent")
			mustCode(t, err, unet.EUNAVAILABLE)
		}
		down := eventsMatching(t, svc, unet.EventSNMPUnreachable)
		if len(down) != 1 {
			t.Fatalf("unreachable events: %+v", down)
		}
		d := payload[unet.SNMPEventData](t, down[0])
		if d.Node != "agent" || d.NodeID == "" || d.Error == "" || d.ConsecutiveFailures != 1 || d.LastSuccess == nil ||
			down[0].Subject != "node/agent" || down[0].Actor != "system" {
			t.Fatalf("unreachable %+v payload %+v", down[0], d)
		}
		ok(svc.PollNode(ctx, "agent", "lab")).v(t)
		ok(svc.PollNode(ctx, "agent", "lab")).v(t)
		up := eventsMatching(t, svc, unet.EventSNMPRecovered)
		if len(up) != 1 {
			t.Fatalf("recovered events: %+v", up)
		}
		u := payload[unet.SNMPEventData](t, up[0])
		if u.Node != "agent" || u.Error != "" || u.LastSuccess == nil || !strings.Contains(up[0].Summary, "agent") {
			t.Fatalf("recovered %+v payload %+v", up[0], u)
		}
	})
}

// TestSNMPSchedulerFlipEvents: the poll scheduler's batches emit the flips
// of reachability too, once each, and nothing for a node's first poll.
// Both engines.
func TestSNMPSchedulerFlipEvents(t *testing.T) {
	agent := testutil.StartSNMPD(t)
	_, silentPort := testutil.SilentUDP(t)
	t.Setenv("UNET_SNMP_TEST_COMMUNITY", agent.Community)
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "default", Version: "2c", CommunityRef: "env:UNET_SNMP_TEST_COMMUNITY",
			Port: int(agent.Port), Timeout: "500ms", Retries: 0}, unet.WriteOptions{})).v(t)
		ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: "silent", Version: "2c", CommunityRef: "env:UNET_SNMP_TEST_COMMUNITY",
			Port: int(silentPort), Timeout: "300ms", Retries: 0}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "flip", Vendor: "generic", MgmtIP: agent.Host, Lifecycle: "live"}, unet.WriteOptions{})).v(t)
		// runUntil runs the scheduler until the node's stored reachability
		// is want.
		runUntil := func(want bool) {
			t.Helper()
			// A short interval: a new scheduler polls a node when its last
			// poll planned the next one, not at once.
			sched := svc.NewPollScheduler(snmp.Options{Interval: 300 * time.Millisecond, Jitter: -1, Tick: 50 * time.Millisecond, Deadline: 3 * time.Second}, 0)
			runCtx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- sched.Run(runCtx) }()
			deadline := time.Now().Add(10 * time.Second)
			for {
				st, err := svc.GetNodeStatus(ctx, "flip")
				if err == nil && st.Reachable == want {
					break
				}
				if time.Now().After(deadline) {
					cancel()
					t.Fatalf("the node did not become reachable=%v: %+v %v", want, st, err)
				}
				time.Sleep(50 * time.Millisecond)
			}
			cancel()
			<-done
		}
		runUntil(true)
		if evs := eventsMatching(t, svc, "snmp.*"); len(evs) != 0 {
			t.Fatalf("a first poll emitted %+v", evs)
		}
		ok(svc.UpdateNode(ctx, "flip", unet.Patch{"snmp_profile": "silent"}, unet.WriteOptions{})).v(t)
		runUntil(false)
		evs := eventsMatching(t, svc, "snmp.*")
		if len(evs) != 1 || evs[0].Type != unet.EventSNMPUnreachable || evs[0].Subject != "node/flip" {
			t.Fatalf("after the node went silent: %+v", evs)
		}
		ok(svc.UpdateNode(ctx, "flip", unet.Patch{"snmp_profile": "default"}, unet.WriteOptions{})).v(t)
		runUntil(true)
		evs = eventsMatching(t, svc, "snmp.*")
		if len(evs) != 2 || evs[1].Type != unet.EventSNMPRecovered {
			t.Fatalf("after the node answered again: %+v", evs)
		}
	})
}

// TestPruneEvents: the events older than the cutoff go, in batches, oldest
// first, and the newer ones stay. Both engines.
func TestPruneEvents(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := context.Background()
		old, recent := time.Now().Add(-48*time.Hour), time.Now()
		const olds = 5003 // more than one batch
		err := svc.DB().WithTx(ctx, func(tx *sqlstore.Tx) error {
			for i := range olds {
				tx.Emit(unet.Event{Type: unet.EventGitFailed, Time: old.Add(time.Duration(i) * time.Millisecond), Summary: "old"})
			}
			tx.Emit(unet.Event{Type: unet.EventGitActivated, Time: recent, Summary: "new 1"})
			tx.Emit(unet.Event{Type: unet.EventGitActivated, Time: recent, Summary: "new 2"})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		n, err := svc.PruneEvents(ctx, time.Now().Add(-24*time.Hour))
		if err != nil || n != olds {
			t.Fatalf("pruned %d (%v), want %d", n, err, olds)
		}
		left := eventsSince(t, svc, 0)
		if len(left) != 2 || left[0].Summary != "new 1" || left[1].Summary != "new 2" {
			t.Fatalf("left %+v", left)
		}
		if n, err := svc.PruneEvents(ctx, time.Now().Add(-24*time.Hour)); err != nil || n != 0 {
			t.Fatalf("second prune: %d %v", n, err)
		}
		if last := lastEvent(t, svc); last != olds+2 {
			t.Fatalf("last event ID %d after pruning", last)
		}
	})
}
