package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/examples"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/inventoryfile"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/templates"
)

// impactEngines runs fn once per storage engine on a fresh database holding
// the demo dataset (marked as a demo: the demo policies and templates
// apply).
func impactEngines(t *testing.T, fn func(t *testing.T, s *Service)) {
	t.Helper()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			s := impactService(t, engine)
			loadDemo(t, s)
			fn(t, s)
		})
	}
}

func impactService(t testing.TB, engine string) *Service {
	t.Helper()
	ctx := context.Background()
	url := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	if engine == sqlstore.Postgres {
		url = testutil.NewPostgresDB(t)
	}
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return New(db)
}

// loadDemo imports the demo inventory as `unet demo` does and marks the
// database as a demo one.
func loadDemo(t testing.TB, s *Service) {
	t.Helper()
	fsys := examples.Inventory()
	b := &unet.Bundle{}
	for _, kind := range inventoryfile.Kinds {
		data, err := fs.ReadFile(fsys, kind+".yaml")
		if err != nil {
			continue
		}
		if errs := inventoryfile.Decode(path.Join("examples/inventory", kind+".yaml"), data, b); len(errs) > 0 {
			t.Fatalf("demo data: %v", errs)
		}
	}
	ctx := unet.WithActor(context.Background(), "tester")
	if _, err := s.Import(ctx, b, unet.ImportOptions{}); err != nil {
		t.Fatalf("import demo: %v", err)
	}
	if err := s.MarkDemo(ctx); err != nil {
		t.Fatal(err)
	}
}

func ictx() context.Context { return unet.WithActor(context.Background(), "alice") }

// impactOf computes the impact of ops as a change set's dry run would.
func impactOf(t *testing.T, s *Service, ops ...unet.ChangeOp) *unet.Impact {
	t.Helper()
	for i := range ops {
		ops[i].Seq = i + 1
	}
	m := s.mutation(ictx(), "impact test")
	m.changeSet = "cs-test"
	imp, err := s.computeImpact(ictx(), ops, m)
	if err != nil {
		t.Fatalf("impact: %v", err)
	}
	return imp
}

func update(kind, ref, data string) unet.ChangeOp {
	return unet.ChangeOp{Op: unet.OpUpdate, Kind: kind, Ref: ref, Data: json.RawMessage(data)}
}

func configNodes(imp *unet.Impact) []string {
	out := []string{}
	for _, c := range imp.Config {
		out = append(out, c.Node)
	}
	return out
}

func guard(t *testing.T, imp *unet.Impact, name string) unet.GuardResult {
	t.Helper()
	for _, g := range imp.Guards {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("guard %s not listed: %+v", name, imp.Guards)
	return unet.GuardResult{}
}

// nodesUnder lists the FQDNs of the nodes in a location and below it.
func nodesUnder(t *testing.T, s *Service, loc string) []string {
	t.Helper()
	list, err := s.db.Reader().ListNodes(context.Background(), sqlstore.NodeQuery{LocationPath: loc, NodeFilter: unet.NodeFilter{Page: unet.Page{Limit: 1000}}})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, n := range list.Items {
		out = append(out, n.FQDN)
	}
	sort.Strings(out)
	return out
}

// TestImpactSoftwareDowngrade: downgrading one IOS-XE node of the demo shows
// the new iosxe-min-version failure, the field that changes, no
// configuration change (the demo templates do not print the version), and
// no tripped guard; nothing is written.
func TestImpactSoftwareDowngrade(t *testing.T) {
	impactEngines(t, func(t *testing.T, s *Service) {
		imp := impactOf(t, s, update(unet.KindNode, "lon-core-01.example.net", `{"software_version":"17.6.1"}`))
		if len(imp.Objects) != 1 || imp.Objects[0].Op != unet.OpUpdate || imp.Objects[0].Name != "lon-core-01.example.net" {
			t.Fatalf("objects: %+v", imp.Objects)
		}
		f := imp.Objects[0].Fields
		if len(f) != 1 || f[0].Field != "software_version" || f[0].Before != "17.9.4a" || f[0].After != "17.6.1" {
			t.Fatalf("fields: %+v", f)
		}
		if len(imp.Policy) != 1 {
			t.Fatalf("policy: %+v", imp.Policy)
		}
		p := imp.Policy[0]
		if p.Kind != unet.KindNode || p.Object != "lon-core-01.example.net" || p.Rule != "iosxe-min-version" ||
			p.Before != "pass" || p.After != "fail" || p.Severity != "high" || p.Message == "" {
			t.Fatalf("policy impact: %+v", p)
		}
		if len(imp.Config) != 0 {
			t.Fatalf("config: %+v", imp.Config)
		}
		for _, g := range imp.Guards {
			if g.Tripped {
				t.Fatalf("guard tripped: %+v", g)
			}
		}
		if imp.Stats.TotalNodes == 0 || imp.Stats.AffectedNodes < 1 || imp.Stats.RenderedNodes < 1 || imp.Stats.EvaluatedRules == 0 {
			t.Fatalf("stats: %+v", imp.Stats)
		}
		// The node's peers are affected (their context shows it), but not the
		// whole inventory.
		if imp.Stats.AffectedNodes >= imp.Stats.TotalNodes {
			t.Fatalf("affected %d of %d nodes", imp.Stats.AffectedNodes, imp.Stats.TotalNodes)
		}
		n, err := s.db.Reader().FindNode(context.Background(), "lon-core-01.example.net")
		if err != nil || n.SoftwareVersion != "17.9.4a" {
			t.Fatalf("the dry run wrote: %v %v", n, err)
		}
	})
}

// siteTemplates print location custom data (the node's location and its
// ancestors), the link roles and a node flag that breaks the render.
var siteTemplates = fstest.MapFS{
	"site.j2": {Data: []byte(`hostname {{ node.name }}
{% for a in location.ancestors %}! {{ a.name }} {{ a.custom_data.site_code | default('-') }}
{% endfor %}! {{ location.name }} {{ location.custom_data.site_code | default('-') }}
{% for l in links %}interface {{ l.a_interface }} {{ l.role }} {{ l.peer.name }}
{% endfor %}{% if node.custom_data.break_render | default(false) %}{{ nothing.here }}{% endif %}
version {{ node.software_version }}
`)},
}

// siteRules give every node site.j2, plus a critical rule.
const siteRules = `RULE "site-template" SEVERITY info
WHEN node.name IS NOT NULL
THEN APPLY "site.j2"

RULE "no-16" SEVERITY critical
WHEN node.platform == "iosxe"
THEN ASSERT node.software_version != "16.0"

RULE "backbone-vendor" SEVERITY medium
WHEN link.role == "backbone"
THEN ASSERT link.a.node.vendor == link.z.node.vendor
`

func useSiteSources(s *Service) {
	s.SetTemplateEnv(templates.New(siteTemplates, templates.Options{}))
	s.SetPolicySource(func(ctx context.Context, env string) ([]unet.PolicyFile, string, error) {
		return []unet.PolicyFile{{Name: "site.rules", Content: siteRules}}, "test", nil
	})
}

// TestImpactLocationCustomData: a location's custom data that templates
// print changes the configuration of the nodes in it and below it, and of
// no other.
func TestImpactLocationCustomData(t *testing.T) {
	impactEngines(t, func(t *testing.T, s *Service) {
		useSiteSources(s)
		loc := "EMEA/London-Campus/Building-1"
		imp := impactOf(t, s, update(unet.KindLocation, loc, `{"custom_data":{"site_code":"LON-B1"}}`))
		want := nodesUnder(t, s, loc)
		if got := configNodes(imp); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("config changes on\n%v\nwant\n%v", got, want)
		}
		if len(want) < 5 {
			t.Fatalf("only %d nodes under %s", len(want), loc)
		}
		c := imp.Config[0]
		if c.Added != 1 || c.Removed != 1 || !strings.Contains(c.Diff, "--- before/"+c.Node+"/site.j2") ||
			!strings.Contains(c.Diff, "+++ after/"+c.Node+"/site.j2") || !strings.Contains(c.Diff, "+! Building-1 LON-B1") {
			t.Fatalf("diff of %s (+%d -%d):\n%s", c.Node, c.Added, c.Removed, c.Diff)
		}
		if len(imp.Objects) != 1 || imp.Objects[0].Kind != unet.KindLocation || len(imp.Objects[0].Fields) != 1 ||
			imp.Objects[0].Fields[0].Field != "custom_data.site_code" || imp.Objects[0].Fields[0].After != "LON-B1" {
			t.Fatalf("objects: %+v", imp.Objects)
		}
		if len(imp.Policy) != 0 || len(imp.Problems) != 0 {
			t.Fatalf("policy %+v, problems %+v", imp.Policy, imp.Problems)
		}
		if imp.Stats.AffectedNodes != len(want) {
			t.Fatalf("affected %d nodes, want %d", imp.Stats.AffectedNodes, len(want))
		}
	})
}

// TestImpactLinkChange: changing a link changes the configuration of both
// its ends and of nothing else.
func TestImpactLinkChange(t *testing.T) {
	impactEngines(t, func(t *testing.T, s *Service) {
		useSiteSources(s)
		imp := impactOf(t, s, update(unet.KindLink, "lon-core-isl", `{"role":"other"}`))
		if got := strings.Join(configNodes(imp), ","); got != "lon-core-01.example.net,lon-core-02.example.net" {
			t.Fatalf("config changes on %s", got)
		}
		for _, c := range imp.Config {
			if !strings.Contains(c.Diff, "-interface TwentyFiveGigE1/0/1 backbone") || !strings.Contains(c.Diff, "+interface TwentyFiveGigE1/0/1 other") {
				t.Fatalf("diff of %s:\n%s", c.Node, c.Diff)
			}
		}
		if imp.Stats.AffectedNodes != 2 {
			t.Fatalf("affected %d nodes", imp.Stats.AffectedNodes)
		}
	})
}

// TestImpactDeleteNode: a deleted node loses its whole configuration and
// its rule outcomes; its peers lose the link in theirs.
func TestImpactDeleteNode(t *testing.T) {
	impactEngines(t, func(t *testing.T, s *Service) {
		useSiteSources(s)
		node := "lon-acc-01.example.net"
		links, err := s.db.Reader().ListLinks(context.Background(), unet.LinkFilter{}, mustNodeID(t, s, node))
		if err != nil || len(links.Items) == 0 {
			t.Fatalf("links of %s: %v %v", node, links, err)
		}
		peers := map[string]bool{}
		for _, l := range links.Items {
			peers[l.ANode], peers[l.ZNode] = true, true
		}
		imp := impactOf(t, s, unet.ChangeOp{Op: unet.OpDelete, Kind: unet.KindNode, Ref: node, Cascade: true})
		var deleted []string
		for _, o := range imp.Objects {
			if o.Op != unet.OpDelete || string(o.After) != "null" {
				t.Fatalf("object %+v", o)
			}
			deleted = append(deleted, o.Kind)
		}
		if len(deleted) != 1+len(links.Items) {
			t.Fatalf("deleted %v", deleted)
		}
		if got := configNodes(imp); len(got) != len(peers) {
			t.Fatalf("config changes on %v, want the node and its peers %v", got, peers)
		}
		for _, c := range imp.Config {
			if !peers[c.Node] {
				t.Fatalf("config of %s changes", c.Node)
			}
			if c.Node == node && (c.Added != 0 || c.Removed == 0 || !strings.Contains(c.Diff, "-hostname lon-acc-01")) {
				t.Fatalf("deleted node diff (+%d -%d):\n%s", c.Added, c.Removed, c.Diff)
			}
		}
		var gone int
		for _, p := range imp.Policy {
			if p.Object == node && p.Before != "" && p.After == "" {
				gone++
			}
		}
		if gone == 0 {
			t.Fatalf("no rule outcome of the deleted node goes: %+v", imp.Policy)
		}
	})
}

func mustNodeID(t *testing.T, s *Service, ref string) string {
	t.Helper()
	n, err := s.db.Reader().FindNode(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return n.ID
}

// TestImpactCreateNode: a created node has its whole configuration added.
func TestImpactCreateNode(t *testing.T) {
	s := impactService(t, sqlstore.SQLite)
	loadDemo(t, s)
	useSiteSources(s)
	imp := impactOf(t, s, unet.ChangeOp{Op: unet.OpCreate, Kind: unet.KindNode, Data: json.RawMessage(
		`{"name":"lon-acc-99","domain":"example.net","vendor":"cisco","platform":"iosxe","role":"access","software_version":"16.0","location_id":"EMEA/London-Campus/Building-1/MDF"}`)})
	if len(imp.Objects) != 1 || imp.Objects[0].Op != unet.OpCreate || string(imp.Objects[0].Before) != "null" {
		t.Fatalf("objects: %+v", imp.Objects)
	}
	// The fields the new node sets, not those it leaves empty.
	fields := map[string]any{}
	for _, f := range imp.Objects[0].Fields {
		if f.Before != nil {
			t.Fatalf("field %+v of a created node", f)
		}
		fields[f.Field] = f.After
	}
	if fields["name"] != "lon-acc-99" || fields["software_version"] != "16.0" || fields["id"] == nil {
		t.Fatalf("fields: %v", fields)
	}
	for _, empty := range []string{"serial_number", "asset_tag", "custom_data", "tags"} {
		if _, ok := fields[empty]; ok {
			t.Fatalf("empty field %s listed: %v", empty, fields)
		}
	}
	if len(imp.Config) != 1 || imp.Config[0].Removed != 0 || !strings.Contains(imp.Config[0].Diff, "+hostname lon-acc-99") {
		t.Fatalf("config: %+v", imp.Config)
	}
	// The new node fails the critical rule from not existing: a new
	// critical violation.
	g := guard(t, imp, GuardNewCritical)
	if !g.Tripped || !strings.Contains(g.Detail, "node/lon-acc-99.example.net: no-16") {
		t.Fatalf("guard: %+v", g)
	}
}

// TestImpactGuards: new critical violations and the share of nodes whose
// configuration changes trip their guards, as configured.
func TestImpactGuards(t *testing.T) {
	impactEngines(t, func(t *testing.T, s *Service) {
		useSiteSources(s)
		crit := update(unet.KindNode, "lon-core-01.example.net", `{"software_version":"16.0"}`)
		imp := impactOf(t, s, crit)
		g := guard(t, imp, GuardNewCritical)
		if !g.Tripped || g.Detail != "1 new critical violation: node/lon-core-01.example.net: no-16" {
			t.Fatalf("new critical: %+v", g)
		}
		// site.j2 prints the version: the node's configuration changes.
		if len(imp.Config) != 1 || imp.Config[0].Node != "lon-core-01.example.net" || imp.Config[0].Added != 1 || imp.Config[0].Removed != 1 ||
			!strings.Contains(imp.Config[0].Diff, "-version 17.9.4a\n+version 16.0\n") {
			t.Fatalf("config: %+v", imp.Config)
		}
		if r := guard(t, imp, GuardConfigRatio); r.Tripped || !strings.HasPrefix(r.Detail, "1 of ") || !strings.HasSuffix(r.Detail, "≤ 20%") {
			t.Fatalf("config ratio: %+v", r)
		}
		// Every node below EMEA changes: more than 20 % of the inventory.
		wide := update(unet.KindLocation, "EMEA", `{"custom_data":{"site_code":"EU"}}`)
		imp = impactOf(t, s, wide)
		r := guard(t, imp, GuardConfigRatio)
		n := len(nodesUnder(t, s, "EMEA"))
		if !r.Tripped || len(imp.Config) != n || !strings.HasPrefix(r.Detail, fmt.Sprintf("%d of %d nodes", n, imp.Stats.TotalNodes)) ||
			!strings.HasSuffix(r.Detail, "> 20%") {
			t.Fatalf("config ratio (%d nodes under EMEA): %+v", n, r)
		}
		if guard(t, imp, GuardNewCritical).Tripped {
			t.Fatal("new critical tripped without a critical failure")
		}
		// Settings: 100 % never trips; new critical violations can be off.
		if err := s.SetGuards(GuardSettings{ConfigPercent: 100, NewCritical: false}); err != nil {
			t.Fatal(err)
		}
		imp = impactOf(t, s, wide, crit)
		for _, g := range imp.Guards {
			if g.Tripped {
				t.Fatalf("guard tripped: %+v", g)
			}
		}
		mustCodeI(t, s.SetGuards(GuardSettings{ConfigPercent: 120}), unet.EINVALID)
		mustCodeI(t, s.SetGuards(GuardSettings{ConfigPercent: -1}), unet.EINVALID)
	})
}

func mustCodeI(t *testing.T, err error, code string) {
	t.Helper()
	if unet.ErrorCode(err) != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

// TestImpactRenderErrors: a template that fails to render after the change
// is a problem of the impact (stage after), not its failure, and the
// template is left out of the configuration diff.
func TestImpactRenderErrors(t *testing.T) {
	impactEngines(t, func(t *testing.T, s *Service) {
		useSiteSources(s)
		imp := impactOf(t, s,
			update(unet.KindNode, "lon-core-01.example.net", `{"custom_data":{"break_render":true}}`),
			update(unet.KindNode, "lon-core-02.example.net", `{"software_version":"17.9.5"}`))
		if len(imp.Problems) != 1 {
			t.Fatalf("problems: %+v", imp.Problems)
		}
		p := imp.Problems[0]
		if p.Object != "node/lon-core-01.example.net" || p.Stage != "after" || !strings.Contains(p.Message, "site.j2") {
			t.Fatalf("problem: %+v", p)
		}
		if got := strings.Join(configNodes(imp), ","); got != "lon-core-02.example.net" {
			t.Fatalf("config changes on %s", got)
		}
	})
}

// TestImpactNoPolicies: without policies the objects are still listed and
// the missing rules are a problem.
func TestImpactNoPolicies(t *testing.T) {
	s := impactService(t, sqlstore.SQLite)
	loadDemo(t, s)
	if err := s.db.WithTx(context.Background(), func(tx *sqlstore.Tx) error {
		return tx.PutSetting(context.Background(), settingDemo, "false", s.now())
	}); err != nil {
		t.Fatal(err)
	}
	imp := impactOf(t, s, update(unet.KindNode, "lon-core-01.example.net", `{"software_version":"17.6.1"}`))
	if len(imp.Objects) != 1 || len(imp.Policy) != 0 || len(imp.Config) != 0 {
		t.Fatalf("impact: %+v", imp)
	}
	if len(imp.Problems) != 1 || imp.Problems[0].Object != "environment/production" ||
		!strings.Contains(imp.Problems[0].Message, "no policies") {
		t.Fatalf("problems: %+v", imp.Problems)
	}
}

// TestImpactBadOperation: an operation that fails is positioned, not an
// empty impact.
func TestImpactBadOperation(t *testing.T) {
	s := impactService(t, sqlstore.SQLite)
	loadDemo(t, s)
	m := s.mutation(ictx(), "")
	_, err := s.computeImpact(ictx(), []unet.ChangeOp{{Seq: 1, Op: unet.OpUpdate, Kind: unet.KindNode, Ref: "nope", Data: json.RawMessage(`{"role":"core"}`)}}, m)
	if unet.ErrorCode(err) != unet.ENOTFOUND || !strings.Contains(err.Error(), "operation 1") {
		t.Fatalf("err = %v", err)
	}
}

// TestImpactLocationRule: a location rule whose outcome changes is in the
// policy impact (demo policy site-address, demo data).
func TestImpactLocationRule(t *testing.T) {
	impactEngines(t, func(t *testing.T, s *Service) {
		imp := impactOf(t, s, update(unet.KindLocation, "EMEA/London-Campus", `{"address":""}`))
		if len(imp.Policy) != 1 {
			t.Fatalf("policy: %+v", imp.Policy)
		}
		p := imp.Policy[0]
		if p.Kind != unet.KindLocation || p.Object != "EMEA/London-Campus" || p.Rule != "site-address" ||
			p.Before != "pass" || p.After != "fail" || p.Severity != "low" {
			t.Fatalf("policy impact: %+v", p)
		}
	})
}

// TestImpactLinkRuleOfTouchedNode: the link rules of a touched node's
// links are evaluated (their input holds the node), and renaming a node
// changes the configuration of its peers (their context shows its name).
func TestImpactLinkRuleOfTouchedNode(t *testing.T) {
	s := impactService(t, sqlstore.SQLite)
	loadDemo(t, s)
	useSiteSources(s)
	node := "lon-core-02.example.net"
	links, err := s.db.Reader().ListLinks(context.Background(), unet.LinkFilter{Role: "backbone"}, mustNodeID(t, s, node))
	if err != nil || len(links.Items) < 2 {
		t.Fatalf("backbone links of %s: %v %v", node, links, err)
	}
	imp := impactOf(t, s, update(unet.KindNode, node, `{"vendor":"juniper"}`))
	failing := map[string]bool{}
	for _, p := range imp.Policy {
		if p.Kind == unet.KindLink && p.Rule == "backbone-vendor" && p.Before == "pass" && p.After == "fail" {
			failing[p.Object] = true
		}
	}
	// The links to another Cisco node passed and now fail.
	want := map[string]bool{}
	for _, l := range links.Items {
		peer := l.ANode
		if peer == node {
			peer = l.ZNode
		}
		n, err := s.db.Reader().FindNode(context.Background(), peer)
		if err != nil {
			t.Fatal(err)
		}
		if n.Vendor == "cisco" {
			want[linkLabel(&l)] = true
		}
	}
	if len(want) < 2 || fmt.Sprint(failing) != fmt.Sprint(want) {
		t.Fatalf("backbone-vendor fails on %v, want %v: %+v", failing, want, imp.Policy)
	}
	peers := map[string]bool{node: true}
	for _, l := range links.Items {
		peers[l.ANode], peers[l.ZNode] = true, true
	}
	imp = impactOf(t, s, update(unet.KindNode, node, `{"name":"lon-core-22"}`))
	var got []string
	for _, c := range imp.Config {
		got = append(got, c.Node)
		if c.Node != "lon-core-22.example.net" && !strings.Contains(c.Diff, "+interface") {
			t.Fatalf("peer diff of %s:\n%s", c.Node, c.Diff)
		}
	}
	if len(got) != len(peers) {
		t.Fatalf("config changes on %v, want the node and its peers %v", got, peers)
	}
}

// TestImpactNoOperations: an empty set has an empty impact with both guards
// listed and not tripped.
func TestImpactNoOperations(t *testing.T) {
	s := impactService(t, sqlstore.SQLite)
	loadDemo(t, s)
	imp := impactOf(t, s)
	if len(imp.Objects)+len(imp.Policy)+len(imp.Config)+len(imp.Problems) != 0 || imp.Stats.AffectedNodes != 0 {
		t.Fatalf("impact: %+v", imp)
	}
	if len(imp.Guards) != 2 || imp.Guards[0].Tripped || imp.Guards[1].Tripped || imp.Stats.TotalNodes == 0 {
		t.Fatalf("guards %+v, stats %+v", imp.Guards, imp.Stats)
	}
}

// TestImpactPolledState: the policy input of an affected node holds its
// polled state, as the evaluator's does.
func TestImpactPolledState(t *testing.T) {
	s := impactService(t, sqlstore.SQLite)
	loadDemo(t, s)
	writePolled(t, s, mustNodeID(t, s, "lon-core-01.example.net"))
	s.SetPolicySource(func(ctx context.Context, env string) ([]unet.PolicyFile, string, error) {
		return []unet.PolicyFile{{Name: "edge.rules", Content: `RULE "edge-reachable" SEVERITY high
WHEN node.role == "edge"
THEN ASSERT status.reachable == true
`}}, "test", nil
	})
	imp := impactOf(t, s,
		update(unet.KindNode, "lon-core-01.example.net", `{"role":"edge"}`),
		update(unet.KindNode, "lon-core-02.example.net", `{"role":"edge"}`))
	got := map[string]string{}
	for _, p := range imp.Policy {
		got[p.Object] = p.Before + ">" + p.After
	}
	if len(got) != 2 || got["lon-core-01.example.net"] != ">pass" || got["lon-core-02.example.net"] == ">pass" {
		t.Fatalf("policy: %+v", imp.Policy)
	}
}

// TestImpactMatchesRender: the configuration the impact compares is the one
// `template render` gives: deleting a node of the demo removes exactly the
// lines its rendered templates hold (demo policies and templates).
func TestImpactMatchesRender(t *testing.T) {
	impactEngines(t, func(t *testing.T, s *Service) {
		for _, node := range []string{"fra-leaf-01.example.net", "lon-dist-01.example.net"} {
			res, err := s.RenderNode(ictx(), unet.TemplateRequest{Node: node})
			if err != nil || len(res.Parts) == 0 {
				t.Fatalf("render %s: %+v %v", node, res, err)
			}
			imp := impactOf(t, s, unet.ChangeOp{Op: unet.OpDelete, Kind: unet.KindNode, Ref: node, Cascade: true})
			var diff string
			for _, c := range imp.Config {
				if c.Node == node {
					diff = c.Diff
				}
			}
			var want, got []string
			for _, p := range res.Parts {
				want = append(want, "--- before/"+node+"/"+p.Template, "+++ after/"+node+"/"+p.Template)
				for _, l := range strings.Split(strings.TrimSuffix(p.Output, "\n"), "\n") {
					want = append(want, "-"+l)
				}
			}
			for _, l := range strings.Split(strings.TrimSuffix(diff, "\n"), "\n") {
				if !strings.HasPrefix(l, "@@") {
					got = append(got, l)
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("%s: diff\n%s\nwant the removal of\n%s", node, diff, strings.Join(want, "\n"))
			}
		}
	})
}

// TestImpactNoTemplates: without templates the policy impact is still
// computed and the missing templates are one problem per environment, not
// one per node.
func TestImpactNoTemplates(t *testing.T) {
	s := impactService(t, sqlstore.SQLite)
	loadDemo(t, s)
	if err := s.db.WithTx(context.Background(), func(tx *sqlstore.Tx) error {
		return tx.PutSetting(context.Background(), settingDemo, "false", s.now())
	}); err != nil {
		t.Fatal(err)
	}
	useSiteSources(s)
	s.templates = nil
	imp := impactOf(t, s, update(unet.KindLocation, "EMEA", `{"custom_data":{"site_code":"EU"}}`),
		update(unet.KindNode, "lon-core-01.example.net", `{"software_version":"16.0"}`))
	if len(imp.Config) != 0 || len(imp.Policy) != 1 || imp.Policy[0].Rule != "no-16" {
		t.Fatalf("config %+v, policy %+v", imp.Config, imp.Policy)
	}
	// EMEA holds production and lab nodes: one problem each.
	envs := map[string]bool{}
	for _, p := range imp.Problems {
		if p.Stage != "" || !strings.HasPrefix(p.Message, "configurations not rendered: no templates") {
			t.Fatalf("problem: %+v", p)
		}
		envs[p.Object] = true
	}
	if len(imp.Problems) != 2 || !envs["environment/production"] || !envs["environment/lab"] {
		t.Fatalf("problems: %+v", imp.Problems)
	}
}
