package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/examples"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/templates"
)

// BenchmarkRenderNode10k renders one node's assigned templates and diffs
// them against a running configuration in a 10,000-leaf fabric, on each
// storage engine: the cost of `template render NODE` / `template diff NODE`
// and of the node page, which read only the node's part of the inventory.
// A leaf has 2 links; a spine is the peer of 5,000 leaves.
func BenchmarkRenderNode10k(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			svc := newService(b, engine)
			ctx := actx()
			if _, err := svc.Import(ctx, fabricBundle(10000), unet.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			svc.SetTemplateEnv(templates.New(examples.Templates(), templates.Options{}))
			files := demoPolicyFiles(b)
			running := runningConfig5k(b, svc, files)
			for _, node := range []string{"leaf0001", "spine1"} {
				b.Run("render-"+node, func(b *testing.B) {
					start := testutil.CPUTime(b)
					for b.Loop() {
						res, err := svc.RenderNode(ctx, unet.TemplateRequest{Node: node, PolicyFiles: files})
						if err != nil {
							b.Fatal(err)
						}
						if len(res.Parts) != 1 || !strings.Contains(res.Parts[0].Output, "hostname "+node) {
							b.Fatalf("render: %+v", res.Parts)
						}
					}
					testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
				})
			}
			b.Run("diff-leaf0001", func(b *testing.B) {
				start := testutil.CPUTime(b)
				for b.Loop() {
					res, err := svc.DiffNode(ctx, unet.TemplateDiffRequest{TemplateRequest: unet.TemplateRequest{Node: "leaf0001", PolicyFiles: files}, Running: running})
					if err != nil {
						b.Fatal(err)
					}
					if res.Equal || res.Templates[0].Added != 1 || res.Templates[0].Removed != 1 {
						b.Fatalf("diff: %+v", res.Templates[0])
					}
				}
				testutil.ReportCPU(b, start, time.Millisecond, "cpu-ms/op")
			})
		})
	}
}
