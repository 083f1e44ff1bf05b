package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// BenchmarkSQLiteCommit measures small write transactions (one row and the
// commit) on a SQLite file in WAL mode with synchronous=FULL (the default:
// the log is synced at every commit) and NORMAL (synced at checkpoints), one
// writer at a time and from 8 goroutines. The difference is the price of an
// acknowledged write surviving a power loss.
func BenchmarkSQLiteCommit(b *testing.B) {
	for _, mode := range []string{sqlstore.SyncFull, sqlstore.SyncNormal} {
		for _, writers := range []int{1, 8} {
			b.Run(fmt.Sprintf("sync=%s/writers=%d", mode, writers), func(b *testing.B) {
				ctx := context.Background()
				db, err := sqlstore.OpenWith(ctx, "sqlite://"+filepath.Join(b.TempDir(), "bench.db"), sqlstore.Options{Sync: mode})
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Migrate(ctx); err != nil {
					b.Fatal(err)
				}
				var seq atomic.Int64
				write := func() error {
					name := fmt.Sprintf("v%d", seq.Add(1))
					return db.WithTx(ctx, func(tx *sqlstore.Tx) error {
						return tx.InsertVendor(ctx, &unet.Vendor{Name: name})
					})
				}
				b.ResetTimer()
				if writers == 1 {
					for i := 0; i < b.N; i++ {
						if err := write(); err != nil {
							b.Fatal(err)
						}
					}
					return
				}
				b.SetParallelism(writers / 2) // × GOMAXPROCS (2) goroutines
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := write(); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}
