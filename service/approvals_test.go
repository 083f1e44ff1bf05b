package service_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
)

// stageUpdate stages a merge patch of one object.
func stageUpdate(kind, ref string, patch map[string]any) unet.ChangeOp {
	b, _ := json.Marshal(patch)
	return unet.ChangeOp{Op: unet.OpUpdate, Kind: kind, Ref: ref, Data: b}
}

// approvalBy is an approval by actor holding roles.
func approvalBy(actor string, roles ...string) unet.Approval {
	return unet.Approval{Actor: actor, Decision: unet.DecisionApprove, Roles: roles, At: time.Now()}
}

func ruleRequirement(t *testing.T, svc *service.Service, ops []unet.ChangeOp, approvals ...unet.Approval) unet.ApprovalRequirement {
	t.Helper()
	return ok(svc.RequirementOf(actx(), ops, approvals)).v(t)
}

func addApprovalRule(t *testing.T, svc *service.Service, r unet.ApprovalRule) {
	t.Helper()
	ok(svc.AddApprovalRule(actx(), r, unet.WriteOptions{})).v(t)
}

func removeApprovalRule(t *testing.T, svc *service.Service, name string) {
	t.Helper()
	if err := svc.RemoveApprovalRule(actx(), name, unet.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
}

// matchedRules lists the rules of a requirement.
func matchedRules(req unet.ApprovalRequirement) []string {
	var out []string
	for _, r := range req.Rules {
		out = append(out, r.Rule)
	}
	return out
}

// TestApprovalRuleCRUD: rules are validated, listed by name, refused twice,
// removed, and every add and remove is in the change log under
// approval_rule/NAME. Both engines.
func TestApprovalRuleCRUD(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		r := ok(svc.AddApprovalRule(ctx, unet.ApprovalRule{Name: "prod", When: `node.environment == "production"`, Require: 2,
			Description: "production needs two"}, unet.WriteOptions{Reason: "policy"})).v(t)
		if r.Version != 1 || r.Require != 2 || r.CreatedAt.IsZero() {
			t.Fatalf("added %+v", r)
		}
		_, err := svc.AddApprovalRule(ctx, unet.ApprovalRule{Name: "prod", When: `node.role == "leaf"`, Require: 1}, unet.WriteOptions{})
		mustCode(t, err, unet.ECONFLICT)
		addApprovalRule(t, svc, unet.ApprovalRule{Name: "core", When: `node.role == "spine"`, Require: 3, Role: unet.RoleApprover})
		ok(svc.CreateRole(ctx, unet.Role{Name: "netsec", Permissions: []unet.Permission{unet.PermChangesApprove}})).v(t)
		addApprovalRule(t, svc, unet.ApprovalRule{Name: "acl", When: `location.path MATCHES "^Site"`, Require: 1, Role: "netsec", Environment: "lab"})

		bad := []struct {
			rule  unet.ApprovalRule
			field string
			text  string
		}{
			{unet.ApprovalRule{Name: "Bad Name", When: `node.role == "x"`, Require: 1}, "name", "lowercase"},
			{unet.ApprovalRule{Name: strings.Repeat("a", 65), When: `node.role == "x"`, Require: 1}, "name", "64"},
			{unet.ApprovalRule{Name: "x", When: `node.role ==`, Require: 1}, "when", "1:"},
			{unet.ApprovalRule{Name: "x", When: ``, Require: 1}, "when", "required"},
			{unet.ApprovalRule{Name: "x", When: `node.role == "x"`, Require: 0}, "require", "between 1 and 20"},
			{unet.ApprovalRule{Name: "x", When: `node.role == "x"`, Require: 21}, "require", "between 1 and 20"},
			{unet.ApprovalRule{Name: "x", When: `node.role == "x"`, Require: 1, Role: "nosuch"}, "role", "unknown role"},
			{unet.ApprovalRule{Name: "x", When: `node.role == "x"`, Require: 1, Environment: "Prod"}, "environment", "lowercase"},
		}
		for _, b := range bad {
			_, err := svc.AddApprovalRule(ctx, b.rule, unet.WriteOptions{})
			mustCode(t, err, unet.EINVALID)
			fe := unet.ErrorFields(err)
			if !slices.ContainsFunc(fe, func(f unet.FieldError) bool { return f.Field == b.field && strings.Contains(f.Message, b.text) }) {
				t.Errorf("%+v: want field %s mentioning %q, got %v", b.rule, b.field, b.text, fe)
			}
		}

		list := ok(svc.ListApprovalRules(ctx)).v(t)
		var names []string
		for _, r := range list {
			names = append(names, r.Name)
		}
		if !slices.Equal(names, []string{"acl", "core", "prod"}) {
			t.Fatalf("rules %v", names)
		}
		if err := svc.RemoveApprovalRule(ctx, "prod", unet.DeleteOptions{Reason: "obsolete"}); err != nil {
			t.Fatal(err)
		}
		mustCode(t, svc.RemoveApprovalRule(ctx, "prod", unet.DeleteOptions{}), unet.ENOTFOUND)

		hist := ok(svc.ListChanges(ctx, unet.ChangeFilter{Object: "approval_rule/prod"})).v(t)
		if len(hist.Items) != 2 || hist.Items[0].Op != unet.OpDelete || hist.Items[1].Op != unet.OpCreate {
			t.Fatalf("history of approval_rule/prod: %+v", hist.Items)
		}
		if c := hist.Items[1]; c.ObjectKind != unet.KindApprovalRule || c.Reason != "policy" || c.Actor != "tester" ||
			!strings.Contains(string(c.After), `"require":2`) || string(c.Before) != "null" {
			t.Fatalf("create row %+v", c)
		}
		if c := hist.Items[0]; c.Reason != "obsolete" || string(c.After) != "null" || !strings.Contains(string(c.Before), `production`) {
			t.Fatalf("delete row %+v", c)
		}
	})
}

// TestApprovalRequirement: rules are evaluated on the before and the after
// image of every object a set touches; the set needs the maximum of the
// matching rules (1 when none matches), each rule counts only live
// approvals of its role, and an environment limits a rule to objects of
// that environment. Both engines.
func TestApprovalRequirement(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		seed(t, svc)
		ctx := actx()
		ok(svc.CreateNode(ctx, &unet.Node{Name: "lab1", Domain: "example.net", Vendor: "arista", Role: "leaf", Environment: "lab",
			LocationID: "Site/Rack1"}, unet.WriteOptions{})).v(t)
		toLab := []unet.ChangeOp{stageUpdate(unet.KindNode, "leaf1.example.net", map[string]any{"environment": "lab"})}
		toProd := []unet.ChangeOp{stageUpdate(unet.KindNode, "lab1.example.net", map[string]any{"environment": "production"})}
		labOnly := []unet.ChangeOp{stageUpdate(unet.KindNode, "lab1.example.net", map[string]any{"model": "lab box"})}

		// No rule: one approval, from anyone.
		req := ruleRequirement(t, svc, toLab)
		if req.Required != 1 || len(req.Rules) != 0 || req.Satisfied || req.Approvals != 0 {
			t.Fatalf("no rules, no approvals: %+v", req)
		}
		if req = ruleRequirement(t, svc, toLab, approvalBy("ann")); !req.Satisfied || req.Approvals != 1 {
			t.Fatalf("no rules, one approval: %+v", req)
		}

		addApprovalRule(t, svc, unet.ApprovalRule{Name: "prod", When: `node.environment == "production"`, Require: 2})
		// Moving a node out of production matches on its before image.
		req = ruleRequirement(t, svc, toLab, approvalBy("ann"))
		if req.Required != 2 || req.Satisfied || !slices.Equal(matchedRules(req), []string{"prod"}) ||
			!slices.Equal(req.Rules[0].Objects, []string{"node/leaf1.example.net"}) || req.Rules[0].Approvals != 1 {
			t.Fatalf("out of production: %+v", req)
		}
		// Moving one in matches on its after image.
		if req = ruleRequirement(t, svc, toProd); req.Required != 2 || !slices.Equal(matchedRules(req), []string{"prod"}) {
			t.Fatalf("into production: %+v", req)
		}
		// A lab node that stays in the lab matches nothing: the default.
		if req = ruleRequirement(t, svc, labOnly, approvalBy("ann")); req.Required != 1 || len(req.Rules) != 0 || !req.Satisfied {
			t.Fatalf("lab only: %+v", req)
		}
		// Dismissed approvals and rejections do not count.
		dismissed := approvalBy("bob")
		now := time.Now()
		dismissed.DismissedAt = &now
		reject := unet.Approval{Actor: "cy", Decision: unet.DecisionReject, At: now}
		if req = ruleRequirement(t, svc, toLab, approvalBy("ann"), dismissed, reject); req.Satisfied || req.Approvals != 1 {
			t.Fatalf("dismissed and rejected: %+v", req)
		}
		if req = ruleRequirement(t, svc, toLab, approvalBy("ann"), approvalBy("bob")); !req.Satisfied || req.Approvals != 2 {
			t.Fatalf("two approvals: %+v", req)
		}

		// The maximum of the matching rules; a role-bound rule counts only
		// approvals from holders of the role.
		addApprovalRule(t, svc, unet.ApprovalRule{Name: "spines", When: `node.role == "spine"`, Require: 3, Role: unet.RoleApprover})
		both := []unet.ChangeOp{
			stageUpdate(unet.KindNode, "leaf1.example.net", map[string]any{"model": "x"}),
			stageUpdate(unet.KindNode, "spine1.example.net", map[string]any{"model": "y"}),
		}
		req = ruleRequirement(t, svc, both, approvalBy("ann"), approvalBy("bob"), approvalBy("cy"))
		if req.Required != 3 || !slices.Equal(matchedRules(req), []string{"prod", "spines"}) || req.Satisfied {
			t.Fatalf("two rules, approvals without the role: %+v", req)
		}
		if !slices.Equal(req.Rules[0].Objects, []string{"node/leaf1.example.net", "node/spine1.example.net"}) ||
			!slices.Equal(req.Rules[1].Objects, []string{"node/spine1.example.net"}) || req.Rules[1].Approvals != 0 || req.Rules[1].Role != unet.RoleApprover {
			t.Fatalf("rule matches: %+v", req.Rules)
		}
		req = ruleRequirement(t, svc, both, approvalBy("ann", unet.RoleApprover), approvalBy("bob", unet.RoleApprover), approvalBy("cy", unet.RoleEngineer))
		if req.Satisfied || req.Rules[1].Approvals != 2 {
			t.Fatalf("two approvers of three: %+v", req)
		}
		req = ruleRequirement(t, svc, both, approvalBy("ann", unet.RoleApprover), approvalBy("bob", unet.RoleApprover), approvalBy("cy", unet.RoleApprover))
		if !req.Satisfied || req.Required != 3 || req.Rules[0].Approvals != 3 || req.Rules[1].Approvals != 3 {
			t.Fatalf("three approvers: %+v", req)
		}
		removeApprovalRule(t, svc, "prod")
		removeApprovalRule(t, svc, "spines")

		// An environment limits a rule; a node condition sees the node's
		// location.
		addApprovalRule(t, svc, unet.ApprovalRule{Name: "rack-lab", When: `node.role == "leaf" and location.path == "Site/Rack1"`, Require: 2,
			Environment: "lab"})
		if req = ruleRequirement(t, svc, toLab); !slices.Equal(matchedRules(req), []string{"rack-lab"}) || req.Required != 2 {
			t.Fatalf("leaf1 moving to the lab (after image in lab): %+v", req)
		}
		leafDesc := []unet.ChangeOp{stageUpdate(unet.KindNode, "leaf1.example.net", map[string]any{"model": "z"})}
		if req = ruleRequirement(t, svc, leafDesc); len(req.Rules) != 0 || req.Required != 1 {
			t.Fatalf("production leaf with a lab rule: %+v", req)
		}
		if req = ruleRequirement(t, svc, labOnly); !slices.Equal(matchedRules(req), []string{"rack-lab"}) {
			t.Fatalf("lab leaf in Site/Rack1: %+v", req)
		}
		moveOut := []unet.ChangeOp{stageUpdate(unet.KindNode, "lab1.example.net", map[string]any{"location": "Site"})}
		if req = ruleRequirement(t, svc, moveOut); !slices.Equal(matchedRules(req), []string{"rack-lab"}) {
			t.Fatalf("lab leaf moving out of the rack (before image): %+v", req)
		}
		removeApprovalRule(t, svc, "rack-lab")

		// Location and link rules; a location rule with an environment
		// applies to locations holding nodes of it.
		addApprovalRule(t, svc, unet.ApprovalRule{Name: "sites", When: `location.type == "rack"`, Require: 2, Environment: "lab"})
		addApprovalRule(t, svc, unet.ApprovalRule{Name: "backbone", When: `link.role == "backbone"`, Require: 4})
		rack := []unet.ChangeOp{stageUpdate(unet.KindLocation, "Site/Rack1", map[string]any{"description": "row 1"})}
		if req = ruleRequirement(t, svc, rack); !slices.Equal(matchedRules(req), []string{"sites"}) ||
			!slices.Equal(req.Rules[0].Objects, []string{"location/Site/Rack1"}) {
			t.Fatalf("rack holding a lab node: %+v", req)
		}
		site := []unet.ChangeOp{stageUpdate(unet.KindLocation, "Site", map[string]any{"description": "main"})}
		if req = ruleRequirement(t, svc, site); len(req.Rules) != 0 {
			t.Fatalf("site: %+v", req)
		}
		links := ok(svc.ListLinks(ctx, unet.LinkFilter{})).v(t)
		link := []unet.ChangeOp{stageUpdate(unet.KindLink, links.Items[0].ID, map[string]any{"description": "uplink"})}
		if req = ruleRequirement(t, svc, link); req.Required != 4 || !slices.Equal(matchedRules(req), []string{"backbone"}) {
			t.Fatalf("backbone link: %+v", req)
		}
		removeApprovalRule(t, svc, "backbone")
		addApprovalRule(t, svc, unet.ApprovalRule{Name: "leaf-links", When: `link.a.node.name CONTAINS "leaf"`, Require: 2, Environment: "production"})
		if req = ruleRequirement(t, svc, link); req.Required != 2 || !slices.Equal(matchedRules(req), []string{"leaf-links"}) {
			t.Fatalf("link by endpoint name: %+v", req)
		}
	})
}

// TestApprovalRequirementNoObjects: a set that touches nothing needs the
// default single approval.
func TestApprovalRequirementNoObjects(t *testing.T) {
	svc := newService(t, "sqlite")
	addApprovalRule(t, svc, unet.ApprovalRule{Name: "all", When: `node.name != ""`, Require: 5})
	req, err := svc.RequirementOf(context.Background(), nil, nil)
	if err != nil || req.Required != 1 || req.Satisfied || len(req.Rules) != 0 {
		t.Fatalf("%+v %v", req, err)
	}
}
