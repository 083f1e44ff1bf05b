package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// TestChangeReviewOnDemoData is the walk-through on the demo data over the
// API: a software downgrade of one IOS-XE node shows the new
// iosxe-min-version failure in its impact before anything is applied; the
// author can neither approve nor apply it; another actor approves and
// applies; the node has the new version; reverting the set restores the old
// one.
func TestChangeReviewOnDemoData(t *testing.T) {
	ts := demoServer(t)
	as := func(actor string) []string { return []string{httpapi.ActorHeader, actor} }
	var node unet.Node
	ts.send(t, "GET", "/api/v1/nodes/lon-core-01", nil).decode(t, &node)
	old := node.SoftwareVersion
	if node.Platform != "iosxe" || old == "" {
		t.Fatalf("demo node: %+v", node)
	}

	a := ts.send(t, "POST", "/api/v1/changesets", map[string]any{"title": "downgrade lon-core-01",
		"ops": []map[string]any{{"op": "update", "kind": "node", "ref": "lon-core-01", "data": map[string]any{"software_version": "17.3.1"}}}},
		as("alice")...)
	if a.status != http.StatusCreated {
		t.Fatalf("propose: %d %s", a.status, a.body)
	}
	var cs unet.ChangeSet
	a.decode(t, &cs)
	item := "/api/v1/changesets/" + cs.ID
	a = ts.send(t, "GET", item, nil, as("bob")...)
	var shown unet.ChangeSet
	a.decode(t, &shown)
	if shown.Impact == nil {
		t.Fatalf("no impact: %s", a.body)
	}
	found := false
	for _, p := range shown.Impact.Policy {
		found = found || (p.Object == node.FQDN && p.Rule == "iosxe-min-version" && p.Before == "pass" && p.After == "fail")
	}
	if !found {
		t.Fatalf("impact.policy lacks the new iosxe-min-version failure: %+v", shown.Impact.Policy)
	}
	ts.send(t, "GET", "/api/v1/nodes/lon-core-01", nil).decode(t, &node)
	if node.SoftwareVersion != old {
		t.Fatalf("the proposal changed the node: %+v", node)
	}

	for _, action := range []string{"approve", "apply"} {
		a = ts.send(t, "POST", item+"/"+action, map[string]any{}, as("alice")...)
		if p := a.problem(t); a.status != http.StatusForbidden || !strings.Contains(p.Detail, cs.ID) {
			t.Fatalf("the author's %s: %d %+v", action, a.status, p)
		}
	}
	if a = ts.send(t, "POST", item+"/approve", map[string]any{"comment": "ok"}, as("bob")...); a.status != http.StatusOK {
		t.Fatalf("approve: %d %s", a.status, a.body)
	}
	beforeApply := time.Now().UTC()
	if a = ts.send(t, "POST", item+"/apply", map[string]any{}, as("bob")...); a.status != http.StatusOK {
		t.Fatalf("apply: %d %s", a.status, a.body)
	}
	ts.send(t, "GET", "/api/v1/nodes/lon-core-01", nil).decode(t, &node)
	if node.SoftwareVersion != "17.3.1" {
		t.Fatalf("after apply: %+v", node)
	}
	var revert unet.ChangeSet
	if a = ts.send(t, "POST", "/api/v1/changes/"+cs.ID+"/revert", map[string]any{"reason": "roll back"}, as("bob")...); a.status != http.StatusOK {
		t.Fatalf("revert: %d %s", a.status, a.body)
	}
	a.decode(t, &revert)
	if revert.State != unet.ChangeSetApplied || revert.Reverts != cs.ID {
		t.Fatalf("revert set: %+v", revert)
	}
	ts.send(t, "GET", "/api/v1/nodes/lon-core-01", nil).decode(t, &node)
	if node.SoftwareVersion != old {
		t.Fatalf("after revert: %+v", node)
	}
	ts.send(t, "GET", item+"?impact=false", nil).decode(t, &shown)
	if shown.State != unet.ChangeSetReverted || shown.RevertedBy != revert.ID || shown.AppliedAt == nil || shown.AppliedAt.Before(beforeApply.Add(-time.Minute)) {
		t.Fatalf("reverted set: %+v", shown)
	}
}

// TestGuardRefusesApplyOverHTTP: a set that changes the rendered
// configuration of more than 20% of the nodes trips the default guard: its
// apply is refused with 403 naming the guard, even approved; a forced apply
// needs a reason, and then goes through.
func TestGuardRefusesApplyOverHTTP(t *testing.T) {
	ts := demoServer(t)
	as := func(actor string) []string { return []string{httpapi.ActorHeader, actor} }
	var nodes unet.List[unet.Node]
	ts.send(t, "GET", "/api/v1/nodes?limit=1000", nil).decode(t, &nodes)
	var ops []map[string]any
	for _, n := range nodes.Items {
		ops = append(ops, map[string]any{"op": "update", "kind": "node", "ref": n.Name, "data": map[string]any{"domain": "example.org"}})
	}
	a := ts.send(t, "POST", "/api/v1/changesets", map[string]any{"title": "new domain everywhere", "ops": ops}, as("alice")...)
	if a.status != http.StatusCreated {
		t.Fatalf("propose: %d %s", a.status, a.body)
	}
	var cs unet.ChangeSet
	a.decode(t, &cs)
	item := "/api/v1/changesets/" + cs.ID
	var shown unet.ChangeSet
	ts.send(t, "GET", item, nil).decode(t, &shown)
	tripped := []string{}
	for _, g := range shown.Impact.Guards {
		if g.Tripped {
			tripped = append(tripped, g.Name)
		}
	}
	if len(tripped) == 0 || shown.Impact.Stats.ConfigChanged*5 <= shown.Impact.Stats.TotalNodes {
		t.Fatalf("guards: %+v, stats %+v", shown.Impact.Guards, shown.Impact.Stats)
	}
	if a = ts.send(t, "POST", item+"/approve", map[string]any{}, as("bob")...); a.status != http.StatusOK {
		t.Fatalf("approve: %d %s", a.status, a.body)
	}
	a = ts.send(t, "POST", item+"/apply", map[string]any{}, as("bob")...)
	p := a.problem(t)
	if a.status != http.StatusForbidden || !strings.Contains(p.Detail, tripped[0]) || !strings.Contains(p.Detail, "--force") {
		t.Fatalf("apply with a tripped guard: %d %+v", a.status, p)
	}
	a = ts.send(t, "POST", item+"/apply", map[string]any{"force": true}, as("bob")...)
	if a.status < 400 || a.status >= 500 || !strings.Contains(fmt.Sprint(a.problem(t)), "reason") {
		t.Fatalf("forced apply without a reason: %d %s", a.status, a.body)
	}
	if a = ts.send(t, "POST", item+"/apply", map[string]any{"force": true, "reason": "planned migration"}, as("bob")...); a.status != http.StatusOK {
		t.Fatalf("forced apply: %d %s", a.status, a.body)
	}
	var n unet.Node
	ts.send(t, "GET", "/api/v1/nodes/"+nodes.Items[0].Name, nil).decode(t, &n)
	if n.Domain != "example.org" {
		t.Fatalf("after the forced apply: %+v", n)
	}
}
