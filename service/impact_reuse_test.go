package service

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/templates"
)

// reuseTemplates print what the reuse of the before side could get wrong:
// a link's ends (FQDNs, read through a join), the peer's fields, the
// location's path and ancestors.
var reuseTemplates = fstest.MapFS{"x.j2": {Data: []byte(`hostname {{ node.name }} {{ node.role }}
{% for l in links %}{{ l.a_node }} {{ l.a_interface }} -> {{ l.z_node }} {{ l.z_interface }} {{ l.role }} {{ l.peer.name }} {{ l.peer.role }}
{% endfor %}! {{ location.path }}{% for a in location.ancestors %} {{ a.name }}{% endfor %}
`)}}

const reuseRules = `RULE "x" SEVERITY info
WHEN node.name IS NOT NULL
THEN APPLY "x.j2"

RULE "backbone-vendor" SEVERITY medium
WHEN link.role == "backbone"
THEN ASSERT link.a.node.vendor == link.z.node.vendor

RULE "core-role" SEVERITY high
WHEN node.role == "core"
THEN ASSERT node.name MATCHES "core"
`

// TestImpactReuseMatchesFullReads: the impact whose after side takes the
// unchanged objects from the before side is the impact whose after side is
// read in full, for operations that rename nodes (their links show the new
// FQDN), change, create and delete links, delete nodes with their links,
// and rename locations (the paths below them change).
func TestImpactReuseMatchesFullReads(t *testing.T) {
	impactEngines(t, func(t *testing.T, s *Service) {
		s.SetTemplateEnv(templates.New(reuseTemplates, templates.Options{}))
		s.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) {
			return []unet.PolicyFile{{Name: "x.rules", Content: reuseRules}}, "test", nil
		})
		acc := mustNodeID(t, s, "lon-acc-01.example.net")
		core2 := mustNodeID(t, s, "lon-core-02.example.net")
		cases := map[string][]unet.ChangeOp{
			"rename":        {update(unet.KindNode, "lon-core-01.example.net", `{"name":"lon-core-91"}`)},
			"role":          {update(unet.KindNode, "lon-dist-01.example.net", `{"role":"core"}`)},
			"rename+peer":   {update(unet.KindNode, "lon-core-01.example.net", `{"name":"a-core-01"}`), update(unet.KindNode, "lon-core-02.example.net", `{"role":"edge"}`)},
			"link":          {update(unet.KindLink, "lon-core-isl", `{"role":"other","z_interface":"Te9/9"}`)},
			"delete":        {{Op: unet.OpDelete, Kind: unet.KindNode, Ref: "lon-acc-01.example.net", Cascade: true}},
			"delete-link":   {{Op: unet.OpDelete, Kind: unet.KindLink, Ref: "lon-core-isl"}},
			"create-link":   {{Op: unet.OpCreate, Kind: unet.KindLink, Data: json.RawMessage(`{"a_node_id":"` + acc + `","a_interface":"Gi9/9","z_node_id":"` + core2 + `","z_interface":"Gi9/9","role":"backbone"}`)}},
			"location":      {update(unet.KindLocation, "EMEA/London-Campus/Building-1", `{"name":"Bldg-1"}`)},
			"location+node": {update(unet.KindLocation, "EMEA/London-Campus", `{"custom_data":{"site_code":"LON"}}`), update(unet.KindNode, "lon-acc-01.example.net", `{"name":"lon-acc-77"}`)},
		}
		for name, ops := range cases {
			for i := range ops {
				ops[i].Seq = i + 1
			}
			m := s.mutation(ictx(), "reuse test")
			m.changeSet = "cs-test"
			m.now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			got := impactJSON(t, s, ops, m, true)
			want := impactJSON(t, s, ops, m, false)
			if got != want {
				t.Fatalf("%s: the impact differs from the one read in full:\n%s\nwant\n%s", name, got, want)
			}
			if !strings.Contains(got, `"config":[{`) && name != "role" {
				t.Fatalf("%s: no configuration changes: %s", name, got)
			}
		}
	})
}

// impactJSON computes the impact of ops as m, with or without the reuse of
// the before side, as JSON without its times (and with the IDs of created
// objects blanked: every dry run makes new ones).
func impactJSON(t *testing.T, s *Service, ops []unet.ChangeOp, m mutation, reuse bool) string {
	t.Helper()
	defer func(v bool) { impactReuseBefore = v }(impactReuseBefore)
	impactReuseBefore = reuse
	imp, err := s.computeImpact(ictx(), ops, m)
	if err != nil {
		t.Fatal(err)
	}
	imp.ComputedAt, imp.Stats.Seconds = time.Time{}, 0
	b, err := json.Marshal(imp)
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	for _, o := range imp.Objects {
		if o.Op == unet.OpCreate {
			out = strings.ReplaceAll(out, o.ID, "NEW")
		}
	}
	return out
}
