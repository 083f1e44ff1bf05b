package sqlstore

import (
	"context"
	"database/sql"
)

// stmtCache runs a transaction's statements through prepared statements that
// are kept for the life of the transaction: a large import repeats the same few
// statements tens of thousands of times, and SQLite spends much of a one-off
// statement's time compiling it.
type stmtCache struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	// pending, set inside Tx.Buffered, queues bulk inserts; any other
	// statement writes the queue first.
	pending *pendingWrites
}

func newStmtCache(tx *sql.Tx) *stmtCache {
	return &stmtCache{tx: tx, stmts: map[string]*sql.Stmt{}}
}

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	s, err := c.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = s
	return s, nil
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if p := c.pending; p != nil {
		if p.queue(query, args) {
			return queuedResult{}, nil
		}
		if err := p.flush(ctx, c); err != nil {
			return nil, err
		}
	}
	if len(args) == 0 {
		// Statements without arguments (DDL, multi-statement migrations) run as is.
		return c.tx.ExecContext(ctx, query)
	}
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if p := c.pending; p != nil {
		if err := p.flush(ctx, c); err != nil {
			return nil, err
		}
	}
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if p := c.pending; p != nil {
		// A failed flush stays recorded: Buffered and every later write
		// return it, so the transaction rolls back whatever this read sees.
		_ = p.flush(ctx, c)
	}
	s, err := c.stmt(ctx, query)
	if err != nil {
		// Let the error surface from Scan, as database/sql does.
		return c.tx.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// close frees the statements early. database/sql closes them anyway when
// the transaction commits or rolls back, so their Close errors are of no
// consequence and are discarded.
func (c *stmtCache) close() {
	for _, s := range c.stmts {
		_ = s.Close()
	}
}
