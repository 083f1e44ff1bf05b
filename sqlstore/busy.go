package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/unet-dev/unet"
)

// errClass says what a failed transaction calls for.
type errClass int

const (
	errOther     errClass = iota // report as is
	errTransient                 // lost a race the engine detected: run the transaction again
	errLockWait                  // a lock held by someone else was not released in time
)

// PostgreSQL SQLSTATE codes the store reacts to.
const (
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
	pgLockNotAvailable     = "55P03"
	pgQueryCanceled        = "57014" // statement_timeout (a cancelled context is seen first)
)

// classify recognises busy, locked and serialization failures by the
// drivers' error codes (never by message text). μNet's own errors (a
// validation failure, a version conflict) are never retried.
func classify(err error) errClass {
	if err == nil {
		return errOther
	}
	var ue *unet.Error
	if errors.As(err, &ue) && ue.Code != unet.EINTERNAL {
		return errOther
	}
	return driverClass(err)
}

// driverClass classifies the driver error in err's chain.
func driverClass(err error) errClass {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary code of an extended one
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return errLockWait
		}
		return errOther
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgSerializationFailure, pgDeadlockDetected:
			return errTransient
		case pgLockNotAvailable, pgQueryCanceled:
			return errLockWait
		}
	}
	return errOther
}

// IsBusy reports whether err is, or was caused by, a lock wait that ran out:
// SQLite busy or locked, PostgreSQL lock_not_available or a statement timeout.
func IsBusy(err error) bool { return err != nil && driverClass(err) == errLockWait }

// lockError is the "unavailable" error of a write that waited too long for a
// lock held by someone else.
func lockError(engine string, timeout time.Duration, err error) error {
	msg := fmt.Sprintf("the database is locked by another process or transaction (waited %s); the write was not made; try again", timeout)
	if engine == SQLite {
		msg = fmt.Sprintf("the SQLite database is locked by another process (waited %s for its write lock); the write was not made; try again", timeout)
	}
	return &unet.Error{Code: unet.EUNAVAILABLE, Message: msg, Err: err}
}

// contextError reports a transaction abandoned because ctx ended: a deadline
// is "unavailable" (the write was not made), a cancellation stays
// context.Canceled so that callers can tell a caller who went away.
func contextError(ctx context.Context, err error) error {
	cerr := ctx.Err()
	if errors.Is(cerr, context.DeadlineExceeded) {
		return &unet.Error{Code: unet.EUNAVAILABLE, Message: "the write did not finish before the request's deadline; try again", Err: errors.Join(cerr, err)}
	}
	if errors.Is(err, cerr) {
		return err
	}
	return fmt.Errorf("%w (%w)", cerr, err)
}
