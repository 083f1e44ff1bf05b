package service_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// canaryRules are the rules of the active version: every live node has a
// role and renders base.j2.
const canaryRules = `RULE "has-role" SEVERITY low
WHEN node.lifecycle == "live"
THEN ASSERT node.role IS NOT NULL

RULE "base-config" SEVERITY low
WHEN node.lifecycle == "live"
THEN APPLY "base.j2"
`

// accessRule is what the candidates add: access switches need a VLAN,
// which none has.
const accessRule = `RULE "access-vlan" SEVERITY high
WHEN node.role == "access"
THEN ASSERT node.custom_data.vlan IS NOT NULL
`

// canaryInventory creates two sites, each with two access switches and a
// core switch.
func canaryInventory(t *testing.T, svc *service.Service) {
	t.Helper()
	ctx := actx()
	for _, site := range []string{"SiteA", "SiteB"} {
		ok(svc.CreateLocation(ctx, &unet.Location{Name: site, Type: "site"}, unet.WriteOptions{})).v(t)
		p := strings.ToLower(site[len(site)-1:])
		for _, n := range []struct{ name, role string }{{p + "-access1", "access"}, {p + "-access2", "access"}, {p + "-core1", "core"}} {
			ok(svc.CreateNode(ctx, &unet.Node{Name: n.name, Vendor: "generic", Role: n.role, LocationID: site, Lifecycle: "live"},
				unet.WriteOptions{})).v(t)
		}
	}
}

// storedFailures returns "node/rule" of every stored failing result and
// the source label of each node's results.
func storedFailures(t *testing.T, svc *service.Service) ([]string, map[string]string) {
	t.Helper()
	l := ok(svc.ListPolicyResults(actx(), unet.PolicyResultFilter{Page: unet.Page{Limit: 1000}})).v(t)
	var fails []string
	sources := map[string]string{}
	for _, r := range l.Items {
		if r.ObjectKind != unet.KindNode {
			continue
		}
		sources[r.ObjectName] = r.Source
		if r.Status == "fail" {
			fails = append(fails, r.ObjectName+"/"+r.Rule)
		}
	}
	sort.Strings(fails)
	return fails, sources
}

func canaryEvents(t *testing.T, svc *service.Service) []unet.Event {
	t.Helper()
	evs := ok(svc.ListEvents(context.Background(), unet.EventFilter{Types: []string{"canary.*"}})).v(t)
	return evs
}

// TestCanaryEndToEnd runs canaries against a real Git repository on both
// engines: a candidate commit that breaks a rule for access switches,
// canaried on site A's access switches, fails only there (status, stored
// results, renders); one canary per source and environment; a restart
// keeps it; abort restores; a second canary of the commit promotes it;
// TTL expiry and a tripped abort-on condition end canaries automatically.
func TestCanaryEndToEnd(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) { testCanaryEndToEnd(t, engine) })
	}
}

func testCanaryEndToEnd(t *testing.T, engine string) {
	ctx := actx()
	url := dbURL(t, engine)
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := service.New(db)
	svc.SetGitAllowLocalURLs(true)
	svc.SetGitDataDir(t.TempDir())
	var clockMu sync.Mutex
	now := time.Now().UTC().Truncate(time.Microsecond)
	svc.SetClock(func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now })
	advance := func(d time.Duration) { clockMu.Lock(); now = now.Add(d); clockMu.Unlock() }

	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "active rules", map[string]string{"policies/base.rules": canaryRules,
		"templates/base.j2": "hostname {{ node.name }}\n"})
	repo.Branch("candidate", "main")
	c2 := repo.Commit("candidate", "access switches need a VLAN", map[string]string{"policies/access.rules": accessRule,
		"templates/base.j2": "hostname {{ node.name }}\nntp server 192.0.2.123\n"})
	ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindBoth}, unet.WriteOptions{})).v(t)
	ok(svc.SyncGitSource(ctx, "net", "")).v(t)
	canaryInventory(t, svc)
	ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})).v(t)
	if fails, _ := storedFailures(t, svc); len(fails) != 0 {
		t.Fatalf("active rules fail: %v", fails)
	}

	// Refused candidates: bad requests, a commit that fails validation.
	sel := `location.name == "SiteA" AND node.role == "access"`
	for _, bad := range []unet.CanaryStartRequest{
		{Name: "x", Source: "net", Commit: c2, TTL: "1h"},
		{Name: "x", Source: "net", Commit: c2, Selector: sel},
		{Name: "x", Source: "net", Selector: sel, TTL: "1h"},
		{Name: "x", Source: "net", Commit: c2, Branch: "candidate", Selector: sel, TTL: "1h"},
		{Name: "x", Source: "net", Commit: c2, Selector: `node.role ==`, TTL: "1h"},
		{Name: "x", Source: "net", Commit: c2, Selector: sel, TTL: "1h", AbortOn: "new_failures >"},
		{Name: "x y", Source: "net", Commit: c2, Selector: sel, TTL: "1h"},
	} {
		_, err := svc.StartCanary(ctx, bad)
		mustCode(t, err, unet.EINVALID)
	}
	repo.Branch("broken", "main")
	broken := repo.Commit("broken", "broken rule", map[string]string{"policies/bad.rules": invalidRule})
	_, err = svc.StartCanary(ctx, unet.CanaryStartRequest{Name: "x", Source: "net", Commit: broken, Selector: sel, TTL: "1h"})
	mustCode(t, err, unet.EINVALID)
	if !strings.Contains(err.Error(), "policies/bad.rules:3:1") {
		t.Fatalf("rejected candidate: %v", err)
	}

	// The canary: site A's access switches get the candidate.
	can := ok(svc.StartCanary(ctx, unet.CanaryStartRequest{Name: "vlan", Source: "net", Branch: "candidate", Selector: sel,
		TTL: "2h", AbortOn: "render_errors > 0"})).v(t)
	if can.Commit != c2 || can.State != unet.CanaryActive || can.Environment != "default" || can.CandidateKind != unet.CanaryBranch ||
		!can.ExpiresAt.Equal(now.Add(2*time.Hour)) || can.CreatedBy != "tester" {
		t.Fatalf("started: %+v", can)
	}
	_, err = svc.StartCanary(ctx, unet.CanaryStartRequest{Name: "other", Source: "net", Commit: c2, Selector: `node.role == "core"`, TTL: "1h"})
	mustCode(t, err, unet.ECONFLICT)
	if !strings.Contains(err.Error(), "one canary per source and environment") {
		t.Fatalf("second canary: %v", err)
	}
	wantFails := "a-access1/access-vlan,a-access2/access-vlan"
	checkCanaryServed := func(t *testing.T, svc *service.Service) {
		t.Helper()
		fails, sources := storedFailures(t, svc)
		if strings.Join(fails, ",") != wantFails {
			t.Fatalf("stored failures %v, want %v", fails, wantFails)
		}
		for node, src := range sources {
			canaryNode := strings.HasPrefix(node, "a-access")
			if canaryNode && src != "canary:vlan@"+c2 || !canaryNode && src != "git:net@"+c1 {
				t.Fatalf("results of %s come from %s", node, src)
			}
		}
		for node, want := range map[string]bool{"a-access1": true, "a-core1": false, "b-access1": false} {
			out := ok(svc.RenderNode(ctx, unet.TemplateRequest{Node: node})).v(t)
			if got := strings.Contains(out.Parts[0].Output, "ntp server 192.0.2.123"); got != want {
				t.Fatalf("%s renders the candidate: %v, want %v:\n%s", node, got, want, out.Parts[0].Output)
			}
		}
	}
	checkCanaryServed(t, svc)
	// A full evaluation routes the same way.
	ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})).v(t)
	checkCanaryServed(t, svc)

	rep := ok(svc.CanaryStatus(ctx, "vlan", true)).v(t)
	sum := rep.Summary
	if sum.Nodes != 2 || sum.NewFailures != 2 || sum.ChangedConfigs != 2 || sum.RenderErrors != 0 || sum.Verdict != unet.CanaryFail ||
		len(sum.Reasons) != 1 || !strings.Contains(sum.Reasons[0], "2 new failure") {
		t.Fatalf("status summary: %+v", sum)
	}
	for _, n := range rep.Nodes {
		if !strings.HasPrefix(n.Node, "a-access") || len(n.Rules) != 1 || n.Rules[0].Rule != "access-vlan" || n.Rules[0].Change != "new_failure" ||
			n.Rules[0].Baseline != "" || n.Rules[0].Candidate != "fail" || !n.ConfigChanged || !strings.Contains(n.Diff, "+ntp server 192.0.2.123") {
			t.Fatalf("status of %s: %+v", n.Node, n)
		}
	}
	if got := ok(svc.GetCanary(ctx, "vlan")).v(t); got.Summary == nil || got.Summary.NewFailures != 2 {
		t.Fatalf("recorded summary: %+v", got.Summary)
	}
	// Its abort-on condition (render errors) does not hold: the job keeps it.
	ok(0, svc.CheckCanaries(ctx, nil)).v(t)
	if got := ok(svc.GetCanary(ctx, "vlan")).v(t); got.State != unet.CanaryActive {
		t.Fatalf("after a check: %+v", got)
	}

	// A restart (another service on the database, with an empty data
	// directory) keeps the canary and serves its candidate from the store.
	db2, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	svc2 := service.New(db2)
	svc2.SetGitAllowLocalURLs(true)
	svc2.SetGitDataDir(t.TempDir())
	if list := ok(svc2.ListCanaries(ctx, false)).v(t); len(list) != 1 || list[0].Name != "vlan" || list[0].State != unet.CanaryActive {
		t.Fatalf("after restart: %+v", list)
	}
	ok(svc2.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})).v(t)
	checkCanaryServed(t, svc2)

	// Abort: everybody is back on the active version at once.
	ab := ok(svc.AbortCanary(ctx, "vlan", "too many failures")).v(t)
	if ab.State != unet.CanaryAborted || ab.EndReason != unet.CanaryReasonManual || ab.EndDetail != "too many failures" || ab.EndedAt == nil {
		t.Fatalf("aborted: %+v", ab)
	}
	fails, sources := storedFailures(t, svc)
	if len(fails) != 0 {
		t.Fatalf("failures after abort: %v", fails)
	}
	for node, src := range sources {
		if src != "git:net@"+c1 {
			t.Fatalf("after abort %s evaluates with %s", node, src)
		}
	}
	_, err = svc.AbortCanary(ctx, "vlan", "")
	mustCode(t, err, unet.ECONFLICT)
	_, err = svc.PromoteCanary(ctx, unet.CanaryPromoteRequest{Name: "vlan"})
	mustCode(t, err, unet.ECONFLICT)

	// A second canary of the same commit, promoted: the environment's
	// active commit is the candidate and every node sees it.
	ok(svc.StartCanary(ctx, unet.CanaryStartRequest{Name: "vlan2", Source: "net", Commit: c2[:10], Selector: sel, TTL: "1h"})).v(t)
	res := ok(svc.PromoteCanary(ctx, unet.CanaryPromoteRequest{Name: "vlan2"})).v(t)
	pr := res.Canary
	if res.Kind != unet.CanaryPromoteDone || res.ChangeSet != nil || pr.State != unet.CanaryPromoted || pr.EndReason != unet.CanaryReasonPromoted {
		t.Fatalf("promoted: %+v", pr)
	}
	if st := gitStatusOf(t, svc, "net"); st.ActiveCommit != c2 || repo.Head("main") != c2 {
		t.Fatalf("after promotion: active %s, main at %s, want %s", st.ActiveCommit, repo.Head("main"), c2)
	}
	fails, sources = storedFailures(t, svc)
	if len(fails) != 4 {
		t.Fatalf("failures after promotion: %v", fails)
	}
	for node, src := range sources {
		if src != "git:net@"+c2 {
			t.Fatalf("after promotion %s evaluates with %s", node, src)
		}
	}
	if out := ok(svc.RenderNode(ctx, unet.TemplateRequest{Node: "b-core1"})).v(t); !strings.Contains(out.Parts[0].Output, "ntp server") {
		t.Fatalf("b-core1 after promotion: %s", out.Parts[0].Output)
	}

	// A diverged candidate cannot be promoted.
	repo.Branch("old", c1)
	old := repo.Commit("old", "diverged", map[string]string{"templates/base.j2": "hostname {{ node.name }} # old\n"})
	ok(svc.StartCanary(ctx, unet.CanaryStartRequest{Name: "old", Source: "net", Commit: old, Selector: sel, TTL: "1h"})).v(t)
	_, err = svc.PromoteCanary(ctx, unet.CanaryPromoteRequest{Name: "old"})
	mustCode(t, err, unet.ECONFLICT)
	if !strings.Contains(err.Error(), "not an ancestor") {
		t.Fatalf("diverged promotion: %v", err)
	}
	if got := ok(svc.GetCanary(ctx, "old")).v(t); got.State != unet.CanaryActive {
		t.Fatalf("after a refused promotion: %+v", got)
	}

	// TTL expiry: the job ends it (state expired, reason ttl).
	advance(2 * time.Hour)
	ok(0, svc.CheckCanaries(ctx, nil)).v(t)
	if got := ok(svc.GetCanary(ctx, "old")).v(t); got.State != unet.CanaryExpired || got.EndReason != unet.CanaryReasonTTL || got.EndedBy != "system" {
		t.Fatalf("after expiry: %+v", got)
	}

	// Abort-on: a candidate that fails the core switches trips it.
	c3 := repo.Commit("main", "core switches need a VLAN too", map[string]string{"policies/core.rules": strings.ReplaceAll(
		strings.ReplaceAll(accessRule, "access-vlan", "core-vlan"), `"access"`, `"core"`)})
	ok(svc.StartCanary(ctx, unet.CanaryStartRequest{Name: "core", Source: "net", Commit: c3, Selector: `node.role == "core"`, TTL: "1h",
		AbortOn: "new_failures > 0 AND nodes >= 1"})).v(t)
	if fails, _ := storedFailures(t, svc); len(fails) != 6 {
		t.Fatalf("failures with the core canary: %v", fails)
	}
	ok(0, svc.CheckCanaries(ctx, nil)).v(t)
	got := ok(svc.GetCanary(ctx, "core")).v(t)
	if got.State != unet.CanaryAborted || got.EndReason != unet.CanaryReasonAbortOn || got.Summary == nil || got.Summary.NewFailures != 2 {
		t.Fatalf("after abort-on: %+v %+v", got, got.Summary)
	}
	if fails, _ := storedFailures(t, svc); len(fails) != 4 {
		t.Fatalf("failures after the abort-on: %v", fails)
	}

	// Lists, events and the change log.
	if l := ok(svc.ListCanaries(ctx, false)).v(t); len(l) != 0 {
		t.Fatalf("active canaries: %+v", l)
	}
	if l := ok(svc.ListCanaries(ctx, true)).v(t); len(l) != 4 {
		t.Fatalf("all canaries: %+v", l)
	}
	var seq []string
	for _, e := range canaryEvents(t, svc) {
		var d service.CanaryEventData
		if err := json.Unmarshal(e.Data, &d); err != nil || d.Canary == nil {
			t.Fatalf("event %+v: %v", e, err)
		}
		seq = append(seq, e.Type+":"+d.Canary.Name+":"+d.Reason)
	}
	want := "canary.started:vlan:,canary.aborted:vlan:manual,canary.started:vlan2:,canary.promoted:vlan2:promoted," +
		"canary.started:old:,canary.aborted:old:ttl,canary.started:core:,canary.aborted:core:abort_on"
	if strings.Join(seq, ",") != want {
		t.Fatalf("events:\n%s\nwant\n%s", strings.Join(seq, ","), want)
	}
	changes := ok(svc.ListChanges(ctx, unet.ChangeFilter{Page: unet.Page{Limit: 500}})).v(t)
	n := 0
	for _, c := range changes.Items {
		if c.ObjectKind == unet.KindCanary {
			n++
		}
	}
	if n != 8 {
		t.Fatalf("%d canary changes, want 8", n)
	}
}
