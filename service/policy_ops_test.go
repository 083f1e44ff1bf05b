package service_test

import (
	"encoding/json"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// TestPolicyApplyDryRunReportsOps: a dry run reports, for each node the
// SETs change, the update that writes them (the staged operations of
// `policy apply --propose`); proposing and applying them writes what a
// direct apply writes, and a real apply reports no operations.
func TestPolicyApplyDryRunReportsOps(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		ok(svc.CreateLocation(ctx, &unet.Location{Name: "EMEA", Type: "region"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateLocation(ctx, &unet.Location{Name: "lon", Type: "site", ParentID: "EMEA"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "lon-core-01", Vendor: "cisco", Role: "core", LocationID: "EMEA/lon",
			CustomData: map[string]any{"owner": "noc"}}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "lon-acc-01", Vendor: "cisco", Role: "access", LocationID: "EMEA/lon"}, unet.WriteOptions{})).v(t)

		rep := ok(svc.ApplyPolicies(ctx, unet.PolicyApplyRequest{Files: siteOverrideRules, DryRun: true})).v(t)
		if len(rep.Ops) != 2 || len(rep.Ops) != len(rep.Updated) {
			t.Fatalf("dry run ops: %+v", rep)
		}
		for i, op := range rep.Ops {
			if op.Op != unet.OpUpdate || op.Kind != unet.KindNode || op.Ref != rep.Updated[i] {
				t.Errorf("op %d: %+v", i, op)
			}
			var patch map[string]map[string]any
			if err := json.Unmarshal(op.Data, &patch); err != nil || len(patch) != 1 || patch["custom_data"]["tier"] != "gold" {
				t.Errorf("op %d data: %v %s", i, err, op.Data)
			}
		}
		// The set applies what the direct apply would have written.
		cs := ok(svc.ProposeChangeSet(ctx, unet.ChangeSetRequest{Title: "tiers", Ops: rep.Ops})).v(t)
		ok(svc.ApplyChangeSet(unet.WithActor(ctx, "someone-else"), cs.ID, unet.ApplyOptions{Emergency: true, Reason: "test"})).v(t)
		n := ok(svc.GetNode(ctx, "lon-core-01")).v(t)
		if n.CustomData["tier"] != "gold" || n.CustomData["owner"] != "noc" {
			t.Errorf("after the set: %v", n.CustomData)
		}
		again := ok(svc.ApplyPolicies(ctx, unet.PolicyApplyRequest{Files: siteOverrideRules, DryRun: true})).v(t)
		if len(again.Ops) != 0 || len(again.Updated) != 0 {
			t.Errorf("after the set the rules change nothing: %+v", again)
		}
		ok(svc.UpdateNode(ctx, "lon-acc-01", unet.Patch{"custom_data": nil}, unet.WriteOptions{})).v(t)
		real := ok(svc.ApplyPolicies(ctx, unet.PolicyApplyRequest{Files: siteOverrideRules})).v(t)
		if real.Ops != nil || len(real.Updated) != 1 {
			t.Errorf("a real apply: %+v", real)
		}
	})
}
