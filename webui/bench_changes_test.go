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
	"github.com/unet-dev/unet/service"
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
// failure each, a configuration diff each) in a 10,000-node inventory —
// shown again with its impact cached by the service (review100) and with
// the impact computed for every page (review100-cold) —, the service's
// read of the set with its cached impact alone (impact100), and the list
// page of 50 sets. The process CPU time (cpu-ms/op) varies less than
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
			var small *unet.ChangeSet
			for i := range 50 {
				one, err := s.svc.ProposeChangeSet(csCtx("alice"), unet.ChangeSetRequest{Title: fmt.Sprintf("set %d", i),
					Ops: []unet.ChangeOp{{Op: unet.OpUpdate, Kind: unet.KindNode, Ref: fmt.Sprintf("node-%05d", i), Data: []byte(`{"model":"x"}`)}}})
				if err != nil {
					b.Fatal(err)
				}
				if small == nil {
					small = one
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
				get(b, "/ui/changesets/"+cs.ID) // computes the impact once
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
			// The service keeps a reviewed impact until something it was
			// computed from moves: review100 after the first read shows the
			// page again with nothing changed. review100-cold moves the
			// guard settings (without changing any outcome) before every
			// read, so that the impact is computed every time.
			// reviewCold reads the review page of set id, its impact
			// computed for every read; ok tells whether the page shows
			// what (the failure message names it).
			reviewCold := func(b *testing.B, id, what string, ok func(body string) bool) {
				start := testutil.CPUTime(b)
				i := 0
				for b.Loop() {
					i++
					if err := s.svc.SetGuards(service.GuardSettings{ConfigPercent: 20 + float64(i%2)/2, NewCritical: true}); err != nil {
						b.Fatal(err)
					}
					if body := get(b, "/ui/changesets/"+id); !ok(body) {
						b.Fatalf("review page lacks %s:\n%.2000s", what, body)
					}
				}
				testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
				if err := s.svc.SetGuards(service.DefaultGuardSettings()); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("review100-cold", func(b *testing.B) {
				reviewCold(b, cs.ID, "the impact", func(body string) bool {
					return strings.Count(body, `class="diff"`) >= 200 && strings.Contains(body, "100 new failure(s)")
				})
			})
			// review1-cold: the review of a one-node set (the usual size of
			// a change), its impact computed for every page.
			b.Run("review1-cold", func(b *testing.B) {
				reviewCold(b, small.ID, "the set", func(body string) bool {
					return strings.Contains(body, "Configuration diffs") && strings.Contains(body, "model")
				})
			})
			b.Run("impact100", func(b *testing.B) {
				if _, err := s.svc.GetChangeSet(ctx, cs.ID, unet.ChangeSetView{Impact: true}); err != nil {
					b.Fatal(err)
				}
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
