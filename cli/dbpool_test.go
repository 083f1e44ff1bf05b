package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// runApp runs the command line args against a fresh app and returns it,
// still open (the caller reads its database and closes it).
func runApp(t *testing.T, args ...string) *app {
	t.Helper()
	var out bytes.Buffer
	a := &app{env: Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&out)
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("unet %v: %v\n%s", args, err, out.String())
	}
	if a.db == nil {
		t.Fatalf("unet %v opened no database", args)
	}
	t.Cleanup(func() { _ = a.svc.Close() })
	return a
}

func migratedDB(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return url
}

// TestDatabasePoolFlags: --db-max-conns, --db-max-idle-conns and
// --db-statement-timeout, or the config file's [database] max_conns,
// max_idle_conns and statement_timeout, size the pool a command opens and
// set PostgreSQL's statement_timeout; a flag wins over the file.
func TestDatabasePoolFlags(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "unet.toml")
	if err := os.WriteFile(conf, []byte("[database]\nmax_conns = 5\nmax_idle_conns = 1\nstatement_timeout = \"1500ms\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			url := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
			if engine == sqlstore.Postgres {
				url = testutil.NewPostgresDB(t)
			}
			url = migratedDB(t, url)
			def := sqlstore.DefaultSQLiteConns
			if engine == sqlstore.Postgres {
				def = sqlstore.DefaultPostgresConns
			}
			for _, c := range []struct {
				name    string
				args    []string
				conns   int
				timeout string // PostgreSQL's statement_timeout
			}{
				{"defaults", nil, def, "0"},
				{"flags", []string{"--db-max-conns", "3", "--db-max-idle-conns", "2", "--db-statement-timeout", "250ms"}, 3, "250ms"},
				{"config", []string{"--config", conf}, 5, "1500ms"},
				{"flag over config", []string{"--config", conf, "--db-max-conns", "4"}, 4, "1500ms"},
			} {
				t.Run(c.name, func(t *testing.T) {
					a := runApp(t, append(append([]string{"--db", url}, c.args...), "nodes", "list", "-o", "json")...)
					if got := a.db.SQL().Stats().MaxOpenConnections; got != c.conns {
						t.Fatalf("max open connections %d, want %d", got, c.conns)
					}
					if engine != sqlstore.Postgres {
						return
					}
					var got string
					if err := a.db.SQL().QueryRow("SHOW statement_timeout").Scan(&got); err != nil {
						t.Fatal(err)
					}
					if got != c.timeout {
						t.Fatalf("statement_timeout %q, want %q", got, c.timeout)
					}
				})
			}
		})
	}
}
