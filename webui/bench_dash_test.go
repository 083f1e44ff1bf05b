package webui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/policy/workload"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/webui"
)

// scaleInventory is 10,000 nodes in 100 racks, each with two backbone
// links, shaped for the 100 benchmark rules of policy/workload.
func scaleInventory(nodes int) *unet.Bundle {
	b := &unet.Bundle{Locations: []unet.LocationRecord{{Name: "DC", Type: "site"}}}
	for r := 0; r < 100; r++ {
		b.Locations = append(b.Locations, unet.LocationRecord{Name: fmt.Sprintf("R%02d", r), Type: "rack", Parent: "DC"})
	}
	vendors := []string{"cisco", "juniper", "arista"}
	platforms := []string{"iosxe", "junos", "eos"}
	for i := 0; i < nodes; i++ {
		b.Nodes = append(b.Nodes, unet.NodeRecord{
			Name: fmt.Sprintf("n%05d", i), Domain: "example.net", Vendor: vendors[i%3], Platform: platforms[i%3],
			Role: "leaf", Model: "M1", MgmtIP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
			SoftwareVersion: "1.2.3", Location: fmt.Sprintf("DC/R%02d", i%100), Lifecycle: "live",
			CustomData: map[string]any{"ntp_servers": []any{"192.0.2.1"}, "snmp": map[string]any{"location": "DC"}},
		})
	}
	for i := 0; i < nodes; i++ {
		a := fmt.Sprintf("n%05d.example.net", i)
		b.Links = append(b.Links,
			unet.LinkRecord{ANode: a, AInterface: "et1", ZNode: fmt.Sprintf("n%05d.example.net", (i+1)%nodes), ZInterface: "et3", Role: "backbone", BandwidthBPS: 100e9},
			unet.LinkRecord{ANode: a, AInterface: "et2", ZNode: fmt.Sprintf("n%05d.example.net", (i+2)%nodes), ZInterface: "et4", Role: "backbone", BandwidthBPS: 100e9})
	}
	return b
}

// benchUI is the web interface over a fresh database of engine, without
// authentication (every page open), and its service.
func benchUI(b *testing.B, engine string) (*service.Service, http.Handler) {
	b.Helper()
	ctx := context.Background()
	url := "sqlite://" + filepath.Join(b.TempDir(), "unet.db")
	if engine == sqlstore.Postgres {
		url = testutil.NewPostgresDB(b)
	}
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	svc := service.New(db)
	ui, err := webui.New(svc, webui.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return svc, ui.Handler()
}

// BenchmarkDashboard renders the dashboard on the server, on each engine,
// over 10,000 nodes and 20,000 links with the stored results of the 100
// benchmark rules (policy/workload: over a million results) and a
// compliance history of two evaluations (the second after one node was
// edited). Every view is cold: nothing is kept between views, the
// compliance section reads the counts stored with the results.
// ms/first-view is the first view after the interface started.
func BenchmarkDashboard(b *testing.B) {
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			svc, h := benchUI(b, engine)
			if _, err := svc.Import(setup(), scaleInventory(10000), unet.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			rules := []unet.PolicyFile{{Name: "bench.rules", Content: workload.Source(workload.Specs())}}
			results := 0
			store := func() {
				rep, err := svc.EvaluatePolicies(setup(), unet.PolicyEvalRequest{Files: rules, Source: "bench", Store: true})
				if err != nil {
					b.Fatal(err)
				}
				results = len(rep.Results)
			}
			store()
			if _, err := svc.UpdateNode(setup(), "n00001.example.net", unet.Patch{"software_version": "9.9.9"}, unet.WriteOptions{}); err != nil {
				b.Fatal(err)
			}
			store()
			if results < 1000000 {
				b.Fatalf("%d results stored", results)
			}
			start := time.Now()
			first := httptest.NewRecorder()
			h.ServeHTTP(first, httptest.NewRequest(http.MethodGet, "/ui/", nil))
			if first.Code != http.StatusOK {
				b.Fatalf("GET /ui/ = %d:\n%s", first.Code, first.Body)
			}
			cold := time.Since(start)
			var size int
			b.ResetTimer()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/ui/", nil))
				if w.Code != http.StatusOK {
					b.Fatalf("GET /ui/ = %d:\n%s", w.Code, w.Body)
				}
				size = w.Body.Len()
			}
			b.ReportMetric(float64(results), "results")
			b.ReportMetric(float64(size), "bytes/page")
			b.ReportMetric(float64(cold.Microseconds())/1000, "ms/first-view")
		})
	}
}
