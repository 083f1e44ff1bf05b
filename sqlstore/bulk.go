package sqlstore

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// bulkTables are the tables whose single-row inserts a buffered transaction
// queues (the objects an import creates and their change rows), each with
// its rank in the order a flush writes them: a row refers only to rows of
// tables of lower rank, or to rows already written.
var bulkTables = map[string]int{"nodes": 1, "links": 2, "link_endpoints": 3, "changes": 4}

// bulkMaxParams bounds the parameters of one multi-row INSERT: below SQLite's
// limit of 32,766 and PostgreSQL's of 65,535.
const bulkMaxParams = 32000

// bulkMaxRows bounds the rows of one multi-row INSERT.
const bulkMaxRows = 1000

// Buffered runs fn with the transaction's single-row inserts into nodes,
// links, link endpoints and the change log queued instead of sent one by one.
// The queue is written as multi-row INSERTs (at most 1,000 rows each) before
// any other statement of the transaction runs (a read sees every write made
// before it, as without buffering) and when fn returns nil; when fn fails
// the queue is dropped. A queued row that the database refuses fails the
// flush, every later write of the transaction and Buffered itself with that
// error (in preference to fn's): the transaction must then be rolled back.
func (tx *Tx) Buffered(ctx context.Context, fn func() error) error {
	if tx.q.pending != nil {
		return fn() // already buffering: the outer call flushes
	}
	p := &pendingWrites{byQuery: map[string]*insertGroup{}, engine: tx.engine}
	tx.q.pending = p
	err := fn()
	tx.q.pending = nil
	if p.err != nil {
		// A failed flush comes first: what fn saw after it is unreliable.
		return p.err
	}
	if err != nil {
		return err
	}
	return p.flush(ctx, tx.q)
}

// pendingWrites is the queue of a buffered transaction.
type pendingWrites struct {
	groups  []*insertGroup // in the order their first row was queued
	byQuery map[string]*insertGroup
	engine  string
	// err is the failure of a flush; once set, nothing more is queued or
	// written.
	err error
}

// insertGroup is the queued rows of one single-row INSERT statement.
type insertGroup struct {
	ins  parsedInsert
	rows [][]any // ins.ncols values each, kept as the caller passed them
}

// queue adds the row of query to the queue when query is a single-row
// INSERT into one of bulkTables; it reports whether it did.
func (p *pendingWrites) queue(query string, args []any) bool {
	if p.err != nil {
		return false
	}
	ins, ok := parseInsert(query)
	if !ok || bulkTables[ins.table] == 0 || len(args) != ins.ncols {
		return false
	}
	g := p.byQuery[query]
	if g == nil {
		g = &insertGroup{ins: ins}
		p.byQuery[query] = g
		p.groups = append(p.groups, g)
	}
	g.rows = append(g.rows, args)
	return true
}

// flush writes the queue, table by table in the order of bulkTables (rows
// of one table in the order they were queued), and empties it.
func (p *pendingWrites) flush(ctx context.Context, c *stmtCache) error {
	if p.err != nil {
		return p.err
	}
	groups := p.groups
	p.groups, p.byQuery = nil, map[string]*insertGroup{}
	slices.SortStableFunc(groups, func(a, b *insertGroup) int { return bulkTables[a.ins.table] - bulkTables[b.ins.table] })
	for _, g := range groups {
		if err := g.write(ctx, c, p.engine); err != nil {
			p.err = err
			return err
		}
	}
	return nil
}

// write sends the rows of g: on PostgreSQL as one array per column
// (writeArrays) when the values allow it, otherwise as multi-row INSERTs.
func (g *insertGroup) write(ctx context.Context, c *stmtCache, engine string) error {
	if engine == Postgres {
		if cols, ok := columnArrays(g.rows, g.ins.ncols); ok {
			return g.writeArrays(ctx, c, cols)
		}
	}
	n := g.ins.ncols
	per := min(bulkMaxRows, bulkMaxParams/n)
	total := len(g.rows)
	args := make([]any, 0, min(per, total)*n)
	for start := 0; start < total; start += per {
		rows := min(per, total-start)
		s, err := c.stmt(ctx, g.ins.statement(rows, engine))
		if err != nil {
			return fmt.Errorf("prepare bulk insert into %s: %w", g.ins.table, err)
		}
		args = args[:0]
		for _, row := range g.rows[start : start+rows] {
			args = append(args, row...)
		}
		if _, err := s.ExecContext(ctx, args...); err != nil {
			return constraintError(fmt.Errorf("bulk insert of %d rows into %s: %w", rows, g.ins.table, err),
				bulkKind(g.ins.table), fmt.Sprintf("(one of %d written together)", rows))
		}
	}
	return nil
}

// bulkKind names the objects of a bulk table in errors.
func bulkKind(table string) string {
	switch table {
	case "nodes":
		return "node"
	case "links", "link_endpoints":
		return "link"
	case "changes":
		return "change"
	}
	return table
}

// parsedInsert is a single-row INSERT of the form
// INSERT INTO table (c1, …, cn) VALUES ($1, …, $n).
type parsedInsert struct {
	table string
	cols  string // "c1, …, cn"
	ncols int
}

// statement is the INSERT of rows rows at once. SQLite gets anonymous
// placeholders: binding numbered ones costs it a scan of every name per
// parameter, quadratic in a statement of thousands.
func (p parsedInsert) statement(rows int, engine string) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(p.table)
	b.WriteString(" (")
	b.WriteString(p.cols)
	b.WriteString(") VALUES ")
	arg := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := 0; c < p.ncols; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			if engine == SQLite {
				b.WriteByte('?')
			} else {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(arg))
			}
			arg++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// parsedInserts caches parseInsert by query text (the statements are the
// store's own constants, so the cache stays small).
var parsedInserts sync.Map // string → parsedInsert (zero: not an insert)

// parseInsert recognises a single-row INSERT whose values are exactly the
// placeholders $1 … $n in order, one per column.
func parseInsert(query string) (parsedInsert, bool) {
	if v, ok := parsedInserts.Load(query); ok {
		p := v.(parsedInsert)
		return p, p.ncols > 0
	}
	p := parseInsertText(query)
	parsedInserts.Store(query, p)
	return p, p.ncols > 0
}

func parseInsertText(query string) parsedInsert {
	q := strings.Join(strings.Fields(query), " ")
	rest, ok := strings.CutPrefix(q, "INSERT INTO ")
	if !ok {
		return parsedInsert{}
	}
	table, rest, ok := strings.Cut(rest, " (")
	if !ok || !isIdent(table) {
		return parsedInsert{}
	}
	cols, rest, ok := strings.Cut(rest, ") VALUES (")
	if !ok || !strings.HasSuffix(rest, ")") {
		return parsedInsert{}
	}
	names := strings.Split(cols, ",")
	for i, c := range names {
		names[i] = strings.TrimSpace(c)
		if !isIdent(names[i]) {
			return parsedInsert{}
		}
	}
	vals := strings.Split(strings.TrimSuffix(rest, ")"), ",")
	if len(vals) != len(names) {
		return parsedInsert{}
	}
	for i, v := range vals {
		if strings.TrimSpace(v) != "$"+strconv.Itoa(i+1) {
			return parsedInsert{}
		}
	}
	return parsedInsert{table: table, cols: strings.Join(names, ", "), ncols: len(names)}
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '_' && (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// queuedResult is the result of a queued insert: one row, as it will be.
type queuedResult struct{}

func (queuedResult) LastInsertId() (int64, error) { return 0, nil }
func (queuedResult) RowsAffected() (int64, error) { return 1, nil }

var _ driver.Result = queuedResult{}
