package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// incrementalRules read node fields, the node's location path, both ends
// of a link and a location's own path.
const incrementalRules = `RULE "node-model" SEVERITY high WHEN node.vendor == "arista" THEN ASSERT node.model IS NOT NULL
RULE "node-site" SEVERITY low WHEN node.role == "leaf" THEN ASSERT location.path MATCHES "^Paris/"
RULE "link-vendor" SEVERITY medium WHEN link.role == "backbone" THEN ASSERT link.a.node.vendor == link.z.node.vendor
RULE "rack-path" SEVERITY low WHEN location.type == "rack" THEN ASSERT location.path MATCHES "^Paris/"
`

// incrementalInventory: Site (Rack1, Rack2) and Site2; leaf1 in Rack1,
// leaf2 in Rack2, spine1 in Site, spine2 in Site2, links leaf1–spine1,
// leaf2–spine1, spine1–spine2; ten filler leaves in Site2 that no edit
// below touches.
func incrementalInventory(t *testing.T, svc *service.Service) {
	t.Helper()
	ctx := actx()
	for _, l := range []unet.Location{{Name: "Site", Type: "site"}, {Name: "Site2", Type: "site"},
		{Name: "Rack1", Type: "rack", ParentID: "Site"}, {Name: "Rack2", Type: "rack", ParentID: "Site"}} {
		ok(svc.CreateLocation(ctx, &l, unet.WriteOptions{})).v(t)
	}
	for _, n := range []unet.Node{
		{Name: "leaf1", Vendor: "arista", Role: "leaf", LocationID: "Site/Rack1"},
		{Name: "leaf2", Vendor: "arista", Role: "leaf", LocationID: "Site/Rack2", Model: "7050"},
		{Name: "spine1", Vendor: "juniper", Role: "spine", LocationID: "Site"},
		{Name: "spine2", Vendor: "arista", Role: "spine", LocationID: "Site2", Model: "7280"},
	} {
		n.Domain = "example.net"
		ok(svc.CreateNode(ctx, &n, unet.WriteOptions{})).v(t)
	}
	for i := range 10 {
		ok(svc.CreateNode(ctx, &unet.Node{Name: fmt.Sprintf("fill%d", i), Domain: "example.net", Vendor: "arista", Role: "leaf",
			LocationID: "Site2"}, unet.WriteOptions{})).v(t)
	}
	for _, l := range []unet.Link{
		{ANodeID: "leaf1", AInterface: "et1", ZNodeID: "spine1", ZInterface: "et1", Role: "backbone"},
		{ANodeID: "leaf2", AInterface: "et1", ZNodeID: "spine1", ZInterface: "et2", Role: "backbone"},
		{ANodeID: "spine1", AInterface: "et9", ZNodeID: "spine2", ZInterface: "et9", Role: "backbone"},
	} {
		ok(svc.CreateLink(ctx, &l, unet.WriteOptions{})).v(t)
	}
}

// storedResults returns every stored result by object kind, ID and rule.
func storedResults(t *testing.T, svc *service.Service) map[string]unet.PolicyResult {
	t.Helper()
	out := map[string]unet.PolicyResult{}
	p := unet.Page{Limit: 1000}
	for {
		l := ok(svc.ListPolicyResults(context.Background(), unet.PolicyResultFilter{Page: p})).v(t)
		for _, r := range l.Items {
			out[r.ObjectKind+"/"+r.ObjectID+"/"+r.Rule] = r
		}
		if l.Next == "" {
			return out
		}
		p.Cursor = l.Next
	}
}

// historyRows returns the compliance history, oldest first.
func historyRows(t *testing.T, svc *service.Service) []unet.ComplianceChange {
	t.Helper()
	l := ok(svc.ListComplianceHistory(context.Background(), unet.ComplianceHistoryFilter{Page: unet.Page{Limit: 1000}})).v(t)
	out := append([]unet.ComplianceChange(nil), l.Items...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// changesAfter returns the change rows after the one with ID last, oldest
// first, and the newest ID.
func changesAfter(t *testing.T, svc *service.Service, last string) ([]unet.Change, string) {
	t.Helper()
	l := ok(svc.ListChanges(context.Background(), unet.ChangeFilter{Page: unet.Page{Limit: 200}})).v(t)
	var out []unet.Change
	for _, c := range l.Items {
		if c.ID == last {
			break
		}
		out = append([]unet.Change{c}, out...)
	}
	if len(l.Items) == 0 {
		return nil, last
	}
	return out, l.Items[0].ID
}

// content is what a stored result must agree on with a fresh evaluation.
type content struct {
	Name, Severity, Status, Message, Source string
	// Expected and Actual are the JSON of the values: stored values are
	// read back from JSON (a count evaluated as an int is then a float64).
	Expected, Actual string
}

// resultContent is what a stored result keeps of r.
func resultContent(t *testing.T, r *unet.PolicyResult) content {
	t.Helper()
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	return content{r.ObjectName, r.Severity, r.Status, r.Message, r.Source, js(r.Expected), js(r.Actual)}
}

// sameAsFull fails unless the stored results are exactly those of a full
// evaluation of the current inventory.
func sameAsFull(t *testing.T, svc *service.Service, stored map[string]unet.PolicyResult) {
	t.Helper()
	rep := ok(svc.EvaluatePolicies(actx(), unet.PolicyEvalRequest{})).v(t)
	want := map[string]content{}
	for i := range rep.Results {
		r := &rep.Results[i]
		want[r.ObjectKind+"/"+r.ObjectID+"/"+r.Rule] = resultContent(t, r)
	}
	got := map[string]content{}
	for k, r := range stored {
		got[k] = resultContent(t, &r)
	}
	if !reflect.DeepEqual(got, want) {
		for k, w := range want {
			if g, ok := got[k]; !ok || !reflect.DeepEqual(g, w) {
				t.Errorf("%s: stored %+v (present %v), full evaluation %+v", k, g, ok, w)
			}
		}
		for k, g := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s: stored %+v, not in a full evaluation", k, g)
			}
		}
		t.FailNow()
	}
}

// TestIncrementalEvaluationMatchesFull: after each inventory edit (node
// attribute, link endpoint, location rename, location move, node delete)
// the incremental evaluation of the change rows leaves stored exactly what
// a full evaluation computes, rewrites no unchanged result (evaluated_at
// stays) and appends history only for status transitions.
func TestIncrementalEvaluationMatchesFull(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		incrementalInventory(t, svc)
		files := []unet.PolicyFile{{Name: "inc.rules", Content: incrementalRules}}
		svc.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) { return files, "test", nil })
		ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})).v(t)
		_, last := changesAfter(t, svc, "")
		before := storedResults(t, svc)
		sameAsFull(t, svc, before)
		fill := func(m map[string]unet.PolicyResult) map[string]time.Time {
			out := map[string]time.Time{}
			for k, r := range m {
				if r.ObjectName[:4] == "fill" {
					out[k] = *r.EvaluatedAt
				}
			}
			return out
		}
		fillers := fill(before)
		if len(fillers) != 20 {
			t.Fatalf("%d filler results, want 20", len(fillers))
		}
		type transition struct{ object, rule, from, to string }
		steps := []struct {
			name string
			edit func()
			want []transition
		}{
			{"node attribute", func() {
				ok(svc.UpdateNode(ctx, "leaf1.example.net", unet.Patch{"model": "7050"}, unet.WriteOptions{})).v(t)
			}, []transition{{"leaf1.example.net", "node-model", "fail", "pass"}}},
			{"link endpoint", func() {
				ok(svc.UpdateLink(ctx, "leaf1.example.net:et1", unet.Patch{"z_node": "spine2.example.net"}, unet.WriteOptions{})).v(t)
			}, []transition{{"leaf1.example.net:et1", "link-vendor", "fail", "pass"}}},
			{"location rename", func() {
				ok(svc.UpdateLocation(ctx, "Site", unet.Patch{"name": "Paris"}, unet.WriteOptions{})).v(t)
			}, []transition{{"Paris/Rack1", "rack-path", "fail", "pass"}, {"Paris/Rack2", "rack-path", "fail", "pass"},
				{"leaf1.example.net", "node-site", "fail", "pass"}, {"leaf2.example.net", "node-site", "fail", "pass"}}},
			{"location move", func() {
				ok(svc.UpdateLocation(ctx, "Paris/Rack2", unet.Patch{"parent": "Site2"}, unet.WriteOptions{})).v(t)
			}, []transition{{"Site2/Rack2", "rack-path", "pass", "fail"}, {"leaf2.example.net", "node-site", "pass", "fail"}}},
			{"node delete", func() {
				if err := svc.DeleteNode(ctx, "leaf2.example.net", unet.DeleteOptions{Cascade: true}); err != nil {
					t.Fatal(err)
				}
			}, []transition{{"leaf2.example.net", "node-model", "pass", ""}, {"leaf2.example.net", "node-site", "fail", ""},
				{"leaf2.example.net:et1", "link-vendor", "fail", ""}}},
		}
		for _, step := range steps {
			prev := storedResults(t, svc)
			hist := historyRows(t, svc)
			step.edit()
			var changes []unet.Change
			changes, last = changesAfter(t, svc, last)
			if len(changes) == 0 {
				t.Fatalf("%s: no change rows", step.name)
			}
			rep, full, err := svc.EvaluateIncremental(ctx, service.IncrementalRequest{Changes: changes})
			if err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			if full {
				t.Fatalf("%s: evaluated everything", step.name)
			}
			if rep.Changed != len(step.want) {
				t.Errorf("%s: %d status changes, want %d", step.name, rep.Changed, len(step.want))
			}
			now := storedResults(t, svc)
			sameAsFull(t, svc, now)
			// History: exactly the transitions.
			var got []transition
			for _, h := range historyRows(t, svc)[len(hist):] {
				got = append(got, transition{h.ObjectName, h.Rule, h.From, h.To})
			}
			key := func(s []transition) func(i, j int) bool {
				return func(i, j int) bool { return fmt.Sprint(s[i]) < fmt.Sprint(s[j]) }
			}
			sort.Slice(got, key(got))
			want := append([]transition(nil), step.want...)
			sort.Slice(want, key(want))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: history %v, want %v", step.name, got, want)
			}
			// A result whose content did not change is not rewritten.
			for k, r := range now {
				p, had := prev[k]
				if !had {
					continue
				}
				same := p.Status == r.Status && p.ObjectName == r.ObjectName && reflect.DeepEqual(p.Expected, r.Expected) &&
					reflect.DeepEqual(p.Actual, r.Actual) && p.Message == r.Message
				if same && !p.EvaluatedAt.Equal(*r.EvaluatedAt) {
					t.Errorf("%s: %s rewritten without a change (evaluated_at %v → %v)", step.name, k, p.EvaluatedAt, r.EvaluatedAt)
				}
				if !same && p.EvaluatedAt.Equal(*r.EvaluatedAt) {
					t.Errorf("%s: %s changed but evaluated_at stayed", step.name, k)
				}
				if p.Status == r.Status && !p.Since.Equal(*r.Since) {
					t.Errorf("%s: %s kept its status but since moved", step.name, k)
				}
			}
		}
		// A full evaluation over stored results that did not change writes
		// nothing and appends no history.
		hist := len(historyRows(t, svc))
		rep := ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})).v(t)
		if rep.Changed != 0 || len(historyRows(t, svc)) != hist {
			t.Fatalf("full evaluation over unchanged results: %d changes, history %d → %d", rep.Changed, hist, len(historyRows(t, svc)))
		}
		after := storedResults(t, svc)
		if got := fill(after); !reflect.DeepEqual(got, fillers) {
			t.Fatalf("results of untouched nodes were rewritten: %v, want %v", got, fillers)
		}
	})
}

// TestLargeResultStore: a store past the size at which SQLite writes grow
// their page cache, and of more objects than one chunk of the comparison
// (compared on every core), keeps every result as evaluated with digests
// that match its rows; storing the same results again writes nothing, and
// edits spread over the chunks are found and stored.
func TestLargeResultStore(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		ok(svc.Import(ctx, scaleBundle(260), unet.ImportOptions{})).v(t)
		files := benchRules()
		svc.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) { return files, "bench", nil })
		rep := ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})).v(t)
		if len(rep.Results) < 25000 || rep.Changed != len(rep.Results) {
			t.Fatalf("%d results, %d changed", len(rep.Results), rep.Changed)
		}
		l := ok(svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Page: unet.Page{Limit: 1}})).v(t)
		if l.Total != len(rep.Results) {
			t.Fatalf("%d stored, %d evaluated", l.Total, len(rep.Results))
		}
		stored := storedResults(t, svc)
		sameAsFull(t, svc, stored)
		digestsMatchRows(t, svc, "first store")
		// Each object's first results are one history row (written in
		// the compact form over its rule set), read back as one change
		// per result.
		first := map[string]string{}
		for p := (unet.Page{Limit: 1000}); ; {
			h := ok(svc.ListComplianceHistory(ctx, unet.ComplianceHistoryFilter{Page: p})).v(t)
			for _, c := range h.Items {
				if c.From != "" {
					t.Fatalf("first store: change from %q", c.From)
				}
				first[c.ObjectKind+"/"+c.ObjectID+"/"+c.Rule] = c.To
			}
			if h.Next == "" {
				break
			}
			p.Cursor = h.Next
		}
		if len(first) != len(stored) {
			t.Fatalf("first store: %d history entries, %d results", len(first), len(stored))
		}
		for k, r := range stored {
			if first[k] != r.Status {
				t.Fatalf("%s: history says %q, stored %q", k, first[k], r.Status)
			}
		}
		again := ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})).v(t)
		if again.Changed != 0 {
			t.Fatalf("storing the same results again: %d changes", again.Changed)
		}
		// Objects are compared in key order (links, locations, then nodes
		// in the order they were created): these iosxe leaves, whose
		// version rules hold for 17.9.4 and not for 1.2.3, are in two
		// chunks of 256 objects.
		nodes := []string{"n00006.example.net", "n00105.example.net", "n00204.example.net", "n00255.example.net"}
		for _, n := range nodes {
			ok(svc.UpdateNode(ctx, n, unet.Patch{"software_version": "17.9.4"}, unet.WriteOptions{})).v(t)
		}
		edited := ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})).v(t)
		if edited.Changed == 0 {
			t.Fatal("edits over several chunks: no status change stored")
		}
		sameAsFull(t, svc, storedResults(t, svc))
		digestsMatchRows(t, svc, "store after edits")
		history := ok(svc.ListComplianceHistory(ctx, unet.ComplianceHistoryFilter{Page: unet.Page{Limit: 500}})).v(t)
		moved := map[string]bool{}
		for _, c := range history.Items {
			if c.From != "" {
				moved[c.ObjectName] = true
			}
		}
		for _, n := range nodes {
			if !moved[n] {
				t.Errorf("no status change recorded for %s (changes for %v)", n, moved)
			}
		}
	})
}
