package service_test

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

const directRefusal = "are refused (serve --require-change-sets): propose a change set with --propose, or use --emergency --reason"

// mustRefuseDirect asserts a direct-write refusal naming env.
func mustRefuseDirect(t *testing.T, err error, env string) {
	t.Helper()
	mustCode(t, err, unet.ECONFLICT)
	if want := "direct writes to " + env + " " + directRefusal; !strings.Contains(err.Error(), want) {
		t.Fatalf("refusal %q, want %q", err, want)
	}
}

// labTopology adds a lab site with two lab nodes and a link between them to
// seed's production topology.
func labTopology(t *testing.T, svc *service.Service) {
	t.Helper()
	seed(t, svc)
	ctx := actx()
	ok(svc.CreateLocation(ctx, &unet.Location{Name: "Lab", Type: "site"}, unet.WriteOptions{})).v(t)
	for _, name := range []string{"lab1", "lab2"} {
		ok(svc.CreateNode(ctx, &unet.Node{Name: name, Domain: "example.net", Vendor: "arista", Environment: "lab", LocationID: "Lab"},
			unet.WriteOptions{})).v(t)
	}
	ok(svc.CreateLink(ctx, &unet.Link{ANodeID: "lab1", AInterface: "et1", ZNodeID: "lab2", ZInterface: "et1"}, unet.WriteOptions{})).v(t)
}

// TestRequireChangeSets: with direct writes refused in production, every
// direct write of a production node, of a link with a production endpoint
// and of a location holding production nodes is refused with the rule's
// conflict, and writes nothing; the lab is untouched by the rule; an
// emergency passes. Both engines.
func TestRequireChangeSets(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		labTopology(t, svc)
		ctx := actx()
		if svc.RequireChangeSets() != nil {
			t.Fatal("on by default")
		}
		svc.SetRequireChangeSets([]string{"production"})
		before := changeCount(t, svc)

		_, err := svc.UpdateNode(ctx, "leaf1", unet.Patch{"model": "x"}, unet.WriteOptions{})
		mustRefuseDirect(t, err, "production")
		_, err = svc.CreateNode(ctx, &unet.Node{Name: "new1", Domain: "example.net", Vendor: "arista"}, unet.WriteOptions{})
		mustRefuseDirect(t, err, "production")
		mustRefuseDirect(t, svc.DeleteNode(ctx, "spine1", unet.DeleteOptions{Cascade: true}), "production")
		_, err = svc.UpdateNode(ctx, "lab1", unet.Patch{"environment": "production"}, unet.WriteOptions{})
		mustRefuseDirect(t, err, "production")
		_, err = svc.UpdateLink(ctx, "leaf1.example.net:Ethernet49/1", unet.Patch{"description": "x"}, unet.WriteOptions{})
		mustRefuseDirect(t, err, "production")
		_, err = svc.CreateLink(ctx, &unet.Link{ANodeID: "lab1", AInterface: "et2", ZNodeID: "leaf1", ZInterface: "et9"}, unet.WriteOptions{})
		mustRefuseDirect(t, err, "production")
		_, err = svc.UpdateLocation(ctx, "Site/Rack1", unet.Patch{"description": "x"}, unet.WriteOptions{})
		mustRefuseDirect(t, err, "production")
		_, err = svc.UpdateLocation(ctx, "Site", unet.Patch{"description": "x"}, unet.WriteOptions{})
		mustRefuseDirect(t, err, "production")
		_, err = svc.Import(ctx, &unet.Bundle{Nodes: []unet.NodeRecord{{Name: "leaf1", Domain: "example.net", Vendor: "arista", Model: "y"}}},
			unet.ImportOptions{})
		mustRefuseDirect(t, err, "production")
		if n := changeCount(t, svc); n != before {
			t.Fatalf("refused writes left %d change rows", n-before)
		}

		// The lab, vendors and approval rules are not covered.
		ok(svc.UpdateNode(ctx, "lab1", unet.Patch{"model": "lab"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "lab3", Domain: "example.net", Vendor: "arista", Environment: "lab"}, unet.WriteOptions{})).v(t)
		ok(svc.UpdateLink(ctx, "lab1.example.net:et1", unet.Patch{"description": "lab"}, unet.WriteOptions{})).v(t)
		ok(svc.UpdateLocation(ctx, "Lab", unet.Patch{"description": "lab"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateLocation(ctx, &unet.Location{Name: "Empty", Type: "site"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateVendor(ctx, &unet.Vendor{Name: "acme"}, unet.WriteOptions{})).v(t)
		addApprovalRule(t, svc, unet.ApprovalRule{Name: "prod", When: `node.environment == "production"`, Require: 2})

		// Policy apply writes nodes directly: refused in production unless
		// an emergency, which needs a reason.
		files := []unet.PolicyFile{{Name: "tier.rules", Content: `RULE "tier" WHEN node.name == "leaf1" THEN SET custom_data.tier TO 1`}}
		_, err = svc.ApplyPolicies(ctx, unet.PolicyApplyRequest{Files: files})
		mustRefuseDirect(t, err, "production")
		_, err = svc.ApplyPolicies(ctx, unet.PolicyApplyRequest{Files: files, Emergency: true})
		mustCode(t, err, unet.EINVALID)
		rep := ok(svc.ApplyPolicies(ctx, unet.PolicyApplyRequest{Files: files, Emergency: true, Reason: "tier now"})).v(t)
		if len(rep.Updated) != 1 {
			t.Fatalf("emergency policy apply %+v", rep)
		}
		em := ok(svc.ListEmergencyChanges(ctx, unet.EmergencyFilter{Pending: true})).v(t)
		if len(em.Items) != 1 || em.Items[0].Batch != rep.Batch || em.Items[0].Reason != "tier now" {
			t.Fatalf("emergency policy apply listed as %+v", em.Items)
		}

		// An emergency passes and is flagged.
		n := ok(svc.UpdateNode(ctx, "leaf1", unet.Patch{"model": "hotfix"}, unet.WriteOptions{Emergency: true, Reason: "outage"})).v(t)
		if n.Model != "hotfix" {
			t.Fatalf("emergency update %+v", n)
		}
		if err := svc.DeleteNode(ctx, "spine1", unet.DeleteOptions{Cascade: true, Emergency: true, Reason: "RMA"}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRequireChangeSetsEverywhere: an empty list covers every environment,
// vendors and every location included; nil turns the rule off.
func TestRequireChangeSetsEverywhere(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		labTopology(t, svc)
		ctx := actx()
		svc.SetRequireChangeSets([]string{})
		if got := svc.RequireChangeSets(); got == nil || len(got) != 0 {
			t.Fatalf("setting %v", got)
		}
		_, err := svc.UpdateNode(ctx, "lab1", unet.Patch{"model": "x"}, unet.WriteOptions{})
		mustRefuseDirect(t, err, "lab")
		_, err = svc.CreateVendor(ctx, &unet.Vendor{Name: "acme"}, unet.WriteOptions{})
		mustRefuseDirect(t, err, "every environment")
		_, err = svc.CreateLocation(ctx, &unet.Location{Name: "Empty", Type: "site"}, unet.WriteOptions{})
		mustRefuseDirect(t, err, "every environment")
		ok(svc.CreateVendor(ctx, &unet.Vendor{Name: "acme"}, unet.WriteOptions{Emergency: true, Reason: "needed now"})).v(t)

		svc.SetRequireChangeSets(nil)
		ok(svc.UpdateNode(ctx, "lab1", unet.Patch{"model": "x"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateLocation(ctx, &unet.Location{Name: "Empty", Type: "site"}, unet.WriteOptions{})).v(t)
	})
}
