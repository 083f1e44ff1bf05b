package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/unet-dev/unet"
)

// The bulk result writes below store an evaluation's outcome in a few
// multi-row statements: an evaluation of 10,000 nodes × 100 rules makes a
// million results, and one statement per row is most of its time.

// ResultRow is a policy result in its stored form: the values are compared
// with the stored row as they are kept (JSON text), so that deciding
// whether a result changed decodes nothing.
type ResultRow struct {
	ResultKey
	Name, Severity, Status string
	// Expected and Actual are the JSON of the values (invalid: NULL).
	Expected, Actual sql.NullString
	Message, File    string
	Line             int
	Source           string
}

// StoredRow is a stored result as read back to compare with a new one;
// Since is the stored text of when the status last changed.
type StoredRow struct {
	ResultRow
	Since string
}

// SameContent reports whether two rows store the same result (every column
// but the times).
func (r *ResultRow) SameContent(o *ResultRow) bool {
	return r.Status == o.Status && r.Severity == o.Severity && r.Name == o.Name && r.Expected == o.Expected &&
		r.Actual == o.Actual && r.Message == o.Message && r.File == o.File && r.Line == o.Line && r.Source == o.Source
}

// EncodeResult is the stored form of a result; a value with no JSON form is
// an invalid error naming the rule.
func EncodeResult(res *unet.PolicyResult) (ResultRow, error) {
	row := ResultRow{ResultKey: ResultKey{res.ObjectKind, res.ObjectID, res.Rule}, Name: res.ObjectName,
		Severity: res.Severity, Status: res.Status, Message: res.Message, File: res.File, Line: res.Line, Source: res.Source}
	var err error
	if row.Expected, err = jsonText("expected value of ", res.Rule, res.Expected); err != nil {
		return row, err
	}
	if row.Actual, err = jsonText("actual value of ", res.Rule, res.Actual); err != nil {
		return row, err
	}
	return row, nil
}

// jsonText is the stored JSON of a value; what+rule names it in an error
// (joined only then: a store encodes two values a result, a million times).
func jsonText(what, rule string, v any) (sql.NullString, error) {
	switch x := v.(type) {
	case nil:
		return sql.NullString{}, nil
	case bool:
		if x {
			return sql.NullString{String: "true", Valid: true}, nil
		}
		return sql.NullString{String: "false", Valid: true}, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		s, err := encodeJSON(what+rule, v)
		return sql.NullString{String: s, Valid: true}, err
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

// ObjectRef names one evaluated object.
type ObjectRef struct{ Kind, ID string }

const storedRowCols = `object_kind, object_id, rule, object_name, severity, status, expected_json, actual_json,
	message, file, line, source, since`

func scanStoredRow(rows *sql.Rows, into *StoredRow) error {
	return rows.Scan(&into.Kind, &into.ObjectID, &into.Rule, &into.Name, &into.Severity, &into.Status, &into.Expected,
		&into.Actual, &into.Message, &into.File, &into.Line, &into.Source, &into.Since)
}

// AllStoredRows calls fn with every stored result; the row is reused
// between calls.
func (r Reader) AllStoredRows(ctx context.Context, fn func(*StoredRow)) error {
	rows, err := r.q.QueryContext(ctx, `SELECT `+storedRowCols+` FROM policy_results`)
	if err != nil {
		return fmt.Errorf("read policy results: %w", err)
	}
	defer rows.Close()
	var row StoredRow
	for rows.Next() {
		if err := scanStoredRow(rows, &row); err != nil {
			return fmt.Errorf("read policy results: %w", err)
		}
		fn(&row)
	}
	return rows.Err()
}

// StoredRowsOf calls fn with the stored results of the given objects.
func (r Reader) StoredRowsOf(ctx context.Context, objects []ObjectRef, fn func(*StoredRow)) error {
	byKind := map[string][]string{}
	var kinds []string
	for _, o := range objects {
		if _, ok := byKind[o.Kind]; !ok {
			kinds = append(kinds, o.Kind)
		}
		byKind[o.Kind] = append(byKind[o.Kind], o.ID)
	}
	var row StoredRow
	for _, kind := range kinds {
		ids := byKind[kind]
		for start := 0; start < len(ids); start += inChunk {
			chunk := ids[start:min(start+inChunk, len(ids))]
			size := inChunk
			for _, sz := range inSizes {
				if len(chunk) <= sz {
					size = sz
					break
				}
			}
			args := make([]any, size+1)
			for i := range size {
				args[i] = chunk[min(i, len(chunk)-1)]
			}
			args[size] = kind
			rows, err := r.q.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM policy_results WHERE object_kind = $%d AND object_id IN (%s)`,
				storedRowCols, size+1, placeholders(size)), args...)
			if err != nil {
				return fmt.Errorf("read policy results: %w", err)
			}
			for rows.Next() {
				if err := scanStoredRow(rows, &row); err != nil {
					rows.Close()
					return fmt.Errorf("read policy results: %w", err)
				}
				fn(&row)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return fmt.Errorf("read policy results: %w", err)
			}
		}
	}
	return nil
}

// ResultCount is the number of stored results of one rule, severity and
// status.
type ResultCount struct {
	Rule, Severity, Status string
	N                      int
}

// CountPolicyResults returns the stored results counted by rule, severity
// and status.
func (r Reader) CountPolicyResults(ctx context.Context) ([]ResultCount, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT rule, severity, status, COUNT(*) FROM policy_results GROUP BY rule, severity, status`)
	if err != nil {
		return nil, fmt.Errorf("count policy results: %w", err)
	}
	defer rows.Close()
	var out []ResultCount
	for rows.Next() {
		var c ResultCount
		if err := rows.Scan(&c.Rule, &c.Severity, &c.Status, &c.N); err != nil {
			return nil, fmt.Errorf("count policy results: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ResultWrite is a result to store with its evaluation time and the stored
// text of its since time ("" for at).
type ResultWrite struct {
	Row   *ResultRow
	Since string
}

// bulkRows is how many rows one multi-row statement carries at most (14
// arguments a result: within SQLite's and PostgreSQL's argument limits).
const bulkRows = 1000

// bulkExec runs a multi-row statement over n rows in chunks: head is the
// statement up to VALUES, tail what follows the rows, cols the number of
// arguments a row and args(i, dst) appends row i's arguments. Chunks are of
// bulkRows rows but the last, so the statements have few distinct texts.
func (tx *Tx) bulkExec(ctx context.Context, n, cols int, head, tail string, args func(i int, dst []any) []any) error {
	texts := map[int]string{}
	for start := 0; start < n; start += bulkRows {
		end := min(start+bulkRows, n)
		size := end - start
		q, ok := texts[size]
		if !ok {
			var b strings.Builder
			b.WriteString(head)
			p := 1
			for i := range size {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteByte('(')
				for c := range cols {
					if c > 0 {
						b.WriteByte(',')
					}
					if tx.engine == SQLite {
						// Positional: the SQLite driver looks up every
						// numbered parameter's name, a cost that grows with
						// the number of parameters.
						b.WriteByte('?')
					} else {
						fmt.Fprintf(&b, "$%d", p)
					}
					p++
				}
				b.WriteByte(')')
			}
			b.WriteString(tail)
			q = b.String()
			texts[size] = q
		}
		vals := make([]any, 0, size*cols)
		for i := start; i < end; i++ {
			vals = args(i, vals)
		}
		var err error
		if size == bulkRows {
			_, err = tx.q.ExecContext(ctx, q, vals...)
		} else {
			// A short last chunk is a one-off statement: not kept prepared.
			_, err = tx.tx.ExecContext(ctx, q, vals...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// UpsertPolicyResults stores results evaluated at at, in multi-row
// statements (on PostgreSQL, more than bulkRows as unnest arrays).
func (tx *Tx) UpsertPolicyResults(ctx context.Context, rows []ResultWrite, at time.Time) error {
	now := fmtTime(at)
	const head = `INSERT INTO policy_results (object_kind, object_id, rule, object_name, severity,
		status, expected_json, actual_json, message, file, line, source, evaluated_at, since)`
	const tail = ` ON CONFLICT (object_kind, object_id, rule) DO UPDATE SET object_name = excluded.object_name,
		severity = excluded.severity, status = excluded.status, expected_json = excluded.expected_json,
		actual_json = excluded.actual_json, message = excluded.message, file = excluded.file, line = excluded.line,
		source = excluded.source, evaluated_at = excluded.evaluated_at, since = excluded.since`
	if tx.engine == Postgres && len(rows) > bulkRows {
		types := []string{"text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "int8", "text", "text", "text"}
		err := tx.unnestExec(ctx, len(rows), head, types, tail, func(i, c int) any {
			r := rows[i].Row
			switch c {
			case 0:
				return r.Kind
			case 1:
				return r.ObjectID
			case 2:
				return r.Rule
			case 3:
				return r.Name
			case 4:
				return r.Severity
			case 5:
				return r.Status
			case 6:
				return nullText(r.Expected.Valid, r.Expected.String)
			case 7:
				return nullText(r.Actual.Valid, r.Actual.String)
			case 8:
				return r.Message
			case 9:
				return r.File
			case 10:
				return r.Line
			case 11:
				return r.Source
			case 12:
				return now
			}
			if rows[i].Since == "" {
				return now
			}
			return rows[i].Since
		})
		if err != nil {
			return fmt.Errorf("store policy results: %w", err)
		}
		return nil
	}
	insert, conflict := head, tail
	if tx.engine == SQLite && len(rows) > bigWrite {
		empty, err := tx.emptyResults(ctx)
		if err != nil {
			return err
		}
		if empty {
			// Nothing to conflict with: see insertOrFail.
			insert, conflict = insertOrFail(head), ""
		}
	}
	err := tx.bulkExec(ctx, len(rows), 14, insert+` VALUES `, conflict,
		func(i int, dst []any) []any {
			w := rows[i]
			r := w.Row
			since := w.Since
			if since == "" {
				since = now
			}
			return append(dst, r.Kind, r.ObjectID, r.Rule, r.Name, r.Severity, r.Status, r.Expected, r.Actual,
				r.Message, r.File, r.Line, r.Source, now, since)
		})
	if err != nil {
		return fmt.Errorf("store policy results: %w", err)
	}
	return nil
}

// InsertComplianceChanges appends compliance history rows in multi-row
// statements (on PostgreSQL, more than bulkRows as unnest arrays).
func (tx *Tx) InsertComplianceChanges(ctx context.Context, cs []unet.ComplianceChange) error {
	const head = `INSERT INTO compliance_history (id, time, object_kind, object_id, object_name, rule,
		severity, from_status, to_status, source)`
	if tx.engine == Postgres && len(cs) > bulkRows {
		types := []string{"text", "text", "text", "text", "text", "text", "text", "text", "text", "text"}
		err := tx.unnestExec(ctx, len(cs), head, types, "", func(i, col int) any {
			c := &cs[i]
			switch col {
			case 0:
				return c.ID
			case 1:
				return fmtTime(c.Time)
			case 2:
				return c.ObjectKind
			case 3:
				return c.ObjectID
			case 4:
				return c.ObjectName
			case 5:
				return c.Rule
			case 6:
				return c.Severity
			case 7:
				return c.From
			case 8:
				return c.To
			}
			return c.Source
		})
		if err != nil {
			return fmt.Errorf("append compliance history: %w", err)
		}
		return nil
	}
	// History rows have new IDs: nothing to conflict with.
	insert := head
	if tx.engine == SQLite {
		insert = insertOrFail(head)
	}
	err := tx.bulkExec(ctx, len(cs), 10, insert+` VALUES `, "", func(i int, dst []any) []any {
		c := &cs[i]
		return append(dst, c.ID, fmtTime(c.Time), c.ObjectKind, c.ObjectID, c.ObjectName, c.Rule, c.Severity, c.From, c.To, c.Source)
	})
	if err != nil {
		return fmt.Errorf("append compliance history: %w", err)
	}
	return nil
}

// DeletePolicyResults removes results whose rule or object went away, in
// multi-row statements.
func (tx *Tx) DeletePolicyResults(ctx context.Context, keys []ResultKey) error {
	err := tx.bulkExec(ctx, len(keys), 3, `DELETE FROM policy_results WHERE (object_kind, object_id, rule) IN (VALUES `, ")",
		func(i int, dst []any) []any {
			k := keys[i]
			return append(dst, k.Kind, k.ObjectID, k.Rule)
		})
	if err != nil {
		return fmt.Errorf("delete policy results: %w", err)
	}
	return nil
}

// insertOrFail turns an INSERT of rows that conflict with nothing into an
// INSERT OR FAIL, on SQLite only (PostgreSQL has no such statement, and no
// statement journal). A multi-row statement that may stop on a constraint (INSERT's
// default, ABORT, or an upsert) copies every page it changes that an earlier
// statement of the transaction changed to a statement journal, to undo
// itself: a million rows of 1,000-row statements write gigabytes of it. One
// that fails stops where it is, and the transaction it is part of is rolled
// back all the same.
func insertOrFail(head string) string {
	return strings.Replace(head, "INSERT INTO", "INSERT OR FAIL INTO", 1)
}

// emptyResults reports whether no policy result is stored.
func (tx *Tx) emptyResults(ctx context.Context) (bool, error) {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM policy_results LIMIT 1) t`).Scan(&n); err != nil {
		return false, fmt.Errorf("read policy results: %w", err)
	}
	return n == 0, nil
}

// bigWrite is the number of rows past which a SQLite write grows the page
// cache of its connection (LargeWrite).
const bigWrite = 20000

// LargeWrite prepares a transaction for a write of n rows (results and
// history rows): past bigWrite rows on SQLite, the connection's page cache
// grows to 256 MiB and its temporary files (the statement journal of each
// multi-row upsert) stay in memory, until done is called. SQLite's default
// page cache (2 MB) spills a large write to the log page by page, many times
// over, and each upsert statement of a thousand rows otherwise journals the
// pages it changes to a temporary file, should it have to be undone. done
// must be called before the transaction ends; on PostgreSQL and for small
// writes it does nothing.
func (tx *Tx) LargeWrite(ctx context.Context, n int) (done func(), err error) {
	if tx.engine != SQLite || n <= bigWrite {
		return func() {}, nil
	}
	var cache, temp int
	if err := tx.tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return nil, fmt.Errorf("read the page cache size: %w", err)
	}
	if err := tx.tx.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&temp); err != nil {
		return nil, fmt.Errorf("read the temporary store: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
		return nil, fmt.Errorf("grow the page cache: %w", err)
	}
	restore := func() {
		// The pragmas cannot fail on an open connection; should they, the
		// connection keeps a larger cache and its temporary files in
		// memory, which costs only memory.
		ctx := context.WithoutCancel(ctx)
		_, _ = tx.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, cache))
		_, _ = tx.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA temp_store = %d`, temp))
	}
	if _, err := tx.tx.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		restore()
		return nil, fmt.Errorf("keep temporary files in memory: %w", err)
	}
	return restore, nil
}
