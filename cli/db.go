package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// missingSQLite returns a not_found error when dbURL names a SQLite file that
// does not exist, so that a mistyped --db fails instead of creating an empty
// database. Only `db migrate up`, `demo`, `import` and `serve` (with
// migration) create a database.
func missingSQLite(dbURL string) error {
	engine, dsn, err := sqlstore.ParseURL(dbURL)
	if err != nil || engine != sqlstore.SQLite {
		return nil
	}
	path, _, _ := strings.Cut(dsn, "?")
	if path == "" || path == ":memory:" {
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return unet.Errorf(unet.ENOTFOUND, "no μNet database at %s; create one with `unet db migrate up` or `unet demo`", path)
	}
	return nil
}

// noSchema is the error of a database without μNet's schema, for every
// command that does not create one.
func noSchema(name string) error {
	return WithExitCode(ExitDatabase, unet.Errorf(unet.EINVALID,
		"%s is not a μNet database (no schema); create one with `unet db migrate up` or `unet demo`", name))
}

// notUnetSQLite fails when dbURL names an existing SQLite file without μNet's
// schema (an empty file, another application's database), looking at it
// read-only so that nothing is written into it.
func notUnetSQLite(ctx context.Context, dbURL string) error {
	engine, dsn, err := sqlstore.ParseURL(dbURL)
	if err != nil || engine != sqlstore.SQLite {
		return nil
	}
	path, _, _ := strings.Cut(dsn, "?")
	if path == "" || path == ":memory:" {
		return nil
	}
	ok, err := sqlstore.SQLiteHasSchema(ctx, path)
	switch {
	case err != nil && isCorruptDatabase(err):
		return corruptDatabase(dbURL, err)
	case err != nil:
		return fmt.Errorf("read %s: %w", path, err)
	case !ok:
		return noSchema(path)
	}
	return nil
}

func (a *app) dbCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "db", Short: "Database administration (local mode)"}
	migrate := &cobra.Command{Use: "migrate", Short: "Manage schema migrations"}
	localOnly := func() error {
		if a.server != "" {
			return usagef("db commands work on a database (--db), not through --server")
		}
		return nil
	}
	up := &cobra.Command{
		Use:   "up",
		Short: "Apply all pending migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if err := localOnly(); err != nil {
				return err
			}
			a.mayCreate = true
			db, err := a.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer closeInto(&err, db, "the database")
			n, err := db.Migrate(cmd.Context())
			if err != nil {
				return err
			}
			v, err := db.SchemaVersion(cmd.Context())
			if err != nil {
				return fmt.Errorf("read the schema version: %w", err)
			}
			return a.printer().emit(map[string]any{"applied": n, "version": v}, func() any {
				return fmt.Sprintf("applied %d migration(s); schema version %d\n", n, v)
			})
		},
	}
	down := &cobra.Command{
		Use:   "down",
		Short: "Revert the newest migration",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if err := localOnly(); err != nil {
				return err
			}
			db, err := a.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer closeInto(&err, db, "the database")
			v, err := db.MigrateDown(cmd.Context())
			if err != nil {
				return err
			}
			now, err := db.SchemaVersion(cmd.Context())
			if err != nil {
				return fmt.Errorf("read the schema version: %w", err)
			}
			return a.printer().emit(map[string]any{"reverted": v, "version": now}, func() any {
				if v == 0 {
					return "nothing to revert\n"
				}
				return fmt.Sprintf("reverted migration %d; schema version %d\n", v, now)
			})
		},
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Show which migrations are applied",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if err := localOnly(); err != nil {
				return err
			}
			db, err := a.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer closeInto(&err, db, "the database")
			sts, err := db.MigrationStatuses(cmd.Context())
			if err != nil {
				return err
			}
			cur, err := db.SchemaVersion(cmd.Context())
			if err != nil {
				return fmt.Errorf("read the schema version: %w", err)
			}
			if cur > sqlstore.LatestVersion() {
				return db.CheckSchema(cmd.Context())
			}
			return a.printer().emit(sts, func() any {
				t := table{header: []string{"VERSION", "NAME", "APPLIED"}}
				for _, s := range sts {
					at := "pending"
					if s.AppliedAt != nil {
						at = s.AppliedAt.Format("2006-01-02T15:04:05Z")
					}
					t.rows = append(t.rows, []string{fmt.Sprint(s.Version), s.Name, at})
				}
				return t
			})
		},
	}
	migrate.AddCommand(up, down, status)
	cmd.AddCommand(migrate)
	cmd.AddCommand(a.dbArchiveCommands()...)
	return cmd
}
