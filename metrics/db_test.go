package metrics

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
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
