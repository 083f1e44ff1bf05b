package sqlstore_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// TestMigrateConcurrently upgrades one database from several processes at
// once (replicas started together): every one succeeds, each migration is
// applied once.
func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			url := "sqlite://" + filepath.Join(t.TempDir(), "m.db")
			if engine == sqlstore.Postgres {
				url = testutil.NewPostgresDB(t)
			}
			const n = 4
			dbs := make([]*sqlstore.DB, n)
			for i := range dbs {
				db, err := sqlstore.Open(ctx, url)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				dbs[i] = db
			}
			applied := make([]int, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i, db := range dbs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					applied[i], errs[i] = db.Migrate(ctx)
				}()
			}
			wg.Wait()
			total := 0
			for i := range dbs {
				if errs[i] != nil {
					t.Fatalf("migrate %d: %v", i, errs[i])
				}
				total += applied[i]
			}
			if ms, _ := sqlstore.Migrations(); total != len(ms) {
				t.Fatalf("%d migrations applied in all, want %d", total, len(ms))
			}
			if err := dbs[0].CheckSchema(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}
