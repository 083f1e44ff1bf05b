package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// TestLinkAtNoRowsBothEngines: an interface without a link is "" and no
// error on both engines (the driver's sql.ErrNoRows, recognised by identity),
// while a failing query stays an error.
func TestLinkAtNoRowsBothEngines(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			url := "sqlite://" + filepath.Join(t.TempDir(), "l.db")
			if engine == sqlstore.Postgres {
				url = testutil.NewPostgresDB(t)
			}
			db, err := sqlstore.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			id, err := db.Reader().LinkAt(ctx, "00000000-0000-0000-0000-000000000001", "Ethernet1")
			if err != nil || id != "" {
				t.Fatalf("LinkAt of an unused interface: %q %v", id, err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Reader().LinkAt(ctx, "00000000-0000-0000-0000-000000000001", "Ethernet1"); err == nil {
				t.Fatal("LinkAt on a closed database: no error")
			}
		})
	}
}
