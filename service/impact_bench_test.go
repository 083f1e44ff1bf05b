package service

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/examples"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/templates"
)

// Impact benchmark inventory: 20 sites of 500 EOS nodes (4 spines, 496
// leaves with 2 uplinks each, in 10 racks of 50), 10,000 nodes and 19,840
// links in all.
const (
	benchSites        = 20
	benchNodesPerSite = 500
)

// siteFabricBundle builds the benchmark inventory.
func siteFabricBundle() *unet.Bundle {
	b := &unet.Bundle{Locations: []unet.LocationRecord{{Name: "EU", Type: "region"}}}
	cd := func(site string) map[string]any {
		return map[string]any{"ntp_servers": []any{"192.0.2.10", "192.0.2.11"}, "syslog_servers": []any{"192.0.2.30"},
			"snmp": map[string]any{"location": site, "contact": "noc@example.net"}, "aaa": map[string]any{"tacacs_servers": []any{"192.0.2.20"}}}
	}
	for s := range benchSites {
		site := fmt.Sprintf("site-%02d", s)
		b.Locations = append(b.Locations, unet.LocationRecord{Name: site, Type: "site", Parent: "EU",
			CustomData: map[string]any{"site_code": strings.ToUpper(site)}})
		for r := range 10 {
			b.Locations = append(b.Locations, unet.LocationRecord{Name: fmt.Sprintf("rack-%02d", r), Type: "rack", Parent: "EU/" + site})
		}
		spine := func(i int) string { return fmt.Sprintf("s%02d-spine%d.example.net", s, i) }
		for i := range benchNodesPerSite {
			rack := fmt.Sprintf("EU/%s/rack-%02d", site, i/50)
			n := unet.NodeRecord{Domain: "example.net", Vendor: "arista", Platform: "eos", Location: rack, Lifecycle: "live",
				Environment: "production", SoftwareVersion: "4.31.2F", CustomData: cd(site)}
			if i < 4 {
				n.Name, n.Role = fmt.Sprintf("s%02d-spine%d", s, i), "spine"
			} else {
				n.Name, n.Role = fmt.Sprintf("s%02d-leaf%03d", s, i), "leaf"
				for u := range 2 {
					b.Links = append(b.Links, unet.LinkRecord{ANode: n.Name + ".example.net", AInterface: fmt.Sprintf("Ethernet%d/1", 49+u),
						ZNode: spine(u + 2*(i%2)), ZInterface: fmt.Sprintf("Ethernet%d/1", i+1), BandwidthBPS: 100e9, Role: "backbone"})
				}
			}
			b.Nodes = append(b.Nodes, n)
		}
	}
	return b
}

// overlayFS serves the files of top, then those of base.
type overlayFS struct {
	top  fstest.MapFS
	base fs.FS
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		return f, nil
	}
	return o.base.Open(name)
}

// benchSiteRules are the demo policies plus a site banner template for
// every EOS node.
func benchSiteRules(tb testing.TB) []unet.PolicyFile {
	files, err := DemoPolicies()
	if err != nil {
		tb.Fatal(err)
	}
	return append(files, unet.PolicyFile{Name: "99-site.rules", Content: `RULE "template-site-banner" SEVERITY info
WHEN node.platform == "eos"
THEN APPLY "site/banner.j2"

RULE "site-code-set" SEVERITY medium
WHEN node.role == "spine"
THEN ASSERT location.ancestors IS NOT NULL
`})
}

// benchTemplates are the demo templates plus site/banner.j2, which prints
// the node's site code (its location's ancestors' custom data).
var benchTemplates = overlayFS{top: fstest.MapFS{"site/banner.j2": {Data: []byte(
	`banner motd
{{ node.name }} in {{ location.name }}{% for a in location.ancestors %} / {{ a.name }} {{ a.custom_data.site_code | default('') }}{% endfor %}
EOF
`)}}, base: examples.Templates()}

// BenchmarkChangeSetImpact computes the impact of a change touching one
// site of 500 nodes (its custom data, printed by a template of every node
// below it) in a 10,000-node inventory: the dry run, the affected nodes,
// policy evaluation and rendering of both sides, the diffs and the guards.
// The inventory is loaded once per engine, outside the timed part.
func BenchmarkChangeSetImpact(b *testing.B) {
	bundle := siteFabricBundle()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			s := impactService(b, engine)
			ctx := unet.WithActor(context.Background(), "bench")
			if _, err := s.Import(ctx, bundle, unet.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			files := benchSiteRules(b)
			s.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) { return files, "bench", nil })
			s.SetTemplateEnv(templates.New(benchTemplates, templates.Options{}))
			site := []unet.ChangeOp{{Seq: 1, Op: unet.OpUpdate, Kind: unet.KindLocation, Ref: "EU/site-07",
				Data: []byte(`{"custom_data":{"site_code":"FRA-7"}}`)}}
			// One leaf's software: the leaf and its two spines are affected
			// (their contexts show it as a peer), nothing renders differently.
			leaf := []unet.ChangeOp{{Seq: 1, Op: unet.OpUpdate, Kind: unet.KindNode, Ref: "s07-leaf123.example.net",
				Data: []byte(`{"software_version":"4.32.1F"}`)}}
			b.Run("site500", func(b *testing.B) {
				benchImpact(b, s, site, func(imp *unet.Impact) bool {
					return len(imp.Config) == benchNodesPerSite && imp.Stats.AffectedNodes == benchNodesPerSite
				})
			})
			b.Run("leaf1", func(b *testing.B) {
				benchImpact(b, s, leaf, func(imp *unet.Impact) bool {
					return len(imp.Config) == 0 && imp.Stats.AffectedNodes == 3 && len(imp.Policy) == 0
				})
			})
		})
	}
}

// benchImpact times computeImpact of ops and checks each result with ok.
func benchImpact(b *testing.B, s *Service, ops []unet.ChangeOp, ok func(*unet.Impact) bool) {
	ctx := unet.WithActor(context.Background(), "bench")
	start := testutil.CPUTime(b)
	b.ResetTimer()
	for range b.N {
		m := s.mutation(ctx, "bench")
		m.changeSet = "cs-bench"
		imp, err := s.computeImpact(ctx, ops, m)
		if err != nil {
			b.Fatal(err)
		}
		if !ok(imp) || imp.Stats.TotalNodes != benchSites*benchNodesPerSite || len(imp.Problems) != 0 {
			b.Fatalf("impact: %d configs, %d policy changes, stats %+v, problems %v", len(imp.Config), len(imp.Policy), imp.Stats, imp.Problems)
		}
	}
	b.StopTimer()
	testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
}
