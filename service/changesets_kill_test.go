package service_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// Environment of the apply process of TestChangeSetKillDuringApply.
const (
	killDBEnv  = "UNET_TEST_KILL_APPLY_DB"
	killSetEnv = "UNET_TEST_KILL_APPLY_SET"
)

// TestChangeSetKillApplyProcess is the process that TestChangeSetKillDuringApply
// kills: run with the environment above, it applies one set and reports on
// stdout. Run without it, it has nothing to do.
func TestChangeSetKillApplyProcess(t *testing.T) {
	url, set := os.Getenv(killDBEnv), os.Getenv(killSetEnv)
	if url == "" || set == "" {
		return
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	fmt.Println("applying")
	if _, err := service.New(db).ApplyChangeSet(as("alice"), set, unet.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	fmt.Println("applied")
}

// TestChangeSetKillDuringApply kills (SIGKILL) a process while it applies a
// large set: reopened, the database holds the whole set or none of it.
// PostgreSQL is killed once the apply's transaction holds the set's row
// lock; SQLite after increasing delays.
func TestChangeSetKillDuringApply(t *testing.T) {
	const n = 800
	b := &unet.Bundle{Locations: []unet.LocationRecord{{Name: "Lab", Type: "site"}}}
	for i := 0; i < n; i++ {
		b.Nodes = append(b.Nodes, unet.NodeRecord{Name: fmt.Sprintf("node-%05d", i), Vendor: "cisco", Platform: "ios",
			Role: "access", Location: "Lab"})
	}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string][]time.Duration{
		sqlstore.SQLite:   {0, 100 * time.Millisecond, 400 * time.Millisecond},
		sqlstore.Postgres: {0},
	}
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			for i, delay := range runs[engine] {
				url := dbURL(t, engine)
				ctx := context.Background()
				db, err := sqlstore.Open(ctx, url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				svc := service.New(db)
				cs := approved(t, svc, "Lab", unet.ChangeOp{Op: unet.OpImport, Kind: unet.KindBundle, Data: data})

				cmd := exec.Command(os.Args[0], "-test.run=^TestChangeSetKillApplyProcess$", "-test.count=1")
				cmd.Env = append(os.Environ(), killDBEnv+"="+url, killSetEnv+"="+cs.ID)
				cmd.Stderr = os.Stderr
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				out := bufio.NewReader(stdout)
				if line, err := out.ReadString('\n'); err != nil || line != "applying\n" {
					t.Fatalf("apply process: %q %v", line, err)
				}
				if engine == sqlstore.Postgres {
					waitForSetLock(t, db)
				} else if delay > 0 {
					time.Sleep(delay) // when to kill, not a synchronisation
				}
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				_ = cmd.Wait()

				got := ok(svc.GetChangeSet(actx(), cs.ID, unet.ChangeSetView{})).v(t)
				nodes := ok(svc.ListNodes(actx(), unet.NodeFilter{Page: unet.Page{Limit: 1}})).v(t).Total
				var rows int
				if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM changes WHERE change_set = $1`, cs.ID).Scan(&rows); err != nil {
					t.Fatal(err)
				}
				switch {
				case got.State == unet.ChangeSetApproved && nodes == 0 && rows == 0:
					t.Logf("run %d: killed before the commit: nothing applied", i)
				case got.State == unet.ChangeSetApplied && nodes == n && rows == n+1:
					t.Logf("run %d: killed after the commit: all applied", i)
				default:
					t.Fatalf("run %d: half applied: set %s, %d nodes, %d change rows", i, got.State, nodes, rows)
				}
			}
		})
	}
}

// waitForSetLock returns once another connection holds a row lock on
// change_sets (an apply's transaction has started).
func waitForSetLock(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var k int
		err := db.SQL().QueryRow(`SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE c.relname = 'change_sets' AND l.mode = 'RowShareLock' AND l.pid <> pg_backend_pid()
			AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&k)
		if err != nil {
			t.Fatal(err)
		}
		if k > 0 {
			return
		}
	}
	t.Fatal("the apply never took the set's lock")
}
