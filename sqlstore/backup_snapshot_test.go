package sqlstore_test

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"

	"github.com/unet-dev/unet/dbarchive"
	"github.com/unet-dev/unet/sqlstore"
)

// hookWriter runs hook before its first write.
type hookWriter struct {
	w    io.Writer
	once sync.Once
	hook func()
}

func (h *hookWriter) Write(p []byte) (int, error) {
	h.once.Do(h.hook)
	return h.w.Write(p)
}

// TestBackupIsOneSnapshot writes to the database while a backup is reading
// it (from inside the archive's first write, with thousands of rows still to
// read): the write is not held up, and none of it is in the archive.
func TestBackupIsOneSnapshot(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			db := openDB(t, engineURL(t, engine))
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			populateBench(t, db)
			var buf bytes.Buffer
			wrote := false
			hw := &hookWriter{w: &buf, hook: func() {
				for _, q := range []string{
					`INSERT INTO vendors (name, display_name, created_at) VALUES ('zz-late', 'Late', '2026-01-01T00:00:00.000000Z')`,
					`INSERT INTO nodes (id, name, fqdn, vendor, lifecycle, environment, version, created_at, updated_at)
						VALUES ('zz-late', 'late', 'late', 'zz-late', 'live', 'production', 1, 'x', 'x')`,
					`INSERT INTO changes (id, time, actor, object_kind, object_id, object_name, op) VALUES ('zz-late', 'x', 'a', 'node', 'zz-late', 'late', 'create')`,
					`UPDATE nodes SET role = 'late' WHERE id IN ('n-1', 'n-9999')`,
				} {
					if _, err := db.SQL().ExecContext(ctx, q); err != nil {
						t.Errorf("write during the backup: %v", err)
					}
				}
				wrote = true
			}}
			_, sum, err := db.Backup(ctx, hw, sqlstore.BackupOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !wrote {
				t.Fatal("the backup wrote nothing before it ended")
			}
			if bytes.Contains(buf.Bytes(), []byte("zz-late")) || bytes.Contains(buf.Bytes(), []byte(`"t:late"`)) {
				t.Fatal("a write committed during the backup is in the archive")
			}
			rows := map[string]int64{}
			for _, s := range sum.Tables {
				rows[s.Table] = s.Rows
			}
			if rows["nodes"] != benchNodes || rows["changes"] != benchNodes {
				t.Fatalf("archived %d nodes, %d changes; want %d each", rows["nodes"], rows["changes"], benchNodes)
			}
			if _, _, err := dbarchive.Verify(bytes.NewReader(buf.Bytes())); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM nodes`).Scan(&n); err != nil || n != benchNodes+1 {
				t.Fatalf("nodes after the backup: %d %v", n, err)
			}
		})
	}
}
