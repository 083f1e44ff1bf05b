package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// maxPooledStatements bounds the statements kept prepared on the pool: the
// hot fixed queries (get by ID, by FQDN, …) stay prepared; queries whose text
// varies (list pages with their LIMIT) beyond the bound run unprepared.
const maxPooledStatements = 256

// poolCache runs reads outside transactions through statements prepared once
// on the pool (database/sql re-prepares them per connection as needed), so a
// hot read does not pay SQLite's statement compilation on every call.
type poolCache struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newPoolCache(db *sql.DB) *poolCache {
	return &poolCache{db: db, stmts: map[string]*sql.Stmt{}}
}

func (c *poolCache) stmt(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	s := c.stmts[query]
	c.mu.RUnlock()
	if s != nil {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.stmts[query]; s != nil {
		return s
	}
	if len(c.stmts) >= maxPooledStatements {
		return nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.stmts[query] = s
	return s
}

func (c *poolCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.db.ExecContext(ctx, query, args...)
}

func (c *poolCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *poolCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

func (c *poolCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, s := range c.stmts {
		if err := s.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close prepared statement: %w", err))
		}
	}
	c.stmts = map[string]*sql.Stmt{}
	return errors.Join(errs...)
}
