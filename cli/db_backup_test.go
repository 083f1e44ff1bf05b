package cli_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/cli"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// needPostgres makes sure the tests have a PostgreSQL cluster.
func needPostgres(t *testing.T) {
	t.Helper()
	if os.Getenv(testutil.PostgresEnv) != "" {
		return
	}
	url, stop, err := testutil.StartPostgres()
	if err != nil {
		t.Fatalf("cannot start PostgreSQL (apt-get install -y postgresql, or set %s): %v", testutil.PostgresEnv, err)
	}
	t.Cleanup(stop)
	t.Setenv(testutil.PostgresEnv, url)
}

// exportOf exports the inventory of db as YAML and returns every file's bytes.
func exportOf(t *testing.T, db string) map[string][]byte {
	t.Helper()
	r := &runner{t: t, db: db, env: map[string]string{"UNET_ACTOR": "tester"}}
	dir := filepath.Join(t.TempDir(), "export")
	r.ok("export", dir, "--format", "yaml")
	files := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	if len(files) == 0 {
		t.Fatalf("export of %s wrote no file", db)
	}
	return files
}

func sameExport(t *testing.T, what string, want, got map[string][]byte) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: export has files %d, want %d", what, len(got), len(want))
	}
	for name, w := range want {
		if !bytes.Equal(w, got[name]) {
			t.Fatalf("%s: exported %s differs from the source's", what, name)
		}
	}
}

// populated fills a new SQLite database the way an operator's is: the demo
// inventory and its change log, stored policy results and compliance
// history, an open change set, users with a role, a hashed API token, an
// encrypted secret and SNMP poll state.
func populated(t *testing.T) *runner {
	r := newRunner(t)
	r.env["UNET_SECRETS_KEY"] = keyFile(t, 7)
	r.env["TEST_PEPPER"] = "backup-test-pepper-0123456789abcdefghij"
	r.ok("demo")
	r.ok("nodes", "update", "lon-acc-01", "--set", "software_version=17.12.2", "--set", "custom_data.owner=campus-team")
	r.ok("policy", "eval", "--demo", "--store")
	r.ok("users", "add", "ada", "--role", "admin", "--email", "ada@example.net")
	r.ok("--token-pepper", "env:TEST_PEPPER", "tokens", "create", "--user", "ada", "--description", "backup test")
	if res := r.runStdin("s3cret-community\n", "secrets", "set", "snmp-ro"); res.code != 0 {
		t.Fatalf("secrets set: %s", res.stderr)
	}
	ops := filepath.Join(t.TempDir(), "ops.yaml")
	if err := os.WriteFile(ops, []byte("title: Upgrade fra-spine-01\nops:\n  - op: update\n    kind: node\n    ref: fra-spine-01\n    data: {software_version: 4.33.1F}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.ok("changes", "propose", "-f", ops, "--draft")
	// A Git source with an active snapshot and its history.
	repo := testutil.NewGitRepo(t, "net")
	repo.Commit("main", "baseline", map[string]string{"base.rules": gitRule("base")})
	r.ok("git", "sources", "add", "net", "--url", repo.URL(), "--branch", "main", "--kind", "policies")
	r.ok("git", "sync", "net", "--data-dir", filepath.Join(t.TempDir(), "git"))
	// SNMP state as the poller stores it.
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, r.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`INSERT INTO node_status (node_id, reachable, last_attempt, sys_descr, uptime_s, cpu_percent, memory_used)
			SELECT id, 1, '2026-01-02T03:04:05.000000Z', 'Arista EOS', 123456, 12.5, 1048576 FROM nodes`,
		`INSERT INTO status_history (id, node_id, time, reachable, snapshot)
			SELECT 'h-' || id, id, '2026-01-02T03:04:05.000000Z', 1, '{"cpu":12.5}' FROM nodes`,
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// TestBackupRestoreAcrossEngines is the acceptance test of backup and
// restore: a populated SQLite database is backed up, verified, restored into
// a new PostgreSQL database and from there into a new SQLite file, and
// copied straight into PostgreSQL; every export is byte-identical to the
// source's. A restore into a database holding data is refused, and so is a
// damaged archive, by verify and by restore, naming the table and position.
func TestBackupRestoreAcrossEngines(t *testing.T) {
	needPostgres(t)
	src := populated(t)
	want := exportOf(t, src.db)
	dir := t.TempDir()
	archive := filepath.Join(dir, "unet.backup")

	out := src.ok("-o", "table", "db", "backup", archive)
	if !strings.Contains(out, "backed up") || !strings.Contains(out, "sqlite") {
		t.Fatalf("backup: %s", out)
	}
	src.fails(cli.ExitFailure, []string{"exists", "--force"}, "db", "backup", archive)
	if out := src.ok("-o", "table", "db", "verify", archive); !strings.Contains(out, "checksums verified") {
		t.Fatalf("verify: %s", out)
	}

	// SQLite → PostgreSQL.
	pg := &runner{t: t, db: testutil.NewPostgresDB(t), env: map[string]string{"UNET_ACTOR": "tester"}}
	out = pg.ok("-o", "table", "db", "restore", archive)
	if !strings.Contains(out, "restored ") || !strings.Contains(out, "checksums verified") {
		t.Fatalf("restore: %s", out)
	}
	sameExport(t, "sqlite → postgres", want, exportOf(t, pg.db))
	for _, args := range [][]string{{"users", "list"}, {"secrets", "list"}, {"policy", "results", "--status", "fail"}, {"policy", "results", "--summary"}, {"changes", "sets"}, {"git", "sources", "list"}, {"git", "log", "net"}} {
		if a, b := src.ok(append(args, "-o", "json")...), pg.ok(append(args, "-o", "json")...); a != b {
			t.Fatalf("%v differs after restore:\n%s\n---\n%s", args, a, b)
		}
	}

	// A database holding data is refused, and left as it was.
	pg.fails(cli.ExitFailure, []string{"not empty", "changes (", "restore only into a new database"}, "db", "restore", archive)
	sameExport(t, "after a refused restore", want, exportOf(t, pg.db))

	// PostgreSQL → SQLite.
	pgArchive := filepath.Join(dir, "pg.backup")
	if out := pg.ok("-o", "table", "db", "backup", pgArchive); !strings.Contains(out, "postgres") {
		t.Fatalf("backup of postgres: %s", out)
	}
	back := &runner{t: t, db: "sqlite://" + filepath.Join(dir, "back.db"), env: map[string]string{"UNET_ACTOR": "tester"}}
	back.ok("db", "restore", pgArchive)
	sameExport(t, "postgres → sqlite", want, exportOf(t, back.db))
	if a, b := src.ok("policy", "results", "--summary", "-o", "json"), back.ok("policy", "results", "--summary", "-o", "json"); a != b || !strings.Contains(a, `"failing_nodes_total"`) {
		t.Fatalf("summary after postgres → sqlite:\n%s\n---\n%s", a, b)
	}

	// Copy without a file.
	copied := testutil.NewPostgresDB(t)
	out = src.ok("-o", "table", "db", "copy", "--from", src.db, "--to", copied)
	if !strings.Contains(out, "checksums verified") {
		t.Fatalf("copy: %s", out)
	}
	sameExport(t, "copy sqlite → postgres", want, exportOf(t, copied))
	src.fails(cli.ExitFailure, []string{"not empty"}, "db", "copy", "--from", src.db, "--to", copied)

	// A damaged archive: one value changed inside the nodes table.
	plain := gunzip(t, archive)
	i := bytes.Index(plain, []byte(`"t:lon-acc-01"`))
	if i < 0 {
		t.Fatal("no node name in the archive")
	}
	bad := append(append(append([]byte{}, plain[:i]...), []byte(`"t:lon-acc-02"`)...), plain[i+len(`"t:lon-acc-01"`):]...)
	damaged := filepath.Join(dir, "damaged.backup")
	writeGzip(t, damaged, bad)
	for _, args := range [][]string{{"db", "verify", damaged}, {"--db", "sqlite://" + filepath.Join(dir, "d.db"), "db", "restore", damaged}} {
		res := src.fails(cli.ExitInvalid, []string{damaged, "damaged archive: line ", "(byte ", "checksum mismatch"}, args...)
		if !strings.Contains(res.stderr, "table nodes") {
			t.Fatalf("unet %v does not name the table: %s", args, res.stderr)
		}
	}
	// The refused restore did not create the database.
	if _, err := os.Stat(filepath.Join(dir, "d.db")); !os.IsNotExist(err) {
		t.Fatalf("a refused restore created its database: %v", err)
	}
	// A truncated archive.
	raw, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.backup")
	if err := os.WriteFile(truncated, raw[:len(raw)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	src.fails(cli.ExitInvalid, []string{"truncated", "line "}, "db", "verify", truncated)
	src.fails(cli.ExitFailure, []string{"no archive at"}, "db", "verify", filepath.Join(dir, "missing.backup"))
}

func gunzip(t *testing.T, file string) []byte {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeGzip(t *testing.T, file string, data []byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
