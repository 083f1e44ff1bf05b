package service_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

func TestMain(m *testing.M) { os.Exit(testutil.PostgresMain(m)) }

// engines runs fn once per storage engine, each with a fresh migrated database.
func engines(t *testing.T, fn func(t *testing.T, svc *service.Service)) {
	t.Helper()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			fn(t, newService(t, engine))
		})
	}
}

// dbURL returns the URL of a fresh database of an engine.
func dbURL(t testing.TB, engine string) string {
	if engine == sqlstore.Postgres {
		return testutil.NewPostgresDB(t)
	}
	return "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
}

func newService(t testing.TB, engine string) *service.Service {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dbURL(t, engine))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	svc := service.New(db)
	svc.SetGitAllowLocalURLs(true) // the tests' repositories are local
	return svc
}

func actx() context.Context { return unet.WithActor(context.Background(), "tester") }

func mustCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error %s, got nil", code)
	}
	if got := unet.ErrorCode(err); got != code {
		t.Fatalf("want error code %s, got %s: %v", code, got, err)
	}
}

// result carries a value and an error so that tests can write ok(f()).v(t).
type result[T any] struct {
	val T
	err error
}

func ok[T any](v T, err error) result[T] { return result[T]{v, err} }

// v returns the value, failing the test on an error.
func (r result[T]) v(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatalf("unexpected error: %v", r.err)
	}
	return r.val
}

// changeCount returns the number of change rows.
func changeCount(t *testing.T, svc *service.Service) int {
	t.Helper()
	l, err := svc.ListChanges(context.Background(), unet.ChangeFilter{Page: unet.Page{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return l.Total
}

// seed creates a small topology: a site with a rack, two nodes, a link.
func seed(t *testing.T, svc *service.Service) {
	t.Helper()
	ctx := actx()
	ok(svc.CreateLocation(ctx, &unet.Location{Name: "Site", Type: "site"}, unet.WriteOptions{})).v(t)
	ok(svc.CreateLocation(ctx, &unet.Location{Name: "Rack1", Type: "rack", ParentID: "Site"}, unet.WriteOptions{})).v(t)
	ok(svc.CreateNode(ctx, &unet.Node{Name: "leaf1", Domain: "example.net", Vendor: "arista", Platform: "eos", Role: "leaf", LocationID: "Site/Rack1", Lifecycle: "live", MgmtIP: "192.0.2.1", Meta: unet.Meta{Tags: []string{"dc"}}}, unet.WriteOptions{})).v(t)
	ok(svc.CreateNode(ctx, &unet.Node{Name: "spine1", Domain: "example.net", Vendor: "Arista", Platform: "eos", Role: "spine", LocationID: "Site"}, unet.WriteOptions{})).v(t)
	ok(svc.CreateLink(ctx, &unet.Link{ANodeID: "leaf1", AInterface: "Ethernet49/1", ZNodeID: "spine1", ZInterface: "Ethernet1/1", Role: "backbone"}, unet.WriteOptions{})).v(t)
}

// servicesOn opens n services, each on its own pool, over one database (as n
// servers on one database would be).
func servicesOn(t *testing.T, url string, n int) []*service.Service {
	t.Helper()
	var svcs []*service.Service
	for i := 0; i < n; i++ {
		db, err := sqlstore.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		svcs = append(svcs, service.New(db))
	}
	return svcs
}
