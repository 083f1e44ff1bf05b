package httpapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/sqlstore"
)

// TestKillDuringChangeSetApply runs the real `unet serve`, applies an
// approved change set of 3,000 node updates and kills the server with
// SIGKILL while the apply's own transaction is writing (not the dry runs
// that precede it), on both engines. Restarted on the same database, the set
// is either applied with every operation written, or still approved with
// none of them: never half; and it still applies afterwards.
//
// Finding the moment: on PostgreSQL, the apply's transaction is the one
// that holds the set's row lock (SELECT … FOR UPDATE on change_sets); on
// SQLite, where one writer holds the whole database, a first set is applied
// while the write lock is watched: its last long write-lock episode is the
// apply's transaction, the long ones before are its dry runs (they write as
// much and roll back). The second set's apply is watched the same way and
// killed in the episode after as many dry runs, once it has lasted a third
// of the dry run before it.
func TestKillDuringChangeSetApply(t *testing.T) {
	const n = 3000
	bin := buildUnet(t)
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dbURL, file := engineURL(t, engine)
			cmd, url := startUnetServe(t, bin, dbURL)
			as := func(actor string) []string { return []string{httpapi.ActorHeader, actor} }
			if a := mustDo(t, "POST", url+"/api/v1/import", bundle(n), as("setup")...); a.status != http.StatusOK {
				t.Fatalf("import: %d %s", a.status, a.body)
			}
			// propose stages and approves a set giving every node role.
			propose := func(role string) string {
				t.Helper()
				ops := make([]unet.ChangeOp, n)
				for i := range ops {
					ops[i] = unet.ChangeOp{Op: unet.OpUpdate, Kind: "node", Ref: fmt.Sprintf("node-%05d", i),
						Data: []byte(`{"role":"` + role + `","custom_data":{"wave":"` + role + `"}}`)}
				}
				a := mustDo(t, "POST", url+"/api/v1/changesets", unet.ChangeSetRequest{Title: "all nodes " + role, Ops: ops}, as("alice")...)
				if a.status != http.StatusCreated {
					t.Fatalf("propose: %d %.2000s", a.status, a.body)
				}
				var cs unet.ChangeSet
				a.decode(t, &cs)
				if a := mustDo(t, "POST", url+"/api/v1/changesets/"+cs.ID+"/approve", httpapi.CommentRequest{Comment: "go"}, as("bob")...); a.status != http.StatusOK {
					t.Fatalf("approve: %d %.2000s", a.status, a.body)
				}
				return cs.ID
			}
			apply := func(id string) <-chan int {
				answered := make(chan int, 1)
				go func() {
					a, err := do(context.Background(), "POST", url+"/api/v1/changesets/"+id+"/apply", unet.ApplyOptions{}, as("bob")...)
					if err != nil {
						answered <- 0 // the connection died with the server
						return
					}
					answered <- a.status
				}()
				return answered
			}

			var killAt func()
			if engine == sqlstore.SQLite {
				// Calibrate on a first set, applied whole.
				first := propose("core")
				answered := apply(first)
				var done atomic.Bool
				go func() {
					if status := <-answered; status != http.StatusOK {
						t.Errorf("the first apply answered %d", status)
					}
					done.Store(true)
				}()
				episodes := watchWriteLock(t, file, func([]episode, bool) bool { return done.Load() })
				// Transactions that write the 3,000 operations last long
				// (0.7–2.5 s seen); the others (bookkeeping) a few
				// milliseconds, sometimes 50 or more under load. Long is
				// at least a fifth of the longest episode. The last long
				// one is the apply's, the long ones before it are dry runs.
				long := 50 * time.Millisecond
				for _, e := range episodes {
					long = max(long, e.length()/5)
				}
				before := -1
				var applyTx episode
				for _, e := range episodes {
					if e.length() >= long {
						before++
						applyTx = e
					}
				}
				if before < 0 {
					t.Fatalf("no long write-lock episode seen during the first apply: %v", episodes)
				}
				t.Logf("first apply: write-lock episodes %v; the apply's: %v, after %d dry run(s)", episodes, applyTx, before)
				killAt = func() {
					// Watch the second apply: once as many dry runs as in
					// the first have ended, the next transaction is the
					// apply's; kill it once it has held the write lock for
					// a while (it commits only at its end). Its length
					// varies from run to run (0.7–2.5 s seen), so the kill
					// does not wait for a share of the dry run's length.
					seen := watchWriteLock(t, file, func(eps []episode, held bool) bool {
						if !held {
							return false
						}
						done := 0
						for _, e := range eps[:len(eps)-1] {
							if e.length() >= long {
								done++
							}
						}
						return done >= before && eps[len(eps)-1].length() >= 50*time.Millisecond
					})
					t.Logf("second apply: killed in write-lock episode %v of %v", seen[len(seen)-1], seen)
				}
			} else {
				killAt = func() {
					if !waitForSetLock(t, dbURL) {
						t.Fatal("the apply's transaction never started")
					}
					time.Sleep(100 * time.Millisecond) // well into its writes
				}
			}
			base := "access"
			if engine == sqlstore.SQLite {
				base = "core"
			}

			id := propose("dist")
			answered := apply(id)
			killAt()
			select {
			case status := <-answered:
				t.Fatalf("the apply answered %d before the kill: the kill would not be mid-apply", status)
			default:
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err == nil {
				t.Fatal("the server exited normally instead of being killed")
			}
			status := <-answered

			_, url = startUnetServe(t, bin, dbURL)
			state, roles := setAndRoles(t, url, id)
			switch {
			case state == unet.ChangeSetApplied && roles["dist"] == n:
				if status != http.StatusOK {
					t.Logf("%s: killed between the commit and the answer: all %d operations applied", engine, n)
				}
			case state == unet.ChangeSetApproved && roles[base] == n:
				t.Logf("%s: killed mid-apply: nothing applied, the set is still approved", engine)
			default:
				t.Fatalf("half an apply after kill -9: set %s, roles %v", state, roles)
			}
			if state == unet.ChangeSetApproved {
				if a := mustDo(t, "POST", url+"/api/v1/changesets/"+id+"/apply", unet.ApplyOptions{}, as("bob")...); a.status != http.StatusOK {
					t.Fatalf("apply after restart: %d %.2000s", a.status, a.body)
				}
				if state, roles = setAndRoles(t, url, id); state != unet.ChangeSetApplied || roles["dist"] != n {
					t.Fatalf("after the apply that followed the restart: set %s, roles %v", state, roles)
				}
			}
		})
	}
}

// setAndRoles returns the state of a set and how many nodes have each role.
func setAndRoles(t *testing.T, url, id string) (string, map[string]int) {
	t.Helper()
	a := mustDo(t, "GET", url+"/api/v1/changesets/"+id+"?impact=false", nil)
	if a.status != http.StatusOK {
		t.Fatalf("the set: %d %.2000s", a.status, a.body)
	}
	var cs unet.ChangeSet
	a.decode(t, &cs)
	a = mustDo(t, "GET", url+"/api/v1/nodes?limit=10000", nil)
	var nodes unet.List[unet.Node]
	a.decode(t, &nodes)
	roles := map[string]int{}
	for _, nd := range nodes.Items {
		roles[nd.Role]++
	}
	return cs.State, roles
}

// episode is a span during which a transaction held SQLite's write lock,
// relative to the start of the watch.
type episode struct{ start, end time.Duration }

func (e episode) length() time.Duration { return e.end - e.start }

func (e episode) String() string {
	return fmt.Sprintf("%s-%s", e.start.Round(time.Millisecond), e.end.Round(time.Millisecond))
}

// watchWriteLock records when a transaction holds the write lock of the
// SQLite file (from now, in episodes) until until says so, asked after each
// probe with the episodes so far and whether one holds the lock (at most
// 60 s).
func watchWriteLock(t *testing.T, file string, until func([]episode, bool) bool) []episode {
	t.Helper()
	ctx := context.Background()
	conn, done := lockProbe(t, file)
	defer done()
	start := time.Now()
	var out []episode
	held := false
	for !until(out, held) {
		if time.Since(start) > 60*time.Second {
			t.Fatalf("the write lock did not do what was waited for in 60 s: %v", out)
		}
		_, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE")
		now := time.Since(start)
		switch {
		case err != nil && (strings.Contains(err.Error(), "busy") || strings.Contains(err.Error(), "locked")):
			if !held {
				out = append(out, episode{start: now})
				held = true
			}
			out[len(out)-1].end = now
		case err != nil:
			t.Fatalf("probe: %v", err)
		default:
			held = false
			if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
				t.Fatalf("probe: %v", err)
			}
		}
		time.Sleep(time.Millisecond)
	}
	return out
}

// waitForSetLock waits (at most 60 s) until a PostgreSQL client backend
// holds a row lock on change_sets inside a writing transaction: the apply's
// own transaction (the dry runs before it lock no set).
func waitForSetLock(t *testing.T, dbURL string) bool {
	t.Helper()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var holders int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks l
			JOIN pg_class c ON c.oid = l.relation
			JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE c.relname = 'change_sets' AND l.mode = 'RowShareLock' AND l.granted
			AND a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_xid IS NOT NULL`).Scan(&holders)
		if err != nil {
			t.Fatalf("probe: %v", err)
		}
		if holders > 0 {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}
