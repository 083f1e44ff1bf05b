package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyRows is how many rows one COPY of a restore carries.
const copyRows = 5000

// copyInsert loads the rows of one table into PostgreSQL with COPY, on the
// connection that holds the restore's transaction.
type copyInsert struct {
	conn  *sql.Conn
	table string
	cols  []string
	rows  [][]any
}

func (c *copyInsert) add(ctx context.Context, row []any) error {
	c.rows = append(c.rows, row)
	if len(c.rows) < copyRows {
		return nil
	}
	return c.flush(ctx)
}

func (c *copyInsert) flush(ctx context.Context) error {
	if len(c.rows) == 0 {
		return nil
	}
	err := c.conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("the PostgreSQL connection is a %T, not pgx's", dc)
		}
		_, err := sc.Conn().CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows))
		return err
	})
	c.rows = c.rows[:0]
	if err != nil {
		return fmt.Errorf("restore table %s: %w", c.table, err)
	}
	return nil
}
