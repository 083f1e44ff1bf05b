package service

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/templates"
)

// TestImpactCache: reading a set's impact again finds it in the cache
// while nothing it was computed from moved, and computes it again (with
// what moved) after a poll of an affected node, any inventory change, a
// change of the rules, of the templates or of the guards, and a change of
// the set's operations.
func TestImpactCache(t *testing.T) {
	impactEngines(t, func(t *testing.T, s *Service) {
		rules := reuseRules + `
RULE "edge-reachable" SEVERITY high
WHEN node.role == "edge"
THEN ASSERT status.reachable == true
`
		s.SetTemplateEnv(templates.New(reuseTemplates, templates.Options{}))
		s.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) {
			return []unet.PolicyFile{{Name: "x.rules", Content: rules}}, "test", nil
		})
		cs, err := s.ProposeChangeSet(ictx(), unet.ChangeSetRequest{Title: "edge",
			Ops: []unet.ChangeOp{update(unet.KindNode, "lon-core-01.example.net", `{"role":"edge"}`)}})
		if err != nil {
			t.Fatal(err)
		}
		read := func() *unet.Impact {
			t.Helper()
			got, err := s.GetChangeSet(ictx(), cs.ID, unet.ChangeSetView{Impact: true})
			if err != nil {
				t.Fatal(err)
			}
			if got.Impact == nil || len(got.Impact.Problems) != 0 || len(got.Impact.Objects) == 0 {
				t.Fatalf("impact: %+v", got.Impact)
			}
			return got.Impact
		}
		cached := func(what string, prev *unet.Impact) *unet.Impact {
			t.Helper()
			imp := read()
			if !imp.ComputedAt.Equal(prev.ComputedAt) {
				t.Fatalf("%s: computed again at %v (first at %v)", what, imp.ComputedAt, prev.ComputedAt)
			}
			return imp
		}
		fresh := func(what string, prev *unet.Impact) *unet.Impact {
			t.Helper()
			imp := read()
			if imp.ComputedAt.Equal(prev.ComputedAt) {
				t.Fatalf("%s: the cached impact was used", what)
			}
			return cached(what+", read again", imp)
		}
		outcome := func(imp *unet.Impact, object, rule string) string {
			for _, p := range imp.Policy {
				if p.Object == object && p.Rule == rule {
					return p.Before + ">" + p.After
				}
			}
			return ""
		}
		first := read()
		imp := cached("nothing changed", first)
		if n := s.CachedImpacts(); n != 1 {
			t.Fatalf("%d cached impacts", n)
		}
		// A cached impact is a copy: changing it changes nothing cached.
		imp.Policy = append(imp.Policy[:0], unet.PolicyImpact{Rule: "scribbled"})
		imp = cached("after a caller's change", first)
		if outcome(imp, "lon-core-01.example.net", "edge-reachable") != ">fail" {
			t.Fatalf("policy before the poll: %+v", imp.Policy)
		}

		writePolled(t, s, mustNodeID(t, s, "lon-core-01.example.net"))
		imp = fresh("poll of an affected node", imp)
		if outcome(imp, "lon-core-01.example.net", "edge-reachable") != ">pass" {
			t.Fatalf("policy after the poll: %+v", imp.Policy)
		}

		// The peer's configuration shows the set's node: renamed, its
		// configuration diff is under its new name.
		if _, err := s.UpdateNode(ictx(), "lon-core-02.example.net", unet.Patch{"name": "lon-core-92"}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		imp = fresh("inventory change", imp)
		if !strings.Contains(strings.Join(configNodes(imp), ","), "lon-core-92.example.net") {
			t.Fatalf("config after the rename: %v", configNodes(imp))
		}

		s.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) {
			return []unet.PolicyFile{{Name: "x.rules", Content: rules + `
RULE "no-edge" SEVERITY low
WHEN node.role == "edge"
THEN ASSERT node.role != "edge"
`}}, "test", nil
		})
		imp = fresh("rules change", imp)
		if outcome(imp, "lon-core-01.example.net", "no-edge") != ">fail" {
			t.Fatalf("policy after the rules change: %+v", imp.Policy)
		}

		s.SetTemplateEnv(templates.New(fstest.MapFS{"x.j2": {Data: []byte("role={{ node.role }}\n")}}, templates.Options{}))
		imp = fresh("templates change", imp)
		if len(imp.Config) != 1 || !strings.Contains(imp.Config[0].Diff, "+role=edge") {
			t.Fatalf("config after the templates change: %+v", imp.Config)
		}

		if err := s.SetGuards(GuardSettings{ConfigPercent: 0, NewCritical: true}); err != nil {
			t.Fatal(err)
		}
		imp = fresh("guards change", imp)
		if !guard(t, imp, GuardConfigRatio).Tripped {
			t.Fatalf("guards: %+v", imp.Guards)
		}

		if _, err := s.AppendChangeOps(ictx(), cs.ID, []unet.ChangeOp{update(unet.KindNode, "lon-dist-01.example.net", `{"role":"edge"}`)}); err != nil {
			t.Fatal(err)
		}
		imp = fresh("operations appended", imp)
		if len(imp.Objects) != 2 || len(imp.Config) != 2 {
			t.Fatalf("impact after the append: %+v", imp)
		}
	})
}
