package webui_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/webui"
)

// benchNodes is the inventory size the node pages are measured at.
const benchNodes = 10000

// maxNodeListBytes is the budget of the node list: its HTML with the
// stylesheet and script it loads, uncompressed.
const maxNodeListBytes = 100 << 10

// benchInventory is a generated inventory of n nodes over a few sites,
// vendors, roles and environments, each node linked to the previous one.
func benchInventory(n int) *unet.Bundle {
	b := &unet.Bundle{}
	sites := []string{"EMEA/London", "EMEA/Frankfurt", "AMER/New-York", "APAC/Tokyo"}
	b.Locations = append(b.Locations, unet.LocationRecord{Name: "EMEA", Type: "region"}, unet.LocationRecord{Name: "AMER", Type: "region"},
		unet.LocationRecord{Name: "APAC", Type: "region"})
	for _, s := range sites {
		parent, name := s[:4], s[5:]
		b.Locations = append(b.Locations, unet.LocationRecord{Name: name, Type: "site", Parent: parent})
	}
	vendors := []struct{ vendor, platform string }{{"cisco", "ios"}, {"arista", "eos"}, {"juniper", "junos"}}
	roles := []string{"access", "leaf", "spine", "core"}
	for i := range n {
		v := vendors[i%len(vendors)]
		env := "production"
		if i%10 == 0 {
			env = "lab"
		}
		b.Nodes = append(b.Nodes, unet.NodeRecord{Name: fmt.Sprintf("node-%05d", i), Domain: "example.net", Vendor: v.vendor,
			Platform: v.platform, Role: roles[i%len(roles)], Model: "model-" + v.platform, Environment: env, Lifecycle: "live",
			MgmtIP: fmt.Sprintf("10.%d.%d.%d", i/65536, (i/256)%256, i%256), SerialNumber: fmt.Sprintf("SN%06d", i),
			SoftwareVersion: "1.0", Location: sites[i%len(sites)], CustomData: benchCustomData(sites[i%len(sites)])})
		if i > 0 {
			b.Links = append(b.Links, unet.LinkRecord{ANode: fmt.Sprintf("node-%05d.example.net", i-1), AInterface: "Gi0/1",
				ZNode: fmt.Sprintf("node-%05d.example.net", i), ZInterface: "Gi0/2"})
		}
	}
	return b
}

// benchCustomData is the custom data the demo's templates read, so that
// every node of the benchmark renders its configuration.
func benchCustomData(site string) map[string]any {
	return map[string]any{"ntp_servers": []any{"192.0.2.10", "192.0.2.11"}, "syslog_servers": []any{"192.0.2.30"},
		"snmp": map[string]any{"location": site, "contact": "noc@example.net"}, "aaa": map[string]any{"tacacs_servers": []any{"192.0.2.20"}}}
}

// benchRules are a handful of rules with passes, failures and results
// that do not apply.
const benchRules = `RULE "has-serial" SEVERITY high
WHEN node.lifecycle == "live"
THEN ASSERT node.serial_number MATCHES /^SN[0-9]+$/
RULE "juniper-role" SEVERITY medium
WHEN node.vendor == "juniper"
THEN ASSERT node.role IN ["core", "spine"]
RULE "lab-version" SEVERITY low
WHEN node.environment == "lab"
THEN ASSERT node.software_version == "2.0"
RULE "arista-leaf" SEVERITY info
WHEN node.vendor == "arista"
THEN ASSERT node.role != "access"
`

var assetRE = regexp.MustCompile(`/ui/static/app\.[0-9a-f]{12}\.(css|js)`)

// BenchmarkNodePages measures the server-side time of the node pages on
// 10,000 nodes with stored policy results (the interface's handler called
// in process), and checks the node list's transfer budget.
func BenchmarkNodePages(b *testing.B) {
	s := startUI(b, httpapi.Options{}, webui.Options{})
	ctx := adminCtx()
	if _, err := s.svc.Import(ctx, benchInventory(benchNodes), unet.ImportOptions{Reason: "benchmark"}); err != nil {
		b.Fatal(err)
	}
	// The demo's templates render the node page's configuration.
	if err := s.svc.MarkDemo(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := s.svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: []unet.PolicyFile{{Name: "bench.rules", Content: benchRules}},
		Source: "bench", Store: true}); err != nil {
		b.Fatal(err)
	}
	h := s.ui.Handler()
	get := func(b *testing.B, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s = %d:\n%s", path, rec.Code, rec.Body.String())
		}
		return rec
	}
	pages := []struct{ name, path string }{
		{"list", "/ui/nodes"},
		{"list-last-page", "/ui/nodes?page=200"},
		{"list-sorted-desc", "/ui/nodes?sort=-mgmt_ip&page=3"},
		{"list-filtered", "/ui/nodes?vendor=juniper&compliance=fail&environment=production&sort=role"},
		{"list-search", "/ui/nodes?q=SN0099"},
		// The node page with its rendered configuration (the service reads
		// only the node's part of the inventory to render it).
		{"node", "/ui/nodes/node-05000.example.net"},
		{"node-history-as-of", "/ui/nodes/node-05000.example.net?at=" + url.QueryEscape(time.Now().UTC().Format(time.RFC3339))},
		// The address that asked for the configuration when the page
		// rendered it on request only.
		{"node-rendered", "/ui/nodes/node-05000.example.net?render=1"},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			size := 0
			start := testutil.CPUTime(b)
			for b.Loop() {
				size = get(b, p.path).Body.Len()
			}
			testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
			b.ReportMetric(float64(size), "html-bytes")
		})
	}
	// The list's transfer: the page and the assets it loads.
	list := get(b, "/ui/nodes").Body.String()
	total := len(list)
	for _, a := range assetRE.FindAllString(list, -1) {
		total += get(b, a).Body.Len()
	}
	b.Logf("node list at %d nodes: %d bytes with its assets (budget %d)", benchNodes, total, maxNodeListBytes)
	if total > maxNodeListBytes {
		b.Fatalf("node list transfers %d bytes, over the budget of %d", total, maxNodeListBytes)
	}
}
