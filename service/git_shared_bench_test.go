package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// benchReplicas opens two services over one fresh database of engine and
// activates, through the first, a policy source of files rule files.
func benchReplicas(b *testing.B, engine string, files int) (a, r *service.Service) {
	b.Helper()
	url := dbURL(b, engine)
	var svcs []*service.Service
	for range 2 {
		db, err := sqlstore.Open(context.Background(), url)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = db.Close() })
		svc := service.New(db)
		svc.SetGitAllowLocalURLs(true)
		svc.SetGitDataDir(b.TempDir())
		svcs = append(svcs, svc)
	}
	repo := testutil.NewGitRepo(b, "net")
	content := map[string]string{}
	for i := range files {
		id := fmt.Sprintf("r%03d", i)
		content[fmt.Sprintf("d%d/%s.rules", i%10, id)] = rule(id)
	}
	repo.Commit("main", "rules", content)
	ctx := actx()
	if _, err := svcs[0].AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	if _, err := svcs[0].SyncGitSource(ctx, "net", ""); err != nil {
		b.Fatal(err)
	}
	return svcs[0], svcs[1]
}

// BenchmarkGitSnapshotRestore: a replica that never synced serves the
// policies of a 200-file snapshot, restored from the database into an
// empty data directory.
func BenchmarkGitSnapshotRestore(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine, func(b *testing.B) {
			_, r := benchReplicas(b, engine, 200)
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				r.SetGitDataDir(b.TempDir())
				b.StartTimer()
				if files, _, err := r.ActivePolicyFiles(ctx, ""); err != nil || len(files) != 200 {
					b.Fatalf("%d files: %v", len(files), err)
				}
			}
		})
	}
}

// BenchmarkActivePolicyFiles: the policy files of the active snapshot (200
// files) read from the database and the data directory at every request,
// and from the cache a replica keeps while it LISTENs (PostgreSQL).
func BenchmarkActivePolicyFiles(b *testing.B) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		b.Run(engine+"/uncached", func(b *testing.B) {
			_, r := benchReplicas(b, engine, 200)
			ctx := context.Background()
			for b.Loop() {
				if _, _, err := r.ActivePolicyFiles(ctx, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("postgres/listening", func(b *testing.B) {
		_, r := benchReplicas(b, sqlstore.Postgres, 200)
		ctx, cancel := context.WithCancel(context.Background())
		wait := r.StartGitWatch(ctx, service.GitWatchOptions{Check: time.Hour})
		defer func() {
			cancel()
			wait()
		}()
		deadline := time.Now().Add(10 * time.Second)
		for !r.GitCacheActive() {
			if time.Now().After(deadline) {
				b.Fatal("the watch did not connect")
			}
			time.Sleep(10 * time.Millisecond)
		}
		for b.Loop() {
			if _, _, err := r.ActivePolicyFiles(ctx, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}
