package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/unet-dev/unet"
)

// constraintError turns unique and foreign-key violations of either engine into
// conflict errors naming the object; other errors pass through.
func constraintError(err error, kind, name string) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return &unet.Error{Code: unet.ECONFLICT, Message: kind + " " + name + " conflicts with an existing object (" + pgErr.ConstraintName + ")", Err: err}
		case "23503":
			return &unet.Error{Code: unet.ECONFLICT, Message: kind + " " + name + " is still referenced or refers to a missing object (" + pgErr.ConstraintName + ")", Err: err}
		}
		return err
	}
	s := err.Error()
	switch {
	case strings.Contains(s, "UNIQUE constraint failed"):
		return &unet.Error{Code: unet.ECONFLICT, Message: kind + " " + name + " conflicts with an existing object (" + afterColon(s, "UNIQUE constraint failed") + ")", Err: err}
	case strings.Contains(s, "FOREIGN KEY constraint failed"):
		return &unet.Error{Code: unet.ECONFLICT, Message: kind + " " + name + " is still referenced or refers to a missing object", Err: err}
	}
	return err
}

func afterColon(s, marker string) string {
	i := strings.Index(s, marker)
	rest := strings.TrimSpace(strings.TrimPrefix(s[i+len(marker):], ":"))
	if j := strings.IndexAny(rest, ")\n"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// errVersionRace is the cause of the conflict of a write whose row changed
// between the read and the write of its transaction.
var errVersionRace = errors.New("version changed under the transaction")

// IsVersionRace reports whether err is the conflict of a conditional UPDATE
// or DELETE that found its row at another version than the one its
// transaction had read: a concurrent transaction committed in between (under
// PostgreSQL's read committed isolation; SQLite serializes writers).
func IsVersionRace(err error) bool { return errors.Is(err, errVersionRace) }

// checkOneRow turns "no row updated" into a version conflict.
func checkOneRow(res sql.Result, kind, name string, version int) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return &unet.Error{Code: unet.ECONFLICT, Err: errVersionRace,
			Message: fmt.Sprintf("%s %s was changed or deleted by someone else (expected version %d): reload and retry", kind, name, version)}
	}
	return nil
}

// Lockable tables, for LockRow.
const (
	TableNodes     = "nodes"
	TableLinks     = "links"
	TableLocations = "locations"
)

// LockRow locks the row id of table until the transaction ends, so that no
// concurrent transaction changes it between a read and a write of this one.
// It is needed for PostgreSQL only (SQLite transactions hold the database's
// write lock from their start) and takes PostgreSQL's FOR NO KEY UPDATE lock,
// the one an UPDATE takes, which leaves foreign-key checks of other rows free.
func (tx *Tx) LockRow(ctx context.Context, table, id string) error {
	switch table {
	case TableNodes, TableLinks, TableLocations:
	default:
		return unet.Internal(fmt.Errorf("LockRow: unknown table %q", table))
	}
	if tx.engine != Postgres {
		return nil
	}
	rows, err := tx.q.QueryContext(ctx, `SELECT 1 FROM `+table+` WHERE id=$1 FOR NO KEY UPDATE`, id)
	if err != nil {
		return fmt.Errorf("lock %s row %s: %w", table, id, err)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return errors.Join(fmt.Errorf("lock %s row %s: %w", table, id, err), rows.Close())
	}
	return rows.Close()
}
