package service_test

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// hasField reports whether err is an invalid error whose field errors name
// field (or a path below it, for custom_data).
func hasField(t *testing.T, err error, field string) {
	t.Helper()
	mustCode(t, err, unet.EINVALID)
	for _, f := range unet.ErrorFields(err) {
		if f.Field == field || strings.HasPrefix(f.Field, field+".") {
			return
		}
	}
	t.Fatalf("field errors %v do not name %s", unet.ErrorFields(err), field)
}

// TestWritePathsEnforceLimits: creates, merge-patch updates and imports all
// run the limits; nothing is written when they fail.
func TestWritePathsEnforceLimits(t *testing.T) {
	svc := newService(t, sqlstore.SQLite)
	ctx := actx()
	seed(t, svc)
	before := changeCount(t, svc)

	_, err := svc.CreateNode(ctx, &unet.Node{Name: "leaf9", Vendor: "arista", Model: strings.Repeat("m", 129)}, unet.WriteOptions{})
	hasField(t, err, "model")
	_, err = svc.CreateNode(ctx, &unet.Node{Name: "leaf9", Vendor: "arista", SerialNumber: "SN\x1b[2J"}, unet.WriteOptions{})
	hasField(t, err, "serial_number")
	_, err = svc.UpdateNode(ctx, "leaf1", unet.Patch{"asset_tag": "A\x00"}, unet.WriteOptions{})
	hasField(t, err, "asset_tag")
	_, err = svc.UpdateNode(ctx, "leaf1", unet.Patch{"custom_data": map[string]any{"blob": strings.Repeat("x", 1<<20)}}, unet.WriteOptions{})
	hasField(t, err, "custom_data")
	_, err = svc.UpdateLocation(ctx, "Site", unet.Patch{"description": "line\nbreak"}, unet.WriteOptions{})
	hasField(t, err, "description")
	_, err = svc.UpdateLink(ctx, "leaf1:Ethernet49/1", unet.Patch{"provider": strings.Repeat("p", 129)}, unet.WriteOptions{})
	hasField(t, err, "provider")
	_, err = svc.CreateVendor(ctx, &unet.Vendor{Name: "acme", DisplayName: "Acme\x1b]0;pwned\x07"}, unet.WriteOptions{})
	hasField(t, err, "display_name")

	b := &unet.Bundle{Nodes: []unet.NodeRecord{{Name: "leaf9", Vendor: "arista", Role: strings.Repeat("r", 65),
		Source: &unet.Origin{File: "nodes.yaml", Record: 1}}}}
	_, err = svc.Import(ctx, b, unet.ImportOptions{})
	hasField(t, err, "role")
	if f := unet.ErrorFields(err)[0]; f.File != "nodes.yaml" || f.Record != 1 {
		t.Errorf("import error %+v does not name file and record", f)
	}
	if after := changeCount(t, svc); after != before {
		t.Fatalf("refused writes left %d change rows", after-before)
	}
}

// TestPolicyApplyEnforcesCustomDataLimits: a SET that would nest custom_data
// past the depth limit is refused like any other write.
func TestPolicyApplyEnforcesCustomDataLimits(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		seed(t, svc)
		path := make([]string, 33)
		for i := range path {
			path[i] = "k"
		}
		files := []unet.PolicyFile{{Name: "deep.rules", Content: `RULE "deep" WHEN node.name == "leaf1" THEN SET custom_data.` +
			strings.Join(path, ".") + ` TO 1`}}
		_, err := svc.ApplyPolicies(ctx, unet.PolicyApplyRequest{Files: files})
		hasField(t, err, "custom_data")
		if n := ok(svc.GetNode(ctx, "leaf1")).v(t); len(n.CustomData) != 0 || n.Version != 1 {
			t.Fatalf("refused apply changed the node: %+v", n)
		}
		// One level less is within the limit.
		files[0].Content = strings.Replace(files[0].Content, "custom_data.k.", "custom_data.", 1)
		rep := ok(svc.ApplyPolicies(ctx, unet.PolicyApplyRequest{Files: files})).v(t)
		if len(rep.Updated) != 1 {
			t.Fatalf("apply within the limit: %+v", rep)
		}
	})
}

func TestSNMPProfileAndGitSourceNames(t *testing.T) {
	svc := newService(t, sqlstore.SQLite)
	ctx := actx()
	for _, name := range []string{strings.Repeat("p", 65), "lab\x1b[31m", "lab\tx", "lab\u009b"} {
		_, err := svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: name, Version: "2c", CommunityRef: "env:UNET_SNMP_C"}, unet.WriteOptions{})
		hasField(t, err, "name")
	}
	ok(svc.CreateSNMPProfile(ctx, &unet.SNMPProfile{Name: strings.Repeat("p", 64), Version: "2c", CommunityRef: "env:UNET_SNMP_C"}, unet.WriteOptions{})).v(t)
	for _, name := range []string{strings.Repeat("g", 129), "net\x1b", "net\n"} {
		_, err := svc.AddGitSource(ctx, &unet.GitSource{Name: name, URL: "https://git.example.net/net.git"}, unet.WriteOptions{})
		hasField(t, err, "name")
	}
}
