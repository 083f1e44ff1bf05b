package service_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
)

// promotedEvents returns the git.promoted events, oldest first.
func promotedEvents(t *testing.T, svc *service.Service) []unet.GitPromotedData {
	t.Helper()
	evs := ok(svc.ListEvents(context.Background(), unet.EventFilter{Types: []string{unet.EventGitPromoted}, Limit: 100})).v(t)
	out := make([]unet.GitPromotedData, 0, len(evs))
	for _, e := range evs {
		var d unet.GitPromotedData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			t.Fatal(err)
		}
		if e.Subject != "git_source/"+d.Source || e.Actor == "" {
			t.Fatalf("event: %+v", e)
		}
		out = append(out, d)
	}
	return out
}

// TestGitPromotionThroughApproval: with an approval rule on the target
// environment a promotion is proposed, not performed; its author cannot
// approve it; rejection leaves the branch; an approved set applied by
// another user promotes (branch moved, activation, event); a set whose
// environment moved after the proposal is refused; without a matching
// rule the promotion happens at once.
func TestGitPromotionThroughApproval(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := as("alice")
		svc.SetGitDataDir(t.TempDir())
		repo := testutil.NewGitRepo(t, "net")
		c1 := repo.Commit("main", "first", map[string]string{"base.rules": rule("base")})
		repo.Branch("staging", "main")
		repo.Branch("production", "main")
		ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies,
			Environments: map[string]string{"staging": "staging", "production": "production"}}, unet.WriteOptions{})).v(t)
		ok(svc.SyncGitSource(ctx, "net", "")).v(t)
		_, err := svc.AddApprovalRule(ctx, unet.ApprovalRule{Name: "bad", When: `git_source.to == "x" AND node.role == "y"`, Require: 1}, unet.WriteOptions{})
		mustCode(t, err, unet.EINVALID)
		ok(svc.AddApprovalRule(ctx, unet.ApprovalRule{Name: "prod-promotions", When: `git_source.to == "production"`, Require: 1}, unet.WriteOptions{})).v(t)

		// Staging is not covered: promoted at once.
		s1 := repo.Commit("staging", "staging change", map[string]string{"more.rules": rule("more")})
		ok(svc.SyncGitSource(ctx, "net", "")).v(t)
		p := ok(svc.PromoteGitSource(ctx, "net", "staging", "default", "")).v(t)
		if p.Kind != "fast_forward" || p.ChangeSet != nil || repo.Head("main") != s1 {
			t.Fatalf("uncovered promotion: %+v", p)
		}
		if evs := promotedEvents(t, svc); len(evs) != 1 || evs[0].To != "default" || evs[0].Commit != s1 || evs[0].Before != c1 ||
			evs[0].After != s1 || evs[0].Kind != "fast_forward" || !evs[0].Activated {
			t.Fatalf("events after the direct promotion: %+v", evs)
		}

		// Production is covered: proposed, nothing pushed.
		p = ok(svc.PromoteGitSource(ctx, "net", "staging", "production", "")).v(t)
		if p.Kind != unet.GitPromoteProposed || p.ChangeSet == nil || p.Commit != s1 || repo.Head("production") != c1 {
			t.Fatalf("covered promotion: %+v", p)
		}
		cs := p.ChangeSet
		if cs.State != unet.ChangeSetProposed || len(cs.Requirement.Rules) != 1 || cs.Requirement.Rules[0].Rule != "prod-promotions" ||
			cs.Requirement.Rules[0].Objects[0] != "git_source/net" || len(cs.Conflicts) != 0 {
			t.Fatalf("proposed set: %+v", cs)
		}
		_, err = svc.ApplyChangeSet(ctx, cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.EFORBIDDEN)
		_, err = svc.ApproveChangeSet(ctx, cs.ID, "mine")
		mustCode(t, err, unet.EFORBIDDEN)

		// Rejected: the branch stays.
		ok(svc.RejectChangeSet(as("bob"), cs.ID, "not now")).v(t)
		_, err = svc.ApplyChangeSet(ctx, cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if repo.Head("production") != c1 || len(promotedEvents(t, svc)) != 1 {
			t.Fatal("a rejected promotion moved the branch")
		}

		// Proposed again, approved by bob, applied by alice: promoted.
		cs = ok(svc.PromoteGit(ctx, unet.GitPromoteRequest{Source: "net", From: "staging", To: "production", Reason: "release"})).v(t).ChangeSet
		if cs.Description != "release" {
			t.Fatalf("description: %q", cs.Description)
		}
		cs = ok(svc.ApproveChangeSet(as("bob"), cs.ID, "ok")).v(t)
		if cs.State != unet.ChangeSetApproved {
			t.Fatalf("approved: %+v", cs)
		}
		cs = ok(svc.ApplyChangeSet(ctx, cs.ID, unet.ApplyOptions{})).v(t)
		if cs.State != unet.ChangeSetApplied || cs.Batch == "" || repo.Head("production") != s1 {
			t.Fatalf("applied: %+v, production at %s", cs, repo.Head("production"))
		}
		if st := gitStatusOf(t, svc, "net"); envStatus(t, st, "production").ActiveCommit != s1 {
			t.Fatalf("production after the apply: %+v", st.Environments)
		}
		evs := promotedEvents(t, svc)
		if len(evs) != 2 || evs[1].To != "production" || evs[1].ChangeSet != cs.ID || evs[1].After != s1 || !evs[1].Activated {
			t.Fatalf("events after the apply: %+v", evs)
		}
		var promoteRows int
		for _, c := range gitChanges(t, svc, "net") {
			if c.Op == unet.OpPromote && c.ChangeSet == cs.ID && c.Batch == cs.Batch {
				promoteRows++
			}
		}
		if promoteRows != 1 {
			t.Fatalf("%d promote rows of %s", promoteRows, cs.ID)
		}

		// The environment moved after the proposal: the approved set is
		// refused with a conflict and production stays.
		s2 := repo.Commit("staging", "second", map[string]string{"third.rules": rule("third")})
		ok(svc.SyncGitSource(ctx, "net", "")).v(t)
		cs = ok(svc.PromoteGitSource(ctx, "net", "staging", "production", "")).v(t).ChangeSet
		repo.Commit("staging", "third", map[string]string{"fourth.rules": rule("fourth")})
		ok(svc.SyncGitSource(ctx, "net", "")).v(t)
		ok(svc.ApproveChangeSet(as("bob"), cs.ID, "ok")).v(t)
		_, err = svc.ApplyChangeSet(ctx, cs.ID, unet.ApplyOptions{})
		mustCode(t, err, unet.ECONFLICT)
		if !strings.Contains(err.Error(), "propose the promotion again") || repo.Head("production") != s1 {
			t.Fatalf("moved source: %v", err)
		}
		if got := ok(svc.GetChangeSet(ctx, cs.ID, unet.ChangeSetView{})).v(t); got.State != unet.ChangeSetApproved {
			t.Fatalf("state after a refused apply: %s", got.State)
		}
		_ = s2

		// An emergency promotes at once, flagged; --propose asks even
		// without a rule; a promotion does not mix with other operations.
		_, err = svc.PromoteGit(ctx, unet.GitPromoteRequest{Source: "net", From: "staging", To: "production", Emergency: true})
		mustCode(t, err, unet.EINVALID)
		p = ok(svc.PromoteGit(ctx, unet.GitPromoteRequest{Source: "net", From: "staging", To: "production", Emergency: true, Reason: "outage"})).v(t)
		if p.Kind != "fast_forward" || repo.Head("production") != p.Commit {
			t.Fatalf("emergency: %+v", p)
		}
		if em := ok(svc.ListEmergencyChanges(ctx, unet.EmergencyFilter{Pending: true})).v(t); len(em.Items) != 1 || em.Items[0].Reason != "outage" {
			t.Fatalf("emergency list: %+v", em.Items)
		}
		p = ok(svc.PromoteGit(ctx, unet.GitPromoteRequest{Source: "net", From: "production", To: "default", Propose: true})).v(t)
		if p.Kind != unet.GitPromoteProposed || p.ChangeSet.Requirement.Required != 1 || len(p.ChangeSet.Requirement.Rules) != 0 {
			t.Fatalf("explicit proposal: %+v", p)
		}
		_, err = svc.AppendChangeOps(ctx, p.ChangeSet.ID, []unet.ChangeOp{{Op: "create", Kind: "vendor", Data: json.RawMessage(`{"key":"x","name":"X"}`)}})
		mustCode(t, err, unet.EINVALID)

		// The proposed promotion applied as an emergency, without approval:
		// flagged, and announced as emergency.applied like any other set.
		cs = ok(svc.ApplyChangeSet(ctx, p.ChangeSet.ID, unet.ApplyOptions{Emergency: true, Reason: "restore default"})).v(t)
		if cs.State != unet.ChangeSetApplied || !cs.Emergency {
			t.Fatalf("emergency apply of a promotion set: %+v", cs)
		}
		evs2 := ok(svc.ListEvents(ctx, unet.EventFilter{Types: []string{unet.EventEmergencyApplied}, Limit: 100})).v(t)
		var found bool
		for _, e := range evs2 {
			if e.Subject == "change_set/"+cs.ID {
				var d unet.EmergencyEventData
				if err := json.Unmarshal(e.Data, &d); err != nil || d.Reason != "restore default" || len(d.Objects) != 1 || d.Objects[0] != "git_source/net" {
					t.Fatalf("emergency.applied of %s: %s (%v)", cs.ID, e.Data, err)
				}
				found = true
			}
		}
		if !found {
			t.Fatalf("no emergency.applied for %s in %+v", cs.ID, evs2)
		}
	})
}
