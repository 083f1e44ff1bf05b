package webui_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// csBenchBundle is a 10,000-node inventory: Cisco access nodes in a chain
// of links, every one of them rendered by the test template.
func csBenchBundle(n int) *unet.Bundle {
	b := &unet.Bundle{Locations: []unet.LocationRecord{{Name: "Lab", Type: "site"}}}
	for i := range n {
		b.Nodes = append(b.Nodes, unet.NodeRecord{Name: fmt.Sprintf("node-%05d", i), Vendor: "cisco", Platform: "ios",
			Role: "access", MgmtIP: fmt.Sprintf("10.%d.%d.%d", i/65536, (i/256)%256, i%256), Location: "Lab"})
		if i > 0 {
			b.Links = append(b.Links, unet.LinkRecord{ANode: fmt.Sprintf("node-%05d", i-1), AInterface: "Gi0/1",
				ZNode: fmt.Sprintf("node-%05d", i), ZInterface: "Gi0/2"})
		}
	}
	return b
}

// BenchmarkChangeSetPages times, server side, the review page of a change
// set touching 100 nodes (their role: a field diff each, a new policy
// failure each, a configuration diff each) in a 10,000-node inventory, the
// service's impact computation alone (which the page waits for), and the
// list page of 50 sets. The process CPU time (cpu-ms/op) varies less than
// the wall time on a shared machine; it leaves out PostgreSQL's own work.
func BenchmarkChangeSetPages(b *testing.B) {
	bundle := csBenchBundle(10000)
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			if engine == sqlstore.Postgres {
				csEnsurePostgres(b)
			}
			s := startCSServer(b, engine)
			ctx := csCtx("bench")
			if _, err := s.svc.Import(ctx, bundle, unet.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			var ops []unet.ChangeOp
			for i := range 100 {
				ops = append(ops, unet.ChangeOp{Op: unet.OpUpdate, Kind: unet.KindNode, Ref: fmt.Sprintf("node-%05d", i*100),
					Data: []byte(`{"role":"core"}`)})
			}
			cs, err := s.svc.ProposeChangeSet(csCtx("alice"), unet.ChangeSetRequest{Title: "100 cores", Ops: ops})
			if err != nil {
				b.Fatal(err)
			}
			for i := range 50 {
				if _, err := s.svc.ProposeChangeSet(csCtx("alice"), unet.ChangeSetRequest{Title: fmt.Sprintf("set %d", i),
					Ops: []unet.ChangeOp{{Op: unet.OpUpdate, Kind: unet.KindNode, Ref: fmt.Sprintf("node-%05d", i), Data: []byte(`{"model":"x"}`)}}}); err != nil {
					b.Fatal(err)
				}
			}
			admin := s.userToken(b, "root", unet.RoleAdmin)
			handler := s.Config.Handler
			get := func(b *testing.B, path string) string {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Host = "127.0.0.1"
				req.Header.Set("Authorization", "Bearer "+admin)
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d\n%s", path, rec.Code, rec.Body.String())
				}
				return rec.Body.String()
			}
			b.Run("review100", func(b *testing.B) {
				var size int
				start := testutil.CPUTime(b)
				for b.Loop() {
					body := get(b, "/ui/changesets/"+cs.ID)
					size = len(body)
					if strings.Count(body, `class="diff"`) < 200 || !strings.Contains(body, "100 new failure(s)") {
						b.Fatalf("review page lacks the impact:\n%.2000s", body)
					}
				}
				testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
				b.ReportMetric(float64(size)/1024, "KiB/page")
			})
			b.Run("impact100", func(b *testing.B) {
				start := testutil.CPUTime(b)
				for b.Loop() {
					got, err := s.svc.GetChangeSet(ctx, cs.ID, unet.ChangeSetView{Impact: true})
					if err != nil || got.Impact == nil || len(got.Impact.Config) != 100 {
						b.Fatalf("impact: %v", err)
					}
				}
				testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
			})
			b.Run("list", func(b *testing.B) {
				var size int
				start := testutil.CPUTime(b)
				for b.Loop() {
					body := get(b, "/ui/changesets")
					size = len(body)
				}
				testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
				b.ReportMetric(float64(size)/1024, "KiB/page")
			})
		})
	}
}
