package service_test

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
)

// lastCanaryEvent returns the type of the newest canary.* event about
// canary name ("" when there is none).
func lastCanaryEvent(t *testing.T, svc *service.Service, name string) string {
	t.Helper()
	last := ""
	for _, e := range canaryEvents(t, svc) {
		if strings.Contains(string(e.Data), `"name":"`+name+`"`) {
			last = e.Type
		}
	}
	return last
}

// TestCanaryPromotionThroughApproval: without a rule a canary promotion
// happens at once; with a rule on the environment (git_source.to) it is
// proposed, not performed (the environment's active commit unchanged, the
// canary active); its author cannot approve it; rejection leaves the
// canary active; another user's approval and apply promote the candidate
// (active commit, canary promoted, canary.promoted); a proposal whose
// canary was aborted meanwhile is refused at apply; an emergency promotes
// at once, flagged.
func TestCanaryPromotionThroughApproval(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		alice, bob := as("alice"), as("bob")
		svc.SetGitDataDir(t.TempDir())
		repo := testutil.NewGitRepo(t, "net")
		c1 := repo.Commit("main", "active rules", map[string]string{"policies/base.rules": canaryRules,
			"templates/base.j2": "hostname {{ node.name }}\n"})
		repo.Branch("production", "main")
		repo.Branch("candidate", "main")
		c2 := repo.Commit("candidate", "access switches need a VLAN", map[string]string{"policies/access.rules": accessRule})
		c3 := repo.Commit("candidate", "ntp", map[string]string{"templates/base.j2": "hostname {{ node.name }}\nntp server 192.0.2.1\n"})
		c4 := repo.Commit("candidate", "logging", map[string]string{"templates/base.j2": "hostname {{ node.name }}\nlogging host 192.0.2.9\n"})
		ok(svc.AddGitSource(alice, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindBoth,
			Environments: map[string]string{"production": "production"}}, unet.WriteOptions{})).v(t)
		ok(svc.SyncGitSource(alice, "net", "")).v(t)
		canaryInventory(t, svc)
		ok(svc.AddApprovalRule(alice, unet.ApprovalRule{Name: "prod-promotions", When: `git_source.to == "production"`, Require: 1}, unet.WriteOptions{})).v(t)
		sel := `location.name == "SiteA" AND node.role == "access"`
		start := func(name, env, commit string) {
			t.Helper()
			ok(svc.StartCanary(alice, unet.CanaryStartRequest{Name: name, Source: "net", Environment: env, Commit: commit, Selector: sel, TTL: "1h"})).v(t)
		}
		canaryState := func(name string) string {
			t.Helper()
			return ok(svc.GetCanary(alice, name)).v(t).State
		}
		prodActive := func() string {
			t.Helper()
			return envStatus(t, gitStatusOf(t, svc, "net"), "production").ActiveCommit
		}

		// The default environment is not covered: promoted at once.
		start("dflt", "", c2)
		res := ok(svc.PromoteCanary(alice, unet.CanaryPromoteRequest{Name: "dflt"})).v(t)
		if res.Kind != unet.CanaryPromoteDone || res.ChangeSet != nil || res.Canary.State != unet.CanaryPromoted || repo.Head("main") != c2 {
			t.Fatalf("uncovered promotion: %+v", res)
		}

		// Production is covered: proposed, nothing pushed, the canary stays.
		start("prod", "production", c2)
		res = ok(svc.PromoteCanary(alice, unet.CanaryPromoteRequest{Name: "prod"})).v(t)
		cs := res.ChangeSet
		if res.Kind != unet.CanaryPromoteProposed || cs == nil || res.Canary.State != unet.CanaryActive {
			t.Fatalf("covered promotion: %+v", res)
		}
		if cs.State != unet.ChangeSetProposed || len(cs.Ops) != 1 || cs.Ops[0].Op != unet.OpPromote || cs.Ops[0].Kind != unet.KindCanary ||
			cs.Ops[0].Ref != "prod" || !strings.Contains(string(cs.Ops[0].Data), c2) || len(cs.Requirement.Rules) != 1 ||
			cs.Requirement.Rules[0].Rule != "prod-promotions" || cs.Requirement.Rules[0].Objects[0] != "git_source/net" {
			t.Fatalf("proposed set: %+v", cs)
		}
		if repo.Head("production") != c1 || prodActive() != c1 || canaryState("prod") != unet.CanaryActive {
			t.Fatalf("a proposal promoted: production at %s, active %s", repo.Head("production"), prodActive())
		}
		_, err := svc.ApplyChangeSet(alice, cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
		_, err = svc.ApproveChangeSet(alice, cs.ID, "mine")
		mustCode(t, err, unet.EFORBIDDEN)

		// Rejected: everything stays as it is.
		ok(svc.RejectChangeSet(bob, cs.ID, "not now")).v(t)
		_, err = svc.ApplyChangeSet(alice, cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if repo.Head("production") != c1 || prodActive() != c1 || canaryState("prod") != unet.CanaryActive ||
			lastCanaryEvent(t, svc, "prod") != unet.EventCanaryStarted {
			t.Fatal("a rejected promotion promoted")
		}

		// Proposed again, approved by bob, applied by alice: promoted.
		res = ok(svc.PromoteCanary(alice, unet.CanaryPromoteRequest{Name: "prod", Reason: "release"})).v(t)
		cs = res.ChangeSet
		if cs == nil || cs.Description != "release" {
			t.Fatalf("second proposal: %+v", res)
		}
		ok(svc.ApproveChangeSet(bob, cs.ID, "ok")).v(t)
		cs = ok(svc.ApplyChangeSet(alice, cs.ID, unet.ApplyOptions{})).v(t)
		if cs.State != unet.ChangeSetApplied || cs.Batch == "" || cs.AppliedBy != "alice" {
			t.Fatalf("applied: %+v", cs)
		}
		if repo.Head("production") != c2 || prodActive() != c2 || canaryState("prod") != unet.CanaryPromoted ||
			lastCanaryEvent(t, svc, "prod") != unet.EventCanaryPromoted {
			t.Fatalf("after the apply: production at %s, active %s, canary %s", repo.Head("production"), prodActive(), canaryState("prod"))
		}
		rows := 0
		for _, c := range gitChanges(t, svc, "net") {
			if c.Op == unet.OpPromote && c.ChangeSet == cs.ID && c.Batch == cs.Batch {
				rows++
			}
		}
		if rows != 1 {
			t.Fatalf("%d promote rows of %s", rows, cs.ID)
		}
		_, err = svc.ApplyChangeSet(alice, cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)

		// The canary was aborted after the proposal: the approved set is
		// refused with a conflict and production stays.
		start("prod2", "production", c3)
		cs = ok(svc.PromoteCanary(alice, unet.CanaryPromoteRequest{Name: "prod2", Propose: true, Reason: "ntp"})).v(t).ChangeSet
		ok(svc.ApproveChangeSet(bob, cs.ID, "ok")).v(t)
		ok(svc.AbortCanary(bob, "prod2", "changed my mind")).v(t)
		_, err = svc.ApplyChangeSet(alice, cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if !strings.Contains(err.Error(), "has ended") || repo.Head("production") != c2 || prodActive() != c2 {
			t.Fatalf("aborted canary: %v; production at %s", err, repo.Head("production"))
		}
		if got := ok(svc.GetChangeSet(alice, cs.ID, unet.ChangeSetView{})).v(t); got.State != unet.ChangeSetApproved {
			t.Fatalf("state after a refused apply: %s", got.State)
		}

		// --propose and --emergency exclude each other; an emergency needs
		// a reason and promotes at once, flagged for review.
		start("prod3", "production", c4)
		_, err = svc.PromoteCanary(alice, unet.CanaryPromoteRequest{Name: "prod3", Emergency: true})
		mustCode(t, err, unet.EINVALID)
		_, err = svc.PromoteCanary(alice, unet.CanaryPromoteRequest{Name: "prod3", Emergency: true, Propose: true, Reason: "x"})
		mustCode(t, err, unet.EINVALID)
		res = ok(svc.PromoteCanary(alice, unet.CanaryPromoteRequest{Name: "prod3", Emergency: true, Reason: "outage"})).v(t)
		if res.Kind != unet.CanaryPromoteDone || repo.Head("production") != c4 || prodActive() != c4 {
			t.Fatalf("emergency: %+v", res)
		}
		if em := ok(svc.ListEmergencyChanges(alice, unet.EmergencyFilter{Pending: true})).v(t); len(em.Items) != 1 || em.Items[0].Reason != "outage" {
			t.Fatalf("emergency list: %+v", em.Items)
		}
	})
}
