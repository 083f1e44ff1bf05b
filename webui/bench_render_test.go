package webui_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/webui"
)

// renderBenchUI is the web interface's handler over a fresh database of
// one engine.
func renderBenchUI(b *testing.B, engine string) (*service.Service, http.Handler) {
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
	b.Cleanup(func() { _ = db.Close() })
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

// BenchmarkNodePageRender measures the node page, which shows the node's
// rendered configuration, on 10,000 nodes with stored policy results, on
// each storage engine (the handler called in process). It fails when the
// page lacks the configuration.
func BenchmarkNodePageRender(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			svc, h := renderBenchUI(b, engine)
			ctx := adminCtx()
			if _, err := svc.Import(ctx, benchInventory(benchNodes), unet.ImportOptions{Reason: "benchmark"}); err != nil {
				b.Fatal(err)
			}
			if err := svc.MarkDemo(ctx); err != nil {
				b.Fatal(err)
			}
			if _, err := svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: []unet.PolicyFile{{Name: "bench.rules", Content: benchRules}},
				Source: "bench", Store: true}); err != nil {
				b.Fatal(err)
			}
			for _, p := range []struct{ name, path string }{
				{"node", "/ui/nodes/node-05000.example.net"},
				{"node-render-address", "/ui/nodes/node-05000.example.net?render=1"},
			} {
				b.Run(p.name, func(b *testing.B) {
					size := 0
					start := testutil.CPUTime(b)
					for b.Loop() {
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
						if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `<pre id="config-1">`) {
							b.Fatalf("GET %s = %d without the configuration:\n%s", p.path, rec.Code, rec.Body.String())
						}
						size = rec.Body.Len()
					}
					testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
					b.ReportMetric(float64(size), "html-bytes")
				})
			}
		})
	}
}
