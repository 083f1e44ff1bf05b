package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// pragmas reads SQLite settings on one connection of db.
func pragmas(t *testing.T, db *sqlstore.DB) (journal string, sync, busy int) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for q, dst := range map[string]any{"PRAGMA journal_mode": &journal, "PRAGMA synchronous": &sync, "PRAGMA busy_timeout": &busy} {
		if err := conn.QueryRowContext(ctx, q).Scan(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return journal, sync, busy
}

// TestSQLiteDurabilityPragmas: SQLite opens in WAL mode with synchronous=FULL
// (2) by default, so that an acknowledged commit survives a power loss;
// Options.Sync "normal" (1) is the opt-out; the busy timeout is the lock timeout.
func TestSQLiteDurabilityPragmas(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cases := []struct {
		o          sqlstore.Options
		sync, busy int
	}{
		{sqlstore.Options{}, 2, 5000},
		{sqlstore.Options{Sync: "FULL", LockTimeout: 1500 * time.Millisecond}, 2, 1500},
		{sqlstore.Options{Sync: sqlstore.SyncNormal}, 1, 5000},
	}
	for i, c := range cases {
		db, err := sqlstore.OpenWith(ctx, "sqlite://"+filepath.Join(dir, fmt.Sprintf("p%d.db", i)), c.o)
		if err != nil {
			t.Fatal(err)
		}
		journal, sync, busy := pragmas(t, db)
		if journal != "wal" || sync != c.sync || busy != c.busy {
			t.Errorf("%+v: journal_mode %s, synchronous %d, busy_timeout %d; want wal, %d, %d", c.o, journal, sync, busy, c.sync, c.busy)
		}
		db.Close()
	}
	_, err := sqlstore.OpenWith(ctx, "sqlite://"+filepath.Join(dir, "x.db"), sqlstore.Options{Sync: "off"})
	if unet.ErrorCode(err) != unet.EINVALID {
		t.Fatalf("sync off: %v", err)
	}
}

// TestLockWaitBoundedAndReported: a write lock held by someone else past the
// lock timeout fails the write as "unavailable" (recognised by the driver's
// error code) within about that timeout, on both engines; CheckWrites then
// reports writes blocked, and stops once the lock is gone (SQLite) or a write
// has committed (PostgreSQL).
func TestLockWaitBoundedAndReported(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			url, driver, dsn := "", "", ""
			if engine == sqlstore.Postgres {
				url = testutil.NewPostgresDB(t)
				driver, dsn = "pgx", url
			} else {
				file := filepath.Join(t.TempDir(), "l.db")
				url, driver, dsn = "sqlite://"+file, "sqlite", "file:"+file
			}
			db, err := sqlstore.OpenWith(ctx, url, sqlstore.Options{LockTimeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			other, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			conn, err := other.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			lock := []string{"BEGIN IMMEDIATE"}
			if engine == sqlstore.Postgres {
				lock = []string{"BEGIN", "LOCK TABLE vendors IN EXCLUSIVE MODE"}
			}
			for _, q := range lock {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			write := func(name string) error {
				return db.WithTx(ctx, func(tx *sqlstore.Tx) error {
					return tx.InsertVendor(ctx, &unet.Vendor{Name: name})
				})
			}
			// The caller would give up after 10 s: the store must answer first.
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			err = db.WithTx(wctx, func(tx *sqlstore.Tx) error { return tx.InsertVendor(wctx, &unet.Vendor{Name: "blocked"}) })
			if unet.ErrorCode(err) != unet.EUNAVAILABLE || !sqlstore.IsBusy(err) || !strings.Contains(err.Error(), "locked") {
				t.Fatalf("write while locked: %v (code %q)", err, unet.ErrorCode(err))
			}
			if err := db.CheckWrites(ctx); unet.ErrorCode(err) != unet.EUNAVAILABLE || !strings.Contains(err.Error(), "writes are blocked") {
				t.Fatalf("CheckWrites while locked: %v", err)
			}
			if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
				t.Fatal(err)
			}
			if engine == sqlstore.SQLite {
				if err := db.CheckWrites(ctx); err != nil {
					t.Fatalf("CheckWrites once the lock is gone: %v", err)
				}
			}
			if err := write("free"); err != nil {
				t.Fatalf("write once the lock is gone: %v", err)
			}
			if err := db.CheckWrites(ctx); err != nil {
				t.Fatalf("CheckWrites after a write: %v", err)
			}
		})
	}
}

// TestLockServer: one holder at a time; the second is told who holds it.
func TestLockServer(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.db")
	l1, err := sqlstore.LockServer(file)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sqlstore.LockServer(file)
	if unet.ErrorCode(err) != unet.ECONFLICT || !strings.Contains(err.Error(), fmt.Sprintf("process %d", os.Getpid())) {
		t.Fatalf("second lock: %v", err)
	}
	if err := l1.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := sqlstore.LockServer(file)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	if err := l2.Release(); err != nil {
		t.Fatal(err)
	}
}

// TestLockServerSameFileOtherName: the lock is on the file, not on the name
// as typed: a symbolic link, a hard link or a path with ".." to a served
// file is refused too.
func TestLockServerSameFileOtherName(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.db")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	sym := filepath.Join(dir, "sym.db")
	if err := os.Symlink(file, sym); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.db")
	if err := os.Link(file, hard); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	dotdot := filepath.Join(dir, "sub") + "/../s.db"
	for _, first := range []string{file, sym, hard} {
		l, err := sqlstore.LockServer(first)
		if err != nil {
			t.Fatalf("lock %s: %v", first, err)
		}
		for _, other := range []string{file, sym, hard, dotdot} {
			if _, err := sqlstore.LockServer(other); unet.ErrorCode(err) != unet.ECONFLICT || !strings.Contains(err.Error(), "already served") {
				t.Errorf("%s locked, then %s: %v", filepath.Base(first), other, err)
			}
		}
		if err := l.Release(); err != nil {
			t.Fatal(err)
		}
	}
}
