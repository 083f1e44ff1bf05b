package sqlstore

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/unet-dev/unet"
)

// IsStatementTimeout reports whether err is PostgreSQL's cancellation of a
// statement (query_canceled: statement_timeout ran out).
func IsStatementTimeout(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == pgQueryCanceled
}

// statementTimeoutError is the "unavailable" error of a transaction one of
// whose statements ran out of the configured statement timeout: it is not
// retried (it would run as long again).
func statementTimeoutError(timeout time.Duration, err error) error {
	return &unet.Error{Code: unet.EUNAVAILABLE, Err: err, Message: fmt.Sprintf(
		"the database cancelled a statement that ran longer than the statement timeout (%s; database.statement_timeout, --db-statement-timeout); nothing was written", timeout)}
}
