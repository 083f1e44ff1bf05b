package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

func TestMain(m *testing.M) { os.Exit(testutil.PostgresMain(m)) }

func TestParseURL(t *testing.T) {
	cases := []struct{ in, engine, dsn string }{
		{"sqlite:///var/lib/unet/unet.db", sqlstore.SQLite, "/var/lib/unet/unet.db"},
		{"sqlite://./unet.db", sqlstore.SQLite, "./unet.db"},
		{"sqlite:unet.db", sqlstore.SQLite, "unet.db"},
		{"unet.db", sqlstore.SQLite, "unet.db"},
		{"postgres://u:p@h/db", sqlstore.Postgres, "postgres://u:p@h/db"},
		{"postgresql://h/db", sqlstore.Postgres, "postgresql://h/db"},
	}
	for _, c := range cases {
		e, d, err := sqlstore.ParseURL(c.in)
		if err != nil || e != c.engine || d != c.dsn {
			t.Errorf("%s → %s %s %v", c.in, e, d, err)
		}
	}
	for _, bad := range []string{"", "mysql://h/db"} {
		if _, _, err := sqlstore.ParseURL(bad); unet.ErrorCode(err) != unet.EINVALID {
			t.Errorf("%q: want invalid, got %v", bad, err)
		}
	}
}

func TestMigrationsBothEngines(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			url := "sqlite://" + filepath.Join(t.TempDir(), "m.db")
			if engine == sqlstore.Postgres {
				url = testutil.NewPostgresDB(t)
			}
			db, err := sqlstore.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.CheckSchema(ctx); unet.ErrorCode(err) != unet.EUNAVAILABLE {
				t.Fatalf("empty database must report pending migrations: %v", err)
			}
			for round := 0; round < 2; round++ {
				ms, _ := sqlstore.Migrations()
				n, err := db.Migrate(ctx)
				if err != nil || n != len(ms) {
					t.Fatalf("migrate up: %d %v", n, err)
				}
				if n, _ := db.Migrate(ctx); n != 0 {
					t.Fatalf("second migrate applied %d", n)
				}
				if err := db.CheckSchema(ctx); err != nil {
					t.Fatal(err)
				}
				for i := len(ms) - 1; i >= 0; i-- {
					got, err := db.MigrateDown(ctx)
					if v := ms[i].Version; err != nil || got != v {
						t.Fatalf("down: %d %v", got, err)
					}
				}
				if v, _ := db.SchemaVersion(ctx); v != 0 {
					t.Fatalf("after down: version %d", v)
				}
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			// A database written by a newer unet is refused, not modified.
			if _, err := db.SQL().ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01T00:00:00.000000Z')`); err != nil {
				t.Fatal(err)
			}
			for _, err := range []error{db.CheckSchema(ctx), func() error { _, err := db.Migrate(ctx); return err }()} {
				if err == nil || !strings.Contains(err.Error(), "newer than this unet") {
					t.Fatalf("newer schema not refused: %v", err)
				}
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	_, err := sqlstore.Open(ctx, "sqlite:///nonexistent-dir/sub/unet.db")
	if unet.ErrorCode(err) != unet.EUNAVAILABLE {
		t.Fatalf("missing directory: %v", err)
	}
	_, err = sqlstore.Open(ctx, "postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if unet.ErrorCode(err) != unet.EUNAVAILABLE || strings.Contains(err.Error(), "secret") {
		t.Fatalf("unreachable postgres: %v", err)
	}
}
