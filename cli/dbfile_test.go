package cli_test

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReadCommandsRefuseMissingDatabase: a mistyped --db fails and creates
// nothing; db migrate up, demo and import create the database.
func TestReadCommandsRefuseMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "typo.db")
	r := &runner{t: t, db: "sqlite://" + path, env: map[string]string{"UNET_ACTOR": "tester"}}
	for _, args := range [][]string{{"nodes", "list"}, {"locations", "list"}, {"changes", "list"}, {"policy", "results"},
		{"db", "migrate", "status"}, {"git", "status"}, {"nodes", "add", "--name", "x", "--vendor", "cisco"}} {
		r.fails(1, []string{"no μNet database at " + path, "unet db migrate up", "unet demo"}, args...)
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("unet %v created %v", args, entries)
		}
	}
	r.ok("db", "migrate", "up")
	r.ok("nodes", "list")

	r2 := &runner{t: t, db: "sqlite://" + filepath.Join(dir, "demo.db"), env: map[string]string{"UNET_ACTOR": "tester"}}
	r2.ok("demo")
	if n := r2.nodeCount(); n == 0 {
		t.Fatal("demo created an empty database")
	}
	r3 := &runner{t: t, db: "sqlite://" + filepath.Join(dir, "imported.db"), env: map[string]string{"UNET_ACTOR": "tester"}}
	r3.fails(1, []string{"no μNet database"}, "import", "../examples/inventory", "--dry-run")
	r3.ok("import", "../examples/inventory")
	if n := r3.nodeCount(); n == 0 {
		t.Fatal("import created an empty database")
	}
}
