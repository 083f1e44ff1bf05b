package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TestOneActiveCanaryPerSourceAndEnvironment checks the database's own
// guarantee on both engines: a second active canary of a source and
// environment is a conflict even when two transactions race, another
// environment or an ended canary is not.
func TestOneActiveCanaryPerSourceAndEnvironment(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := openBoth(t, engine)
			now := time.Unix(1700000000, 0).UTC()
			canary := func(name, env string) *unet.Canary {
				return &unet.Canary{Name: name, Source: "net", Environment: env, CandidateKind: unet.CanaryCommit, Commit: "abc",
					Snapshot: "abc", Selector: `node.role == "access"`, TTL: "1h", ExpiresAt: now.Add(time.Hour), State: unet.CanaryActive,
					CreatedAt: now, Summary: &unet.CanarySummary{Nodes: 2, NewFailures: 1, Verdict: unet.CanaryFail}}
			}
			insert := func(c *unet.Canary) error {
				return db.WithTx(ctx, func(tx *sqlstore.Tx) error { return tx.InsertCanary(ctx, c) })
			}
			// Two transactions race for the same source and environment.
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, name := range []string{"a", "b"} {
				wg.Go(func() { errs[i] = insert(canary(name, "default")) })
			}
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("racing inserts: %v, %v; want exactly one conflict", errs[0], errs[1])
			}
			for _, err := range errs {
				if err != nil && unet.ErrorCode(err) != unet.ECONFLICT {
					t.Fatalf("second insert: %v, want a conflict", err)
				}
			}
			winner := "a"
			if errs[0] != nil {
				winner = "b"
			}
			if err := insert(canary("staging", "staging")); err != nil {
				t.Fatalf("another environment: %v", err)
			}
			if err := db.WithTx(ctx, func(tx *sqlstore.Tx) error {
				return tx.EndCanary(ctx, winner, unet.CanaryAborted, unet.CanaryReasonManual, "done", "tester", now)
			}); err != nil {
				t.Fatal(err)
			}
			err := db.WithTx(ctx, func(tx *sqlstore.Tx) error {
				return tx.EndCanary(ctx, winner, unet.CanaryAborted, unet.CanaryReasonManual, "again", "tester", now)
			})
			if unet.ErrorCode(err) != unet.ECONFLICT {
				t.Fatalf("ending an ended canary: %v", err)
			}
			if err := insert(canary("c", "default")); err != nil {
				t.Fatalf("after the first ended: %v", err)
			}
			r := db.Reader()
			active, err := r.ListCanaries(ctx, false)
			if err != nil || len(active) != 2 {
				t.Fatalf("active: %+v %v", active, err)
			}
			all, err := r.ListCanaries(ctx, true)
			if err != nil || len(all) != 3 {
				t.Fatalf("all: %+v %v", all, err)
			}
			got, err := r.GetCanary(ctx, winner)
			if err != nil || got.State != unet.CanaryAborted || got.EndDetail != "done" || got.EndedAt == nil || !got.EndedAt.Equal(now) ||
				got.Summary == nil || got.Summary.NewFailures != 1 || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
				t.Fatalf("ended canary: %+v %v", got, err)
			}
			if inUse, err := r.CanarySnapshotsInUse(ctx, "net"); err != nil || len(inUse) != 1 || inUse[0] != "abc" {
				t.Fatalf("snapshots in use: %v %v", inUse, err)
			}
		})
	}
}
