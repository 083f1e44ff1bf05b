package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/dbarchive"
	"github.com/unet-dev/unet/sqlstore"
)

// dbArchiveCommands are `unet db backup`, `restore`, `copy` and `verify`.
func (a *app) dbArchiveCommands() []*cobra.Command {
	return []*cobra.Command{a.dbBackupCommand(), a.dbRestoreCommand(), a.dbCopyCommand(), a.dbVerifyCommand()}
}

func (a *app) localDB() error {
	if a.server != "" {
		return usagef("db commands work on a database (--db), not through --server")
	}
	return nil
}

// openAt opens the database at url as --db would be, creating a SQLite file
// only when create is set.
func (a *app) openAt(ctx context.Context, url string, create bool) (*sqlstore.DB, error) {
	saved, savedCreate := a.dbURL, a.mayCreate
	defer func() { a.dbURL, a.mayCreate = saved, savedCreate }()
	a.dbURL, a.mayCreate = url, create
	return a.openDB(ctx)
}

// foreignSQLite refuses a restore into an existing SQLite file that holds
// something other than a μNet database, before anything is written to it.
func foreignSQLite(ctx context.Context, dbURL string) error {
	engine, dsn, err := sqlstore.ParseURL(dbURL)
	if err != nil || engine != sqlstore.SQLite {
		return nil
	}
	path, _, _ := strings.Cut(dsn, "?")
	fi, err := os.Stat(path)
	if err != nil || fi.Size() == 0 {
		return nil // a new file
	}
	ok, err := sqlstore.SQLiteHasSchema(ctx, path)
	switch {
	case err != nil && isCorruptDatabase(err):
		return corruptDatabase(dbURL, err)
	case err != nil:
		return fmt.Errorf("read %s: %w", path, err)
	case !ok:
		return WithExitCode(ExitDatabase, unet.Errorf(unet.EINVALID,
			"%s is not a μNet database; restore into a new file or an empty μNet database", path))
	}
	return nil
}

func producer() string { return "unet " + buildVersion() }

// archiveError names the archive file in a reader's error, keeping its code
// and its position.
func archiveError(file string, err error) error {
	var ue *unet.Error
	if errors.As(err, &ue) {
		return &unet.Error{Code: ue.Code, Message: file + ": " + ue.Message, Fields: ue.Fields, Err: err}
	}
	return fmt.Errorf("%s: %w", file, err)
}

// openArchive opens an archive file and reads its header.
func openArchive(file string) (*os.File, *dbarchive.Reader, error) {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, unet.Errorf(unet.ENOTFOUND, "no archive at %s", file)
	}
	if err != nil {
		return nil, nil, err
	}
	r, err := dbarchive.NewReader(f)
	if err != nil {
		return nil, nil, errors.Join(archiveError(file, err), f.Close())
	}
	return f, r, nil
}

// verifyArchive reads a whole archive file, checking it.
func verifyArchive(file string) error {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return unet.Errorf(unet.ENOTFOUND, "no archive at %s", file)
	}
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }() // only read
	if _, _, err := dbarchive.Verify(f); err != nil {
		return archiveError(file, err)
	}
	return nil
}

func (a *app) dbBackupCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent online snapshot of the whole database to an archive file",
		Long: `Write a consistent snapshot of every table of the database (--db) to FILE, a
gzip'd archive that either engine restores. The snapshot is one read
transaction: the server may go on writing meanwhile. The archive records
each table's row count and SHA-256 checksum; cluster coordination state and
the migration bookkeeping are left out.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			if err := a.localDB(); err != nil {
				return err
			}
			file := args[0]
			if _, err := os.Stat(file); err == nil && !force {
				return unet.Errorf(unet.ECONFLICT, "%s exists; pass --force to replace it", file)
			}
			db, err := a.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer closeInto(&err, db, "the database")
			h, sum, err := writeArchive(cmd.Context(), db, file)
			if err != nil {
				return err
			}
			out := map[string]any{"file": file, "engine": h.Engine, "schema_version": h.SchemaVersion,
				"created_at": h.CreatedAt, "tables": len(sum.Tables), "rows": sum.Rows, "manifest": sum.Tables}
			return a.printer().emit(out, func() any {
				return fmt.Sprintf("backed up %d tables, %d rows (schema version %d, %s) to %s; checksums recorded\n",
					len(sum.Tables), sum.Rows, h.SchemaVersion, h.Engine, file)
			})
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace FILE if it exists")
	return cmd
}

// writeArchive backs db up into file through a temporary file in the same
// directory, synced and renamed into place, so that FILE is either the
// whole archive or untouched.
func writeArchive(ctx context.Context, db *sqlstore.DB, file string) (h dbarchive.Header, sum dbarchive.Summary, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return h, sum, fmt.Errorf("create the archive: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()           // already failed: the first error is the one to report
			_ = os.Remove(tmp.Name()) // a partial archive must not linger
		}
	}()
	h, sum, err = db.Backup(ctx, tmp, sqlstore.BackupOptions{Compress: true, Producer: producer()})
	if err != nil {
		return h, sum, err
	}
	if err = tmp.Sync(); err != nil {
		return h, sum, fmt.Errorf("write %s: %w", file, err)
	}
	if err = tmp.Close(); err != nil {
		return h, sum, fmt.Errorf("write %s: %w", file, err)
	}
	if err = os.Rename(tmp.Name(), file); err != nil {
		return h, sum, fmt.Errorf("write %s: %w", file, err)
	}
	return h, sum, nil
}

// restoreText is the report of a restore or a copy.
func restoreText(rep sqlstore.RestoreReport) string {
	s := fmt.Sprintf("restored %d tables, %d rows; checksums verified (schema version %d, from %s)\n",
		rep.Tables, rep.Rows, rep.SchemaVersion, rep.SourceEngine)
	if latest := sqlstore.LatestVersion(); rep.SchemaVersion < latest {
		s += fmt.Sprintf("the schema is behind this unet (%d): run `unet db migrate up`\n", latest)
	}
	return s
}

func (a *app) dbRestoreCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE --db URL",
		Short: "Restore an archive into a new, empty database",
		Long: `Restore the archive FILE into the database of --db, of either engine. The
database must be new: without a schema (a new PostgreSQL database, a SQLite
file that does not exist yet) or freshly migrated and empty; one holding any
data is refused. It is migrated to the archive's schema version, filled in one
transaction, and every table is read back and checked against the archive's
row counts and checksums before the transaction commits.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			if err := a.localDB(); err != nil {
				return err
			}
			// The whole archive is checked before the database is touched;
			// the restore checks it again as it reads.
			if err := verifyArchive(args[0]); err != nil {
				return err
			}
			f, r, err := openArchive(args[0])
			if err != nil {
				return err
			}
			defer func() { _ = f.Close() }() // only read
			if err := sqlstore.CheckArchiveVersion(r.Header()); err != nil {
				return err
			}
			if err := foreignSQLite(cmd.Context(), a.dbURL); err != nil {
				return err
			}
			a.mayCreate = true
			db, err := a.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer closeInto(&err, db, "the database")
			rep, err := db.Restore(cmd.Context(), r)
			if err != nil {
				var fe *dbarchive.FormatError
				if errors.As(err, &fe) {
					return archiveError(args[0], err)
				}
				return err
			}
			return a.printer().emit(rep, func() any { return restoreText(rep) })
		},
	}
}

func (a *app) dbCopyCommand() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:   "copy --from URL --to URL",
		Short: "Copy a whole database into a new one, across engines",
		Long: `Copy every table of the database --from into the new, empty database --to
(SQLite to PostgreSQL or back): a backup streamed into a restore without a
file, with the same snapshot, the same checks and the same report.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if err := a.localDB(); err != nil {
				return err
			}
			if from == "" || to == "" {
				return usagef("copy needs --from URL and --to URL")
			}
			if from == to {
				return usagef("--from and --to name the same database")
			}
			src, err := a.openAt(cmd.Context(), from, false)
			if err != nil {
				return err
			}
			defer closeInto(&err, src, "the source database")
			if err := foreignSQLite(cmd.Context(), to); err != nil {
				return err
			}
			dst, err := a.openAt(cmd.Context(), to, true)
			if err != nil {
				return err
			}
			defer closeInto(&err, dst, "the target database")
			rep, err := sqlstore.Copy(cmd.Context(), src, dst, producer())
			if err != nil {
				return err
			}
			return a.printer().emit(rep, func() any { return restoreText(rep) })
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the database to copy (URL)")
	cmd.Flags().StringVar(&to, "to", "", "the new database to fill (URL)")
	return cmd
}

func (a *app) dbVerifyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "verify FILE",
		Short: "Check an archive's structure, row counts and checksums, without a database",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if errors.Is(err, fs.ErrNotExist) {
				return unet.Errorf(unet.ENOTFOUND, "no archive at %s", args[0])
			}
			if err != nil {
				return err
			}
			defer func() { _ = f.Close() }() // only read
			h, sum, err := dbarchive.Verify(f)
			if err != nil {
				return archiveError(args[0], err)
			}
			out := map[string]any{"file": args[0], "format": h.Format, "engine": h.Engine, "schema_version": h.SchemaVersion,
				"created_at": h.CreatedAt, "producer": h.Producer, "tables": len(sum.Tables), "rows": sum.Rows,
				"manifest": sum.Tables, "checksums_verified": true}
			return a.printer().emit(out, func() any {
				return fmt.Sprintf("%s: %d tables, %d rows (schema version %d, from %s at %s); checksums verified\n",
					args[0], len(sum.Tables), sum.Rows, h.SchemaVersion, h.Engine, h.CreatedAt.Format("2006-01-02T15:04:05Z"))
			})
		},
	}
}
