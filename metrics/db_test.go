package metrics

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// openDB opens a fresh database of engine, migrated unless bare.
func openDB(t *testing.T, engine string, migrate bool) *sqlstore.DB {
	t.Helper()
	url := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
	if engine == sqlstore.Postgres {
		url = testutil.NewPostgresDB(t)
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if migrate {
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	return db
}

func engines(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, e := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(e, func(t *testing.T) { fn(t, e) })
	}
}

func TestTransactionOutcomes(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		db := openDB(t, engine, true)
		ctx := context.Background()
		count := func(outcome string) float64 {
			return mustSample(t, "unet_db_transactions_total", map[string]string{"outcome": outcome})
		}
		durations := func() float64 { return mustSample(t, "unet_db_transaction_duration_seconds", nil) }
		commits, rollbacks, errs, n := count("commit"), count("rollback"), count("error"), durations()

		if err := db.WithTx(ctx, func(*sqlstore.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if got := count("commit"); got != commits+1 {
			t.Errorf("commits %v, want %v", got, commits+1)
		}
		boom := errors.New("boom")
		if err := db.WithTx(ctx, func(*sqlstore.Tx) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("WithTx: %v", err)
		}
		if got := count("rollback"); got != rollbacks+1 {
			t.Errorf("rollbacks %v, want %v", got, rollbacks+1)
		}
		// A closed pool cannot begin: an error.
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if err := db.WithTx(ctx, func(*sqlstore.Tx) error { return nil }); err == nil {
			t.Fatal("WithTx on a closed database succeeded")
		}
		if got := count("error"); got != errs+1 {
			t.Errorf("errors %v, want %v", got, errs+1)
		}
		if got := durations(); got != n+3 {
			t.Errorf("observed durations %v, want %v", got, n+3)
		}
	})
}

func TestDatabaseAndInventoryGauges(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		db := openDB(t, engine, true)
		stop := WatchDB(db, nil)
		defer stop()
		inv := dbs.cur.Load().inv
		db1 := map[string]string{"db_name": DBName}
		want := float64(db.SQL().Stats().MaxOpenConnections)
		if got := mustSample(t, "go_sql_max_open_connections", db1); got != want || want == 0 {
			t.Errorf("go_sql_max_open_connections %v, want %v", got, want)
		}
		mustSample(t, "go_sql_wait_count_total", db1)
		kinds := func() map[string]float64 {
			out := map[string]float64{}
			for _, k := range []string{"node", "link", "location", "vendor"} {
				out[k] = mustSample(t, "unet_inventory_objects", map[string]string{"kind": k})
			}
			out["open"] = mustSample(t, "unet_change_sets", map[string]string{"state": unet.ChangeSetOpen})
			out["proposed"] = mustSample(t, "unet_change_sets", map[string]string{"state": unet.ChangeSetProposed})
			out["emergency"] = mustSample(t, "unet_emergency_changes_pending", nil)
			return out
		}
		// The migrations seed the well-known vendors; nothing else exists.
		before := kinds()
		for k, v := range before {
			if v != 0 && k != "vendor" {
				t.Errorf("%s = %v in a new database", k, v)
			}
		}
		svc := service.New(db)
		ctx := unet.WithActor(context.Background(), "alice")
		if _, err := svc.CreateVendor(ctx, &unet.Vendor{Name: "acme"}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateNode(ctx, &unet.Node{Name: "leaf1", Domain: "example.net", Vendor: "acme"}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateLocation(ctx, &unet.Location{Name: "Lab", Type: "site"}, unet.WriteOptions{Emergency: true, Reason: "outage"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ProposeChangeSet(ctx, unet.ChangeSetRequest{Title: "new vendor",
			Ops: []unet.ChangeOp{{Op: unet.OpCreate, Kind: "vendor", Data: []byte(`{"name":"zeta"}`)}}}); err != nil {
			t.Fatal(err)
		}
		// Within the cache period the scrape answers the counts read before.
		if got := kinds(); got["node"] != 0 || got["vendor"] != before["vendor"] {
			t.Errorf("counts read again within the cache period: %v", got)
		}
		inv.mu.Lock()
		inv.ttl = 0
		inv.mu.Unlock()
		got := kinds()
		for k, v := range map[string]float64{"node": 1, "vendor": 1, "location": 1, "link": 0, "proposed": 1, "open": 0, "emergency": 1} {
			if v += before[k]; got[k] != v {
				t.Errorf("%s = %v after the writes, want %v (all: %v)", k, got[k], v, got)
			}
		}
		// Reviewing the emergency change clears it.
		list, err := svc.ListEmergencyChanges(ctx, unet.EmergencyFilter{})
		if err != nil || len(list.Items) != 1 {
			t.Fatalf("emergency changes: %v %v", list, err)
		}
		if _, err := svc.ReviewEmergencyChange(unet.WithActor(context.Background(), "bob"), list.Items[0].Batch, "fine"); err != nil {
			t.Fatal(err)
		}
		if got := kinds()["emergency"]; got != 0 {
			t.Errorf("emergency changes pending after the review: %v", got)
		}
		stop()
		if _, ok := sample(t, "unet_inventory_objects", nil); ok {
			t.Error("inventory still reported after the database is no longer watched")
		}
	})
}

// A database the queries fail on (not migrated) leaves its series out; the
// scrape still answers everything else.
func TestInventoryQueryErrorKeepsTheScrape(t *testing.T) {
	db := openDB(t, sqlstore.SQLite, false)
	var logs strings.Builder
	stop := WatchDB(db, testLogger(&logs))
	defer stop()
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, body)
	}
	for _, want := range []string{`go_sql_open_connections{db_name="unet"}`, "unet_build_info{", "go_goroutines "} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if strings.Contains(body, "unet_inventory_objects{") || strings.Contains(body, "unet_change_sets{") {
		t.Errorf("counts reported over a database without tables:\n%s", body)
	}
	if !strings.Contains(logs.String(), "count the inventory") || !strings.Contains(logs.String(), "count the change sets") {
		t.Errorf("query errors not logged: %s", logs.String())
	}
}
