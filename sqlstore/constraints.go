package sqlstore

import (
	"database/sql"
	"errors"
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

// checkOneRow turns "no row updated" into a version conflict.
func checkOneRow(res sql.Result, kind, name string, version int) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return unet.Errorf(unet.ECONFLICT, "%s %s was changed or deleted by someone else (expected version %d): reload and retry", kind, name, version)
	}
	return nil
}
