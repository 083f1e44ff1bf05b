package service_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/gitsync"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// replicas opens two services over one fresh database of engine, each with
// its own Git data directory, as two servers would be.
func replicas(t *testing.T, engine string) (a, b *service.Service, dirA, dirB string) {
	t.Helper()
	svcs := servicesOn(t, dbURL(t, engine), 2)
	dirA, dirB = t.TempDir(), t.TempDir()
	for i, dir := range []string{dirA, dirB} {
		svcs[i].SetGitAllowLocalURLs(true)
		svcs[i].SetGitDataDir(dir)
	}
	return svcs[0], svcs[1], dirA, dirB
}

// TestGitSnapshotServedByReplicaWithoutRemote syncs and activates on one
// replica, removes the remote repository, and asks the other replica (own
// data directory, never synced) for the policies and templates: it serves
// the same files, restored from the database.
func TestGitSnapshotServedByReplicaWithoutRemote(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := actx()
			a, b, _, dirB := replicas(t, engine)
			repo := testutil.NewGitRepo(t, "net")
			c1 := repo.Commit("main", "rules and templates", map[string]string{
				"base.rules": rule("base"), "sub/extra.rules": rule("extra"), "hostname.j2": "hostname {{ node.name }}\n",
			})
			ok(a.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main"}, unet.WriteOptions{})).v(t)
			ok(a.SyncGitSource(ctx, "net", "")).v(t)
			wantFiles, wantLabel := ok2(a.ActivePolicyFiles(ctx, ""))(t)

			if err := os.RemoveAll(repo.Root); err != nil {
				t.Fatal(err)
			}
			files, label := ok2(b.ActivePolicyFiles(ctx, ""))(t)
			if label != "git:net@"+c1 || label != wantLabel || len(files) != 2 || len(files) != len(wantFiles) {
				t.Fatalf("replica B serves %s %+v, want %s %+v", label, files, wantLabel, wantFiles)
			}
			for i := range files {
				if files[i] != wantFiles[i] {
					t.Fatalf("replica B file %d: %+v, want %+v", i, files[i], wantFiles[i])
				}
			}
			dir := ok(b.ActiveTemplateDir(ctx, "")).v(t)
			if !strings.HasPrefix(dir, dirB) {
				t.Fatalf("template directory %s is not in replica B's data directory %s", dir, dirB)
			}
			data, err := os.ReadFile(filepath.Join(dir, "hostname.j2"))
			if err != nil || string(data) != "hostname {{ node.name }}\n" {
				t.Fatalf("restored template: %q %v", data, err)
			}
			if info, err := os.Stat(filepath.Join(dir, "hostname.j2")); err != nil || info.Mode().Perm()&0o222 != 0 {
				t.Fatalf("restored template must be read-only like a checkout: %v %v", info.Mode(), err)
			}
			if _, err := os.Stat(filepath.Join(dirB, "repos", "net.git")); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("replica B must not have fetched the repository: %v", err)
			}
			if left, _ := filepath.Glob(filepath.Join(dirB, "snapshots", "net", ".*")); len(left) > 0 {
				t.Fatalf("temporary directories left: %v", left)
			}
		})
	}
}

// ok2 unwraps a (files, label, error) result.
func ok2(files []unet.PolicyFile, label string, err error) func(t *testing.T) ([]unet.PolicyFile, string) {
	return func(t *testing.T) ([]unet.PolicyFile, string) {
		t.Helper()
		if err != nil {
			t.Fatalf("active policies: %v", err)
		}
		return files, label
	}
}

// TestGitSnapshotBlobsDedupedAndPruned activates seven commits sharing
// files: shared content is stored once, and once snapshots are pruned only
// the kept ones (active + 3) stay stored, with no blob left that no stored
// snapshot uses.
func TestGitSnapshotBlobsDedupedAndPruned(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		svc.SetGitDataDir(t.TempDir())
		repo := testutil.NewGitRepo(t, "net")
		commits := []string{repo.Commit("main", "two rules", map[string]string{"a.rules": rule("a"), "b.rules": rule("b")})}
		ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{})).v(t)
		ok(svc.SyncGitSource(ctx, "net", "")).v(t)
		r := svc.DB().Reader()
		if n := ok(r.GitBlobCount(ctx)).v(t); n != 2 {
			t.Fatalf("blobs after the first activation: %d, want 2", n)
		}
		for i := range 6 {
			commits = append(commits, repo.Commit("main", "more", map[string]string{"c.rules": rule("c" + string(rune('0'+i)))}))
			ok(svc.SyncGitSource(ctx, "net", "")).v(t)
			if i == 0 {
				// a and b are shared with the first snapshot.
				if n := ok(r.GitBlobCount(ctx)).v(t); n != 3 {
					t.Fatalf("blobs after the second activation: %d, want 3", n)
				}
			}
		}
		stored := 0
		hashes := map[string]bool{}
		for _, c := range commits {
			if !ok(r.HasGitSnapshot(ctx, "net", c)).v(t) {
				continue
			}
			stored++
			_, files, err := r.GitSnapshot(ctx, "net", c)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				hashes[sqlstore.BlobHash(f.Content)] = true
			}
		}
		if !ok(r.HasGitSnapshot(ctx, "net", commits[len(commits)-1])).v(t) || stored != 4 {
			t.Fatalf("stored snapshots: %d of %d (want the active one and 3 more)", stored, len(commits))
		}
		if n := ok(r.GitBlobCount(ctx)).v(t); n != len(hashes) {
			t.Fatalf("blobs: %d, but the stored snapshots use %d", n, len(hashes))
		}
		ok(0, svc.RemoveGitSource(ctx, "net", unet.DeleteOptions{})).v(t)
		if n := ok(r.GitBlobCount(ctx)).v(t); n != 0 {
			t.Fatalf("blobs after removing the source: %d", n)
		}
	})
}

// TestGitSyncLockAcrossReplicas: while replica A holds the database lock of
// a source, replica B cannot sync it (it waits, and gives up with its
// context, having changed nothing); once A releases, B syncs. A lock left
// by a dead replica lapses at its expiry.
func TestGitSyncLockAcrossReplicas(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := actx()
			a, b, _, _ := replicas(t, engine)
			repo := testutil.NewGitRepo(t, "net")
			c1 := repo.Commit("main", "rules", map[string]string{"base.rules": rule("base")})
			ok(a.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{})).v(t)

			unlock := ok(service.LockGitSource(ctx, a, "net", false)).v(t)
			if _, err := service.LockGitSource(ctx, b, "net", false); !errors.Is(err, gitsync.ErrBusy) {
				t.Fatalf("B took the lock A holds: %v", err)
			}
			short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			_, err := b.SyncGitSource(short, "net", "")
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("B synced while A held the lock: %v", err)
			}
			if st := gitStatusOf(t, b, "net"); st.ActiveCommit != "" {
				t.Fatalf("B activated %s while A held the lock", st.ActiveCommit)
			}
			unlock()
			res := ok(b.SyncGitSource(ctx, "net", "")).v(t)
			if res[0].Environments[0].Commit != c1 || res[0].Environments[0].Outcome != unet.GitActivated {
				t.Fatalf("B's sync after the release: %+v", res)
			}

			// A replica that died holding the lock: it lapses at its expiry.
			now := time.Now().UTC()
			err = b.DB().WithTx(ctx, func(tx *sqlstore.Tx) error {
				_, err := tx.AcquireGitSyncLock(ctx, "net", "dead-replica", now.Add(-2*time.Minute), now.Add(-time.Second))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if holder, _, err := b.DB().Reader().GitSyncLockHolder(ctx, "net"); err != nil || holder != "dead-replica" {
				t.Fatalf("holder: %q %v", holder, err)
			}
			ok(a.SyncGitSource(ctx, "net", "")).v(t)
			if holder, _, err := b.DB().Reader().GitSyncLockHolder(ctx, "net"); err != nil || holder != "" {
				t.Fatalf("lock after the sync: %q %v", holder, err)
			}
		})
	}
}

// TestWebhookDeliveriesSharedByReplicas: a delivery recorded by one replica
// is a duplicate for the other until it expires.
func TestWebhookDeliveriesSharedByReplicas(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, b, _, _ := replicas(t, engine)
			now := time.Now()
			if dup := ok(a.WebhookDeliveries().SeenDelivery(ctx, "net", "id:1", now, time.Hour)).v(t); dup {
				t.Fatal("first delivery reported as a duplicate")
			}
			if dup := ok(b.WebhookDeliveries().SeenDelivery(ctx, "net", "id:1", now.Add(time.Minute), time.Hour)).v(t); !dup {
				t.Fatal("redelivery to the other replica not recognised")
			}
			if dup := ok(b.WebhookDeliveries().SeenDelivery(ctx, "net", "id:2", now, time.Hour)).v(t); dup {
				t.Fatal("another delivery reported as a duplicate")
			}
			if dup := ok(b.WebhookDeliveries().SeenDelivery(ctx, "net", "id:1", now.Add(2*time.Hour), time.Hour)).v(t); dup {
				t.Fatal("an expired delivery is still a duplicate")
			}
		})
	}
}

// TestGitSyncUnderStaleFenceRefused: a sync run under a leader lease that
// has moved on (a deposed leader) activates nothing; under the current
// token it activates.
func TestGitSyncUnderStaleFenceRefused(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		svc.SetGitDataDir(t.TempDir())
		repo := testutil.NewGitRepo(t, "net")
		c1 := repo.Commit("main", "rules", map[string]string{"base.rules": rule("base")})
		ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{})).v(t)
		now := time.Now()
		old, took, err := svc.DB().AcquireLease(ctx, "leader", "replica-a", 0, now, 15*time.Second)
		if err != nil || !took {
			t.Fatalf("lease for a: %v %v", took, err)
		}
		cur, took, err := svc.DB().AcquireLease(ctx, "leader", "replica-b", 0, now.Add(time.Minute), 15*time.Second)
		if err != nil || !took || cur.Token <= old.Token {
			t.Fatalf("lease for b: %+v %v %v", cur, took, err)
		}
		_, err = svc.SyncGitSource(unet.WithFence(ctx, unet.Fence{Lease: "leader", Token: old.Token}), "net", "schedule")
		if unet.ErrorCode(err) != unet.ECONFLICT || !strings.Contains(err.Error(), "stale token") {
			t.Fatalf("sync under the stale fence: %v", err)
		}
		if st := gitStatusOf(t, svc, "net"); st.ActiveCommit != "" {
			t.Fatalf("a deposed leader activated %s", st.ActiveCommit)
		}
		if holder, _, err := svc.DB().Reader().GitSyncLockHolder(ctx, "net"); err != nil || holder != "" {
			t.Fatalf("sync lock left by the refused sync: %q %v", holder, err)
		}
		res := ok(svc.SyncGitSource(unet.WithFence(ctx, unet.Fence{Lease: "leader", Token: cur.Token}), "net", "schedule")).v(t)
		if res[0].Environments[0].Commit != c1 || res[0].Environments[0].Outcome != unet.GitActivated {
			t.Fatalf("sync under the current fence: %+v", res)
		}
	})
}
