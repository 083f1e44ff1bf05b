package service_test

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// siteOverrideRules are a global default, a site override that reads only
// location fields but writes the short form custom_data (the node's), and a
// later rule that reads the value the override set.
var siteOverrideRules = []unet.PolicyFile{
	{Name: "00-global.rules", Content: `RULE "default-tier" WHEN node.vendor IS NOT NULL THEN SET custom_data.tier TO "silver"`},
	{Name: "50-sites.rules", Content: `RULE "lon-tier" WHEN location.name == "lon" THEN SET custom_data.tier TO "gold"`},
	{Name: "90-monitoring.rules", Content: `RULE "gold-monitoring" WHEN custom_data.tier == "gold" THEN APPLY "monitoring/gold.j2"
RULE "tier-gold" WHEN node.role == "core" THEN ASSERT custom_data.tier IS "gold"`},
}

// TestSiteOverrideTargetsNodes: a rule whose condition reads only location
// fields and whose SET uses the short form custom_data.<path> is a node rule
// (the short form is the node's, SPEC §3.1), so the nodes at that site see
// the override in later rules, in the SETs of the report and after apply.
func TestSiteOverrideTargetsNodes(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		ok(svc.CreateLocation(ctx, &unet.Location{Name: "EMEA", Type: "region"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateLocation(ctx, &unet.Location{Name: "lon", Type: "site", ParentID: "EMEA"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateLocation(ctx, &unet.Location{Name: "par", Type: "site", ParentID: "EMEA"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "lon-core-01", Vendor: "cisco", Role: "core", LocationID: "EMEA/lon"}, unet.WriteOptions{})).v(t)
		ok(svc.CreateNode(ctx, &unet.Node{Name: "par-core-01", Vendor: "cisco", Role: "core", LocationID: "EMEA/par"}, unet.WriteOptions{})).v(t)

		rep := ok(svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: siteOverrideRules, Source: "test"})).v(t)
		status := map[string]string{}
		for _, r := range rep.Results {
			status[r.ObjectKind+" "+r.ObjectName+" "+r.Rule] = r.Status
		}
		want := map[string]string{
			"node lon-core-01 lon-tier":        unet.StatusPass,
			"node lon-core-01 gold-monitoring": unet.StatusPass,
			"node lon-core-01 tier-gold":       unet.StatusPass,
			"node par-core-01 lon-tier":        unet.StatusNotApplicable,
			"node par-core-01 gold-monitoring": unet.StatusNotApplicable,
			"node par-core-01 tier-gold":       unet.StatusFail,
		}
		for k, w := range want {
			if status[k] != w {
				t.Errorf("%s = %q, want %q", k, status[k], w)
			}
		}
		for _, r := range rep.Results {
			if r.ObjectKind != unet.KindNode {
				t.Errorf("the rules target nodes only, got a %s result: %+v", r.ObjectKind, r)
			}
		}
		if got := rep.Templates["lon-core-01"]; len(got) != 1 || got[0] != "monitoring/gold.j2" {
			t.Errorf("lon-core-01 templates = %v", got)
		}
		if got := rep.Templates["par-core-01"]; len(got) != 0 {
			t.Errorf("par-core-01 templates = %v", got)
		}
		sets := rep.Sets["lon-core-01"]
		if len(sets) != 2 || sets[1].Rule != "lon-tier" || sets[1].Value != "gold" {
			t.Errorf("lon-core-01 sets = %+v", sets)
		}

		ok(svc.ApplyPolicies(ctx, unet.PolicyApplyRequest{Files: siteOverrideRules, Reason: "tiers"})).v(t)
		for name, tier := range map[string]string{"lon-core-01": "gold", "par-core-01": "silver"} {
			n := ok(svc.GetNode(ctx, name)).v(t)
			if n.CustomData["tier"] != tier {
				t.Errorf("%s custom_data after apply = %v, want tier %s", name, n.CustomData, tier)
			}
		}
	})
}

// TestPolicyWarningsPositioned: the service reports the ambiguous-target
// warning with file and line:col, nothing for a plain site override, and an
// invalid error for rules that do not compile.
func TestPolicyWarningsPositioned(t *testing.T) {
	svc := newService(t, "sqlite")
	ctx := actx()
	w := ok(svc.PolicyWarnings(ctx, []unet.PolicyFile{{Name: "sites.rules", Content: "RULE \"contact\"\nWHEN location.type == \"site\"\nTHEN ASSERT custom_data.contact IS NOT NULL\n"}})).v(t)
	if len(w) != 1 || w[0].File != "sites.rules" || w[0].Field != "3:13" || !strings.HasPrefix(w[0].Message, "custom_data.contact is ambiguous") {
		t.Fatalf("warnings: %+v", w)
	}
	if w := ok(svc.PolicyWarnings(ctx, siteOverrideRules)).v(t); len(w) != 0 {
		t.Fatalf("site override warnings: %+v", w)
	}
	_, err := svc.PolicyWarnings(ctx, []unet.PolicyFile{{Name: "mixed.rules", Content: `WHEN location.name == "lon" THEN { SET location.custom_data.a TO 1; SET custom_data.b TO 2 }`}})
	mustCode(t, err, unet.EINVALID)
	if f := unet.ErrorFields(err); len(f) != 1 || f[0].Field != "1:73" || !strings.Contains(f[0].Message, "rule writes both its location") {
		t.Fatalf("mixed writes: %+v", f)
	}
}
