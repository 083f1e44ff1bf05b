package service_test

import (
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// BenchmarkExportAt10k reconstructs the inventory of 10,000 nodes and
// 20,000 links from the change log (one pass), next to the plain Export of
// the same data, on each engine.
func BenchmarkExportAt10k(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			svc := newService(b, engine)
			if _, err := svc.Import(actx(), scaleBundle(10000), unet.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			at := time.Now().Add(time.Minute).Format(time.RFC3339Nano)
			b.Run("ExportAt", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					bundle, err := svc.ExportAt(actx(), at)
					if err != nil || len(bundle.Nodes) != 10000 || len(bundle.Links) != 20000 {
						b.Fatalf("ExportAt: %v", err)
					}
				}
			})
			b.Run("Export", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, err := svc.Export(actx()); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
