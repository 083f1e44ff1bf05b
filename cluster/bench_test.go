package cluster_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/cluster"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// BenchmarkOwner is the cost of one ownership decision among 3 members
// (the SNMP scheduler makes one per target at every refresh).
func BenchmarkOwner(b *testing.B) {
	ks := keys(1000)
	members := []string{"0190a0b1-0000-7000-8000-000000000001", "0190a0b1-0000-7000-8000-000000000002", "0190a0b1-0000-7000-8000-000000000003"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		cluster.Owner(ks[i%len(ks)], members)
	}
}

// benchDB is a fresh migrated database of engine with the lease taken.
func benchDB(b *testing.B, engine string) (*sqlstore.DB, unet.Fence) {
	b.Helper()
	url := "sqlite://" + filepath.Join(b.TempDir(), "unet.db")
	if engine == sqlstore.Postgres {
		url = testutil.NewPostgresDB(b)
	}
	db := open(b, url)
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	l, ok, err := db.AcquireLease(ctx, cluster.LeaderLease, "bench", 0, time.Now(), time.Hour)
	if err != nil || !ok {
		b.Fatalf("lease: %v %v", ok, err)
	}
	return db, unet.Fence{Lease: cluster.LeaderLease, Token: l.Token}
}

// BenchmarkFencedWrite compares a one-row write transaction with and
// without the fence check (one locked read of the lease row before commit).
func BenchmarkFencedWrite(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		for _, fenced := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/fenced=%v", engine, fenced), func(b *testing.B) {
				db, f := benchDB(b, engine)
				ctx := context.Background()
				if fenced {
					ctx = unet.WithFence(ctx, f)
				}
				for i := 0; b.Loop(); i++ {
					if err := db.WithTx(ctx, func(tx *sqlstore.Tx) error {
						return tx.PutSetting(ctx, "bench", fmt.Sprint(i), time.Now())
					}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkHeartbeat is one member's periodic database work: write the
// heartbeat, read the members, renew the lease.
func BenchmarkHeartbeat(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			db, f := benchDB(b, engine)
			ctx := context.Background()
			m := sqlstore.ClusterMember{ID: "bench", StartedAt: time.Now(), Heartbeat: time.Second, LeaseTTL: time.Hour}
			for b.Loop() {
				now := time.Now()
				if err := db.ClusterHeartbeat(ctx, m, now); err != nil {
					b.Fatal(err)
				}
				if _, err := db.Reader().ClusterMembers(ctx); err != nil {
					b.Fatal(err)
				}
				if _, ok, err := db.AcquireLease(ctx, cluster.LeaderLease, "bench", f.Token, now, time.Hour); err != nil || !ok {
					b.Fatalf("renew: %v %v", ok, err)
				}
			}
		})
	}
}
