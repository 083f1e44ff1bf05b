package sqlstore_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/sqlstore"
)

// TestStatementTimeoutCancelsLongStatement: with a 100 ms statement
// timeout PostgreSQL cancels pg_sleep(5) with query_canceled; a timeout the
// URL sets itself is kept.
func TestStatementTimeoutCancelsLongStatement(t *testing.T) {
	ctx := context.Background()
	url := testutil.NewPostgresDB(t)
	db, err := sqlstore.OpenWith(ctx, url, sqlstore.Options{StatementTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.SQL().ExecContext(ctx, "SELECT pg_sleep(5)")
	if !sqlstore.IsStatementTimeout(err) || !strings.Contains(err.Error(), "statement timeout") {
		t.Fatalf("pg_sleep(5) under a 100 ms statement timeout: %v", err)
	}
	if _, err := db.SQL().ExecContext(ctx, "SELECT pg_sleep(0.01)"); err != nil {
		t.Fatalf("a short statement: %v", err)
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	own, err := sqlstore.OpenWith(ctx, url+sep+"statement_timeout=7000", sqlstore.Options{StatementTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	var got string
	if err := own.SQL().QueryRowContext(ctx, "SHOW statement_timeout").Scan(&got); err != nil || got != "7s" {
		t.Fatalf("statement_timeout set by the URL: %q %v", got, err)
	}
}

// TestStatementTimeoutCapsSQLiteLockWait: on SQLite the statement timeout
// caps the busy timeout (the wait for the write lock).
func TestStatementTimeoutCapsSQLiteLockWait(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.OpenWith(ctx, "sqlite://"+filepath.Join(t.TempDir(), "t.db"), sqlstore.Options{StatementTimeout: 250 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, busy := pragmas(t, db); busy != 250 {
		t.Fatalf("busy_timeout %d ms, want 250", busy)
	}
}

// TestPoolOptionsRefused: negative sizes, more idle than open connections
// and a negative timeout are refused as invalid.
func TestPoolOptionsRefused(t *testing.T) {
	ctx := context.Background()
	for _, o := range []sqlstore.Options{{MaxConns: -1}, {MaxIdleConns: -2}, {MaxConns: 2, MaxIdleConns: 3}, {StatementTimeout: -time.Second}} {
		_, err := sqlstore.OpenWith(ctx, "sqlite://"+filepath.Join(t.TempDir(), "t.db"), o)
		if unet.ErrorCode(err) != unet.EINVALID {
			t.Errorf("%+v: %v", o, err)
		}
	}
}
