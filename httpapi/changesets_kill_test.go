package httpapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/sqlstore"
)

// TestKillDuringChangeSetApply runs the real `unet serve`, applies an
// approved change set of 3,000 node updates and kills the server with
// SIGKILL while the apply's transaction is writing, on both engines.
// Restarted on the same database, the set is either applied with every
// operation written, or still approved with none of them: never half.
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
			ops := make([]unet.ChangeOp, n)
			for i := range ops {
				ops[i] = unet.ChangeOp{Op: unet.OpUpdate, Kind: "node", Ref: fmt.Sprintf("node-%05d", i),
					Data: []byte(`{"role":"core","custom_data":{"wave":1}}`)}
			}
			a := mustDo(t, "POST", url+"/api/v1/changesets", unet.ChangeSetRequest{Title: "wave 1", Ops: ops}, as("alice")...)
			if a.status != http.StatusCreated {
				t.Fatalf("propose: %d %.2000s", a.status, a.body)
			}
			var cs unet.ChangeSet
			a.decode(t, &cs)
			item := url + "/api/v1/changesets/" + cs.ID
			if a := mustDo(t, "POST", item+"/approve", httpapi.CommentRequest{Comment: "go"}, as("bob")...); a.status != http.StatusOK {
				t.Fatalf("approve: %d %.2000s", a.status, a.body)
			}

			answered := make(chan int, 1)
			go func() {
				a, err := do(context.Background(), "POST", item+"/apply", unet.ApplyOptions{}, as("bob")...)
				if err != nil {
					answered <- 0 // the connection died with the server
					return
				}
				answered <- a.status
			}()
			if !waitForApplyWriter(t, engine, dbURL, file) {
				t.Fatal("the apply never started writing")
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err == nil {
				t.Fatal("the server exited normally instead of being killed")
			}
			status := <-answered

			_, url = startUnetServe(t, bin, dbURL)
			a = mustDo(t, "GET", url+"/api/v1/changesets/"+cs.ID+"?impact=false", nil)
			if a.status != http.StatusOK {
				t.Fatalf("the set after restart: %d %.2000s", a.status, a.body)
			}
			var after unet.ChangeSet
			a.decode(t, &after)
			a = mustDo(t, "GET", url+"/api/v1/nodes?limit=10000", nil)
			var nodes unet.List[unet.Node]
			a.decode(t, &nodes)
			if len(nodes.Items) != n {
				t.Fatalf("%d nodes after restart, want %d", len(nodes.Items), n)
			}
			written := 0
			for _, nd := range nodes.Items {
				if nd.Role == "core" {
					written++
				}
			}
			switch {
			case after.State == unet.ChangeSetApplied && written == n:
				t.Logf("%s: killed after the commit (apply answered %d): all %d operations applied", engine, status, n)
			case after.State == unet.ChangeSetApproved && written == 0:
				if status == http.StatusOK {
					t.Fatalf("the apply was acknowledged (200) but is lost after kill -9")
				}
				t.Logf("%s: killed mid-apply: nothing applied, the set is still approved", engine)
			default:
				t.Fatalf("half an apply after kill -9: set %s, %d of %d operations written", after.State, written, n)
			}
			if after.State == unet.ChangeSetApproved {
				// The set still applies, whole, after the restart.
				if a := mustDo(t, "POST", url+"/api/v1/changesets/"+cs.ID+"/apply", unet.ApplyOptions{}, as("bob")...); a.status != http.StatusOK {
					t.Fatalf("apply after restart: %d %.2000s", a.status, a.body)
				}
				a = mustDo(t, "GET", url+"/api/v1/nodes?limit=10000", nil)
				a.decode(t, &nodes)
				for _, nd := range nodes.Items {
					if nd.Role != "core" {
						t.Fatalf("node %s not written by the apply after restart: %+v", nd.Name, nd)
					}
				}
			}
		})
	}
}

// waitForApplyWriter waits (at most 60 s) until a write transaction is open
// in the database: for SQLite, a probe connection cannot take the write lock;
// for PostgreSQL, a client backend other than the probe holds a transaction
// ID (it has written within its open transaction).
func waitForApplyWriter(t *testing.T, engine, dbURL, file string) bool {
	t.Helper()
	if engine == sqlstore.SQLite {
		return waitForWriter(t, file)
	}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var writers int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()
			AND backend_type = 'client backend' AND backend_xid IS NOT NULL`).Scan(&writers)
		if err != nil {
			t.Fatalf("probe: %v", err)
		}
		if writers > 0 {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}
