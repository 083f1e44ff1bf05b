package service

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"testing/fstest"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/templates"
)

// renderCrowd adds n nodes to the demo inventory, each linked to one of the
// demo's core switches (as the A end or the Z end, with interface names
// whose byte order and natural order differ) and every seventh with an
// external circuit, so that the cores have many links to order and the
// inventory is large around the nodes rendered.
func renderCrowd(t *testing.T, s *Service, n int) {
	t.Helper()
	b := &unet.Bundle{}
	cores := []string{"lon-core-01.example.net", "lon-core-02.example.net"}
	floors := []string{"EMEA/London-Campus/Building-1/Floor-1", "EMEA/London-Campus/Building-1/Floor-2", "EMEA/London-Campus/Building-2/Floor-1"}
	for i := range n {
		name := fmt.Sprintf("crowd-%04d", i)
		fqdn := name + ".example.net"
		b.Nodes = append(b.Nodes, unet.NodeRecord{Name: name, Domain: "example.net", Vendor: "cisco", Platform: "ios", Role: "access",
			Location: floors[i%len(floors)], Lifecycle: "live", SoftwareVersion: "15.2", MgmtIP: fmt.Sprintf("198.18.%d.%d", i/250, i%250+1),
			CustomData: map[string]any{"ntp_servers": []any{"192.0.2.10"}, "snmp": map[string]any{"location": "crowd", "contact": "noc@example.net"},
				"seq": i, "ratio": float64(i) / 8}})
		core := cores[i%len(cores)]
		l := unet.LinkRecord{ANode: core, AInterface: fmt.Sprintf("Gi2/0/%d", i/2+1), ZNode: fqdn, ZInterface: "Gi0/1", Role: "access"}
		if i%3 == 0 {
			// The node is the A end: seen from the core, the link turns.
			l = unet.LinkRecord{ANode: fqdn, AInterface: "Gi0/1", ZNode: core, ZInterface: fmt.Sprintf("Gi2/0/%d", i/2+1), Role: "access"}
		}
		b.Links = append(b.Links, l)
		if i%7 == 0 {
			b.Links = append(b.Links, unet.LinkRecord{ANode: fqdn, AInterface: "Gi0/2", Provider: "carrier-" + fmt.Sprint(i%2),
				CircuitID: fmt.Sprintf("CCT-%04d", i), Role: "internet"})
		}
	}
	if _, err := s.Import(ictx(), b, unet.ImportOptions{}); err != nil {
		t.Fatalf("import: %v", err)
	}
}

// TestRenderNodeMatchesFullInventory: a node's render reads only its part
// of the inventory and gives the bytes of a render from the whole inventory
// (RenderNodes, which loads it all) or the same error, for the templates that policies assign
// and for a template that prints the whole context (effective node,
// location with ancestors, links with peers, polled state), on every demo
// node and a sample of a large inventory around them.
func TestRenderNodeMatchesFullInventory(t *testing.T) {
	impactEngines(t, func(t *testing.T, s *Service) {
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		renderCrowd(t, s, 1500)
		ctx := ictx()
		all, err := s.ListNodes(ctx, unet.NodeFilter{Page: unet.Page{Limit: 10000}})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Items) < 1500 {
			t.Fatalf("%d nodes", len(all.Items))
		}
		var sample []string
		for i, n := range all.Items {
			if len(n.FQDN) < 6 || n.FQDN[:6] != "crowd-" || i%20 == 0 {
				sample = append(sample, n.FQDN)
			}
		}
		// Polled state on a core and on a crowd node.
		for _, ref := range []string{"lon-core-01.example.net", "crowd-0007.example.net"} {
			n, err := s.db.Reader().FindNode(context.Background(), ref)
			if err != nil {
				t.Fatal(err)
			}
			writePolled(t, s, n.ID)
		}
		sample = append(sample, "crowd-0007.example.net")

		// compare renders each sampled node alone, then those that rendered
		// in one run from the whole inventory (one load), and those that
		// failed one by one from it: the same results, the same errors.
		compare := func(t *testing.T, req unet.TemplateRequest, wantRendered int) {
			t.Helper()
			var ok []string
			alone := map[string]*unet.RenderResult{}
			for _, fqdn := range sample {
				req := req
				req.Node = fqdn
				got, err := s.RenderNode(ctx, req)
				if err != nil {
					full, fullErr := s.RenderNodes(ctx, []string{fqdn}, req)
					if fmt.Sprint(err) != fmt.Sprint(fullErr) {
						t.Fatalf("%s: rendered alone: %v; from the whole inventory: %+v %v", fqdn, err, full, fullErr)
					}
					continue
				}
				ok = append(ok, fqdn)
				alone[fqdn] = got
			}
			if len(ok) < wantRendered {
				t.Fatalf("%d of %d sampled nodes rendered, want at least %d", len(ok), len(sample), wantRendered)
			}
			full, err := s.RenderNodes(ctx, ok, req)
			if err != nil || len(full) != len(ok) {
				t.Fatalf("from the whole inventory: %d results, %v", len(full), err)
			}
			for i, fqdn := range ok {
				if !reflect.DeepEqual(*alone[fqdn], full[i]) {
					t.Fatalf("%s: rendered alone\n%+v\nfrom the whole inventory\n%+v", fqdn, *alone[fqdn], full[i])
				}
			}
		}
		t.Run("assigned", func(t *testing.T) {
			compare(t, unet.TemplateRequest{}, 60)
		})
		t.Run("context", func(t *testing.T) {
			s.SetTemplateEnv(templates.New(fstest.MapFS{"dump.j2": {Data: []byte(contextDump)}}, templates.Options{}))
			compare(t, unet.TemplateRequest{Templates: []string{"dump.j2"}, Vars: map[string]any{"k": "v"}}, len(sample))
		})
	})
}

// contextDump prints every variable of a render context, dicts in their
// order.
const contextDump = `node={{ node }}
location={{ location }}
links={% for l in links %}
  {{ l }}{% endfor %}
status={{ status if status is defined else "-" }}
interfaces={{ interfaces if interfaces is defined else "-" }}
vars={{ vars }}
unet={{ unet }}
`
