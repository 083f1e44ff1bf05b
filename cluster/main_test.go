package cluster_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/unet-dev/unet/cluster"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

func TestMain(m *testing.M) { os.Exit(testutil.PostgresMain(m)) }

// engines runs fn once per storage engine with the URL of a fresh migrated
// database.
func engines(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			url := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
			if engine == sqlstore.Postgres {
				url = testutil.NewPostgresDB(t)
			}
			db := open(t, url)
			if _, err := db.Migrate(context.Background()); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			fn(t, url)
		})
	}
}

// open opens url as a process of its own would (its own pool).
func open(t testing.TB, url string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Test timing: short, with the same ratios as the defaults.
const (
	beat = 150 * time.Millisecond
	ttl  = 900 * time.Millisecond
)

// replica is one member under test; kill simulates its death.
type replica struct {
	c    *cluster.DBCoordinator
	db   *sqlstore.DB
	kill context.CancelFunc
}

// start starts a member named id on its own pool of url.
func start(t *testing.T, url, id string) *replica {
	t.Helper()
	db := open(t, url)
	c, err := cluster.New(db, cluster.Options{ID: id, Address: id + ".example:8080", Version: "test", Heartbeat: beat, LeaseTTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	ctx, kill := context.WithCancel(context.Background())
	t.Cleanup(kill)
	if err := c.Start(ctx); err != nil {
		t.Fatalf("start %s: %v", id, err)
	}
	return &replica{c: c, db: db, kill: kill}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// leaders returns the members that believe they lead, with their tokens.
func leaders(rs []*replica) map[string]int64 {
	out := map[string]int64{}
	for _, r := range rs {
		if tok, ok := r.c.Leading(); ok {
			out[r.c.Self()] = tok
		}
	}
	return out
}

// theLeader waits until exactly one member leads and returns it.
func theLeader(t *testing.T, rs []*replica, within time.Duration) (*replica, int64) {
	t.Helper()
	var who *replica
	var token int64
	eventually(t, within, "exactly one member leads", func() bool {
		ls := leaders(rs)
		if len(ls) != 1 {
			return false
		}
		for _, r := range rs {
			if tok, ok := ls[r.c.Self()]; ok {
				who, token = r, tok
			}
		}
		return true
	})
	return who, token
}
