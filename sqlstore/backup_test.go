package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/dbarchive"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

func engineURL(t testing.TB, engine string) string {
	if engine == sqlstore.Postgres {
		return testutil.NewPostgresDB(t)
	}
	return "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
}

func openDB(t *testing.T, url string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func exec(t *testing.T, db *sqlstore.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.SQL().ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// extraTable creates a table no migration knows, with a serial key, a blob
// and a real: a backup must find it in the catalogue, and a restore must
// move its sequence past the restored keys.
func extraTable(t *testing.T, db *sqlstore.DB) {
	if db.Engine() == sqlstore.Postgres {
		exec(t, db, `CREATE TABLE extra (id BIGSERIAL PRIMARY KEY, data BYTEA, f DOUBLE PRECISION, note TEXT)`)
	} else {
		exec(t, db, `CREATE TABLE extra (id INTEGER PRIMARY KEY, data BLOB, f REAL, note TEXT)`)
	}
}

// populate writes rows that exercise the encoding: a location whose parent
// sorts after it, text that orders differently under a locale, NULLs, a
// blob with every byte, reals, and a secret's ciphertext.
func populate(t *testing.T, db *sqlstore.DB) {
	const at = "2026-01-02T03:04:05.000000Z"
	for _, l := range [][]any{
		{"zz-parent", "Site", "site", nil, "Site"},
		{"B-child", "rack b", "rack", "zz-parent", "Site/rack b"},
		{"a-child", "Räck ä", "rack", "zz-parent", "Site/Räck ä"},
		{"é-grandchild", "row", "row", "a-child", "Site/Räck ä/row"},
	} {
		exec(t, db, `INSERT INTO locations (id, name, type, parent_id, path, lifecycle, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'live', 1, $6, $6)`, append(l, at)...)
	}
	exec(t, db, `INSERT INTO secrets (name, key_id, nonce, ciphertext, created_at, updated_at) VALUES ('snmp', 'k1', 'bm9uY2U=', 'Y2lwaGVy<&>', $1, $1)`, at)
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, r := range [][]any{
		{int64(7), all, 0.1, "tab\there \"quoted\" \u2028"},
		{int64(3), []byte{}, -1e300, nil},
		{int64(12), nil, nil, "last"},
	} {
		exec(t, db, `INSERT INTO extra (id, data, f, note) VALUES ($1, $2, $3, $4)`, r...)
	}
}

func TestBackupRestoreAcrossEngines(t *testing.T) {
	ctx := context.Background()
	for _, dir := range [][2]string{{sqlstore.SQLite, sqlstore.Postgres}, {sqlstore.Postgres, sqlstore.SQLite}, {sqlstore.SQLite, sqlstore.SQLite}} {
		t.Run(dir[0]+"_to_"+dir[1], func(t *testing.T) {
			src := openDB(t, engineURL(t, dir[0]))
			if _, err := src.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			extraTable(t, src)
			populate(t, src)
			var buf bytes.Buffer
			_, sum, err := src.Backup(ctx, &buf, sqlstore.BackupOptions{Compress: true, Producer: "test"})
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]int64{}
			for _, s := range sum.Tables {
				names[s.Table] = s.Rows
			}
			if names["extra"] != 3 || names["locations"] != 4 || names["secrets"] != 1 || names["vendors"] == 0 {
				t.Fatalf("backup summary: %v", sum)
			}
			if _, ok := names["schema_migrations"]; ok {
				t.Fatal("schema_migrations is archived")
			}
			h, vsum, err := dbarchive.Verify(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if h.Engine != dir[0] || h.SchemaVersion != sqlstore.LatestVersion() || vsum.Rows != sum.Rows {
				t.Fatalf("header %+v, verify %v, backup %v", h, vsum, sum)
			}

			dst := openDB(t, engineURL(t, dir[1]))
			extraTable(t, dst) // a table of the target schema beyond the migrations
			r, err := dbarchive.NewReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := dst.Restore(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Verified || rep.Rows != sum.Rows || rep.Tables != len(sum.Tables) || rep.SourceEngine != dir[0] {
				t.Fatalf("restore report %+v, backup %v", rep, sum)
			}
			// The restored database backs up to the same tables and sums.
			var again bytes.Buffer
			_, sum2, err := dst.Backup(ctx, &again, sqlstore.BackupOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(sum2.Tables) != len(sum.Tables) {
				t.Fatalf("tables %v, want %v", sum2.Tables, sum.Tables)
			}
			for i := range sum.Tables {
				if sum2.Tables[i] != sum.Tables[i] {
					t.Errorf("table %v after restore, was %v", sum2.Tables[i], sum.Tables[i])
				}
			}
			// Sequences continue after the restored keys.
			var id int64
			q := `INSERT INTO extra (note) VALUES ('new') RETURNING id`
			if err := dst.SQL().QueryRowContext(ctx, q).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if id != 13 {
				t.Errorf("next id after restore = %d, want 13", id)
			}
			// A second restore into the now non-empty database is refused.
			r, err = dbarchive.NewReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			_, err = dst.Restore(ctx, r)
			if unet.ErrorCode(err) != unet.ECONFLICT || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "locations (4 rows)") {
				t.Fatalf("restore into a non-empty database: %v", err)
			}
		})
	}
}

func TestCopyAndDamagedRestore(t *testing.T) {
	ctx := context.Background()
	src := openDB(t, engineURL(t, sqlstore.SQLite))
	if _, err := src.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	extraTable(t, src)
	populate(t, src)
	dst := openDB(t, engineURL(t, sqlstore.Postgres))
	extraTable(t, dst)
	rep, err := sqlstore.Copy(ctx, src, dst, "test")
	if err != nil || !rep.Verified || rep.Rows == 0 {
		t.Fatalf("copy: %+v %v", rep, err)
	}

	// A restore from an archive damaged in the middle of a table rolls back
	// and leaves the database empty enough for a good one.
	var buf bytes.Buffer
	if _, _, err := src.Backup(ctx, &buf, sqlstore.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(buf.Bytes(), []byte(`"t:rack b"`), []byte(`"t:rack c"`), 1)
	if bytes.Equal(bad, buf.Bytes()) {
		t.Fatal("the test's corruption did not apply")
	}
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		target := openDB(t, engineURL(t, engine))
		extraTable(t, target)
		r, err := dbarchive.NewReader(bytes.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		_, err = target.Restore(ctx, r)
		var fe *dbarchive.FormatError
		if !errors.As(err, &fe) || fe.Table != "locations" || !strings.Contains(err.Error(), "checksum mismatch") {
			t.Fatalf("%s: damaged restore: %v", engine, err)
		}
		r, err = dbarchive.NewReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := target.Restore(ctx, r); err != nil || !rep.Verified {
			t.Fatalf("%s: restore after a failed one: %+v %v", engine, rep, err)
		}
	}
}

func TestRestoreRefusesNewerArchive(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	w, err := dbarchive.NewWriter(&buf, dbarchive.Header{SchemaVersion: sqlstore.LatestVersion() + 1, Engine: "sqlite"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := dbarchive.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	url := engineURL(t, sqlstore.SQLite)
	db := openDB(t, url)
	_, err = db.Restore(ctx, r)
	if unet.ErrorCode(err) != unet.ECONFLICT || !strings.Contains(err.Error(), "newer than this unet knows") {
		t.Fatalf("newer archive: %v", err)
	}
	if ok, _ := db.HasSchema(ctx); ok {
		t.Fatal("a refused restore created the schema")
	}
}

// An archive of an older schema restores at its own version; migrating
// afterwards brings the database to this unet's.
func TestRestoreOlderArchive(t *testing.T) {
	ctx := context.Background()
	src := openDB(t, engineURL(t, sqlstore.SQLite))
	if _, err := src.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	extraTable(t, src)
	populate(t, src)
	old, err := src.MigrateDown(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The version below old (versions need not be contiguous).
	prev := 0
	ms, err := sqlstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version < old {
			prev = m.Version
		}
	}
	var buf bytes.Buffer
	h, _, err := src.Backup(ctx, &buf, sqlstore.BackupOptions{Compress: true})
	if err != nil || h.SchemaVersion != prev {
		t.Fatalf("backup at version %d: %v", h.SchemaVersion, err)
	}
	dst := openDB(t, engineURL(t, sqlstore.Postgres))
	extraTable(t, dst)
	r, err := dbarchive.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := dst.Restore(ctx, r)
	if err != nil || rep.SchemaVersion != prev {
		t.Fatalf("restore: %+v %v", rep, err)
	}
	if v, _ := dst.SchemaVersion(ctx); v != prev {
		t.Fatalf("schema version after restore: %d", v)
	}
	if _, err := dst.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := dst.SQL().QueryRowContext(ctx, `SELECT count(*) FROM locations`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("locations after migrating: %d %v", n, err)
	}
	// A database already at a newer version than the archive is refused.
	other := openDB(t, engineURL(t, sqlstore.SQLite))
	if _, err := other.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if _, _, err := src.Backup(ctx, &again, sqlstore.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err = dbarchive.NewReader(&again)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Restore(ctx, r); unet.ErrorCode(err) != unet.ECONFLICT || !strings.Contains(err.Error(), "restore into a new database") {
		t.Fatalf("restore into a newer schema: %v", err)
	}
}

// The replicas' coordination state is not archived: a table named cluster_*
// (whatever a migration puts in it) stays out of the archive.
func TestBackupLeavesOutClusterState(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, engineURL(t, sqlstore.SQLite))
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `CREATE TABLE cluster_leases_probe (name TEXT PRIMARY KEY, token INTEGER NOT NULL)`)
	exec(t, db, `INSERT INTO cluster_leases_probe (name, token) VALUES ('leader', 42)`)
	var buf bytes.Buffer
	_, sum, err := db.Backup(ctx, &buf, sqlstore.BackupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sum.Tables {
		if strings.HasPrefix(s.Table, "cluster_") || s.Table == "schema_migrations" {
			t.Fatalf("%s is archived", s.Table)
		}
	}
	if bytes.Contains(buf.Bytes(), []byte("leader")) {
		t.Fatal("a cluster row is in the archive")
	}
	for _, name := range []string{"cluster_members", "cluster_leases", "cluster_job_runs", "schema_migrations", "sqlite_sequence"} {
		if !sqlstore.ExcludedFromArchive(name) {
			t.Errorf("%s is archived", name)
		}
	}
	if sqlstore.ExcludedFromArchive("nodes") || sqlstore.ExcludedFromArchive("git_snapshot_blobs") {
		t.Error("an inventory table is left out")
	}
}
