package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

func openBoth(t *testing.T, engine string) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	url := "sqlite://" + filepath.Join(t.TempDir(), "b.db")
	if engine == sqlstore.Postgres {
		url = testutil.NewPostgresDB(t)
	}
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func bulkChange(i int) *unet.Change {
	return &unet.Change{ID: fmt.Sprintf("00000000-0000-7000-8000-%012d", i), Time: time.Unix(1700000000, 0).UTC(), Actor: "tester",
		ObjectKind: unet.KindNode, ObjectID: fmt.Sprint(i), ObjectName: fmt.Sprintf("n%d", i), Op: unet.OpCreate,
		After: []byte(`{"i":` + fmt.Sprint(i) + `}`), Before: []byte("null"), Reason: "bulk"}
}

func countChanges(t *testing.T, db *sqlstore.DB) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM changes`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBufferedInserts: queued inserts are visible to a read made later in
// the transaction and are all committed (more than one statement's worth);
// a queued row the database refuses fails Buffered with a conflict, and the
// transaction writes nothing.
func TestBufferedInserts(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			db := openBoth(t, engine)
			err := db.WithTx(ctx, func(tx *sqlstore.Tx) error {
				return tx.Buffered(ctx, func() error {
					for i := 1; i <= 2500; i++ {
						if err := tx.InsertChange(ctx, bulkChange(i)); err != nil {
							return err
						}
					}
					c, err := tx.Reader().GetChange(ctx, bulkChange(2500).ID)
					if err != nil {
						return fmt.Errorf("a read after queued inserts: %w", err)
					}
					if c.ObjectName != "n2500" || string(c.After) != `{"i":2500}` || string(c.Before) != "null" {
						return fmt.Errorf("read back %+v", c)
					}
					for i := 2501; i <= 12345; i++ {
						if err := tx.InsertChange(ctx, bulkChange(i)); err != nil {
							return err
						}
					}
					return nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if n := countChanges(t, db); n != 12345 {
				t.Fatalf("%d change rows, want 12345", n)
			}
			err = db.WithTx(ctx, func(tx *sqlstore.Tx) error {
				return tx.Buffered(ctx, func() error {
					for i := 20000; i < 20010; i++ {
						if err := tx.InsertChange(ctx, bulkChange(i)); err != nil {
							return err
						}
					}
					return tx.InsertChange(ctx, bulkChange(77)) // already stored
				})
			})
			if unet.ErrorCode(err) != unet.ECONFLICT {
				t.Fatalf("duplicate row: %v (code %s)", err, unet.ErrorCode(err))
			}
			if n := countChanges(t, db); n != 12345 {
				t.Fatalf("failed transaction left %d change rows", n)
			}
		})
	}
}
