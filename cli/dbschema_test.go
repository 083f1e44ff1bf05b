package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// schemaReadCommands are commands that read or write an inventory but never
// create one.
var schemaReadCommands = [][]string{{"nodes", "list"}, {"locations", "list"}, {"changes", "list"},
	{"policy", "results"}, {"db", "migrate", "status"}, {"nodes", "add", "--name", "x", "--vendor", "cisco"}}

// TestCommandsRefuseFileWithoutSchema: an existing SQLite file without μNet's
// schema (an empty file, another application's database) is refused with exit
// 74 by every command but those that create an inventory, and not one byte of
// it changes (no WAL switch, no tables, no -wal or -shm files).
func TestCommandsRefuseFileWithoutSchema(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "zero.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.db")
	func() {
		db, err := sql.Open("sqlite", "file:"+other)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO accounts (name) VALUES ('a')`); err != nil {
			t.Fatal(err)
		}
	}()
	for _, path := range []string{empty, other} {
		before, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r := &runner{t: t, db: "sqlite://" + path, env: map[string]string{"UNET_ACTOR": "tester"}}
		for _, args := range schemaReadCommands {
			r.fails(74, []string{path + " is not a μNet database (no schema)", "unet db migrate up", "unet demo"}, args...)
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Fatalf("unet %v changed %s (%d bytes before, %d after)", args, filepath.Base(path), len(before), len(after))
			}
			for _, side := range []string{"-wal", "-shm", "-journal"} {
				if _, err := os.Stat(path + side); err == nil {
					t.Fatalf("unet %v created %s%s", args, filepath.Base(path), side)
				}
			}
		}
	}
	// db migrate up makes the empty file a μNet database.
	r := &runner{t: t, db: "sqlite://" + empty, env: map[string]string{"UNET_ACTOR": "tester"}}
	r.ok("db", "migrate", "up")
	r.ok("nodes", "list")
}

// TestCommandsRefuseOlderSchema: a μNet database whose schema is behind this
// unet is not upgraded behind the user's back by a read or a write: the
// command fails with exit 75 and names `unet db migrate up`, which upgrades it.
func TestCommandsRefuseOlderSchema(t *testing.T) {
	r := newRunner(t)
	r.ok("db", "migrate", "down")
	for _, args := range [][]string{{"nodes", "list"}, {"nodes", "add", "--name", "x", "--vendor", "cisco"}} {
		r.fails(75, []string{"is behind this unet", "unet db migrate up"}, args...)
	}
	r.ok("db", "migrate", "status")
	r.ok("db", "migrate", "up")
	r.ok("nodes", "add", "--name", "x", "--vendor", "cisco")
}

// TestCommandsRefusePostgresWithoutSchema: a PostgreSQL database without
// μNet's schema is refused the same way, and no table is created in it.
func TestCommandsRefusePostgresWithoutSchema(t *testing.T) {
	url := testutil.NewPostgresDB(t)
	r := &runner{t: t, db: url, env: map[string]string{"UNET_ACTOR": "tester"}}
	for _, args := range schemaReadCommands {
		r.fails(74, []string{"is not a μNet database (no schema)", "unet db migrate up"}, args...)
	}
	db, err := sqlstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("read commands created %d tables", n)
	}
	r.ok("db", "migrate", "up")
	r.ok("nodes", "list")
}
