package service_test

import (
	"context"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// digestsMatchRows fails unless the stored objects hold exactly one digest per
// object with stored results, each the digest of those rows.
func digestsMatchRows(t *testing.T, svc *service.Service, step string) {
	t.Helper()
	ctx := context.Background()
	rd := svc.DB().Reader()
	byObject := map[sqlstore.ObjectRef][]*sqlstore.ResultRow{}
	if err := rd.AllStoredRows(ctx, func(r *sqlstore.StoredRow) {
		row := r.ResultRow
		o := sqlstore.ObjectRef{Kind: r.Kind, ID: r.ObjectID}
		byObject[o] = append(byObject[o], &row)
	}); err != nil {
		t.Fatal(err)
	}
	stored := map[sqlstore.ObjectRef]string{}
	if err := rd.PolicyDigests(ctx, func(o sqlstore.ObjectRef, d string) { stored[o] = d }); err != nil {
		t.Fatal(err)
	}
	for o, rows := range byObject {
		if want := sqlstore.DigestRows(rows); stored[o] != want {
			t.Errorf("%s: %s/%s: digest %q, its %d rows make %q", step, o.Kind, o.ID, stored[o], len(rows), want)
		}
	}
	for o := range stored {
		if _, ok := byObject[o]; !ok {
			t.Errorf("%s: %s/%s has a digest and no stored results", step, o.Kind, o.ID)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// TestPolicyDigestsMatchRows: the per-object digests stay those of the
// stored rows after full stores, incremental stores, stores of one rule or
// of some nodes, and deletions; a full store over edited objects finds them
// by their digests; digests left unknown (results stored before the table
// existed) are read through and filled in.
func TestPolicyDigestsMatchRows(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		incrementalInventory(t, svc)
		files := []unet.PolicyFile{{Name: "inc.rules", Content: incrementalRules}}
		svc.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) { return files, "test", nil })
		full := func(step string, wantChanged int) {
			t.Helper()
			rep := ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})).v(t)
			if wantChanged < 0 {
				wantChanged = len(rep.Results) // all new
			}
			if rep.Changed != wantChanged {
				t.Fatalf("%s: %d status changes, want %d", step, rep.Changed, wantChanged)
			}
			sameAsFull(t, svc, storedResults(t, svc))
			digestsMatchRows(t, svc, step)
		}
		full("first full store", -1)
		_, last := changesAfter(t, svc, "")
		incremental := func(step string) {
			t.Helper()
			var changes []unet.Change
			changes, last = changesAfter(t, svc, last)
			if _, isFull, err := svc.EvaluateIncremental(ctx, service.IncrementalRequest{Changes: changes}); err != nil || isFull {
				t.Fatalf("%s: full %v, %v", step, isFull, err)
			}
			sameAsFull(t, svc, storedResults(t, svc))
			digestsMatchRows(t, svc, step)
		}

		ok(svc.UpdateNode(ctx, "leaf1.example.net", unet.Patch{"model": "7050"}, unet.WriteOptions{})).v(t)
		incremental("incremental after a node edit")

		// Edits seen by a full store only: its digests find the objects.
		ok(svc.UpdateNode(ctx, "leaf1.example.net", unet.Patch{"model": nil}, unet.WriteOptions{})).v(t)
		ok(svc.UpdateLocation(ctx, "Site", unet.Patch{"name": "Paris"}, unet.WriteOptions{})).v(t)
		full("full store after edits", 1+4)
		_, last = changesAfter(t, svc, "")

		// One rule, then some nodes: merged into the objects' other results.
		ok(svc.UpdateNode(ctx, "leaf1.example.net", unet.Patch{"model": "7050"}, unet.WriteOptions{})).v(t)
		rep := ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true, Rule: "node-model"})).v(t)
		if rep.Changed != 1 {
			t.Fatalf("store of one rule: %d status changes", rep.Changed)
		}
		digestsMatchRows(t, svc, "store of one rule")
		ok(svc.UpdateNode(ctx, "leaf2.example.net", unet.Patch{"model": nil}, unet.WriteOptions{})).v(t)
		ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true, Nodes: []string{"leaf2.example.net"}})).v(t)
		sameAsFull(t, svc, storedResults(t, svc))
		digestsMatchRows(t, svc, "store of one node")
		_, last = changesAfter(t, svc, "")

		if err := svc.DeleteNode(ctx, "leaf2.example.net", unet.DeleteOptions{Cascade: true}); err != nil {
			t.Fatal(err)
		}
		incremental("incremental after a node delete")
		if err := svc.DeleteNode(ctx, "fill3.example.net", unet.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		full("full store after a node delete", 2) // its two results removed

		// Unknown digests, as the migration leaves them: a full store reads
		// the rows, changes nothing and fills the digests in.
		if _, err := svc.DB().SQL().ExecContext(ctx, `UPDATE policy_object_results SET digest = ''`); err != nil {
			t.Fatal(err)
		}
		full("full store over unknown digests", 0)
		full("full store again", 0)
	})
}
