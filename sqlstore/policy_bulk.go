package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

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
// EvaluatedAt and Since are the stored text of when it was last written
// and when its status last changed.
type StoredRow struct {
	ResultRow
	EvaluatedAt, Since string
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
//
// The common scalars are written directly, exactly as encoding/json writes
// them (strings of plain printable ASCII, integral numbers below 2^53):
// json.Marshal of a million small values was about a third of storing
// a full evaluation's results.
func jsonText(what, rule string, v any) (sql.NullString, error) {
	switch x := v.(type) {
	case nil:
		return sql.NullString{}, nil
	case bool:
		if x {
			return sql.NullString{String: "true", Valid: true}, nil
		}
		return sql.NullString{String: "false", Valid: true}, nil
	case string:
		if plainJSONString(x) {
			return sql.NullString{String: `"` + x + `"`, Valid: true}, nil
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 && !(x == 0 && math.Signbit(x)) {
			return sql.NullString{String: strconv.FormatInt(int64(x), 10), Valid: true}, nil
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		s, err := encodeJSON(what+rule, v)
		return sql.NullString{String: s, Valid: true}, err
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

// plainJSONString reports whether encoding/json writes s between quotes
// as it is: printable ASCII but the quote, the backslash and the three
// characters it escapes for HTML.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// ObjectRef names one evaluated object.
type ObjectRef struct{ Kind, ID string }

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

// HistoryRow is one row of the compliance history: a change, or, with
// Entries, the first results of one object (Rule, Severity, From, To and
// Source of the change are then empty; ID, Time and the object are the
// row's).
type HistoryRow struct {
	unet.ComplianceChange
	Entries []HistoryEntry
	// EncodedEntries, when not empty, is the stored form of a first-results
	// row's EntryCount entries, built in advance in place of Entries
	// (ObjectEncoder.FirstResultsEntries).
	EncodedEntries string
	EntryCount     int
}

// InsertComplianceChanges appends compliance history rows in multi-row
// statements (on PostgreSQL, more than bulkRows as unnest arrays).
func (tx *Tx) InsertComplianceChanges(ctx context.Context, hs []HistoryRow) error {
	const head = `INSERT INTO compliance_history (id, time, object_kind, object_id, object_name, rule,
		severity, from_status, to_status, source, entries, entry_count)`
	// First results over the rule set of the object's results written in
	// this transaction take the compact form.
	sets := map[ObjectRef]struct {
		id    string
		rules []RuleMeta
	}{}
	written, _ := tx.Value(objectSetsKey{}).(map[ObjectRef]ruleSetText)
	decoded := map[string][]RuleMeta{}
	for i := range hs {
		o := ObjectRef{Kind: hs[i].ObjectKind, ID: hs[i].ObjectID}
		st, ok := written[o]
		if hs[i].Entries == nil || !ok {
			continue
		}
		rules, ok := decoded[st.id]
		if !ok {
			var err error
			if rules, err = DecodeRuleSet(st.text); err != nil {
				return fmt.Errorf("append compliance history: %w", err)
			}
			decoded[st.id] = rules
		}
		sets[o] = struct {
			id    string
			rules []RuleMeta
		}{st.id, rules}
	}
	value := func(i, col int) any {
		h := &hs[i]
		c := &h.ComplianceChange
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
		case 9:
			return c.Source
		case 10:
			if h.EncodedEntries != "" {
				return &h.EncodedEntries
			}
			if h.Entries == nil {
				return (*string)(nil)
			}
			e := ""
			if set, ok := sets[ObjectRef{Kind: c.ObjectKind, ID: c.ObjectID}]; ok {
				e = encodeCompactEntries(set.id, set.rules, h.Entries)
			}
			if e == "" {
				e = EncodeHistoryEntries(h.Entries)
			}
			return &e
		}
		if h.EncodedEntries != "" {
			return h.EntryCount
		}
		if h.Entries == nil {
			return 1
		}
		return len(h.Entries)
	}
	if tx.engine == Postgres && len(hs) > bulkRows {
		types := []string{"text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "int8"}
		if err := tx.unnestExec(ctx, len(hs), head, types, "", value); err != nil {
			return fmt.Errorf("append compliance history: %w", err)
		}
		return nil
	}
	// History rows have new IDs: nothing to conflict with.
	insert := head
	if tx.engine == SQLite {
		insert = insertOrFail(head)
	}
	err := tx.bulkExec(ctx, len(hs), 12, insert+` VALUES `, "", func(i int, dst []any) []any {
		for c := range 12 {
			v := value(i, c)
			if p, ok := v.(*string); ok {
				if p == nil {
					v = nil
				} else {
					v = *p
				}
			}
			dst = append(dst, v)
		}
		return dst
	})
	if err != nil {
		return fmt.Errorf("append compliance history: %w", err)
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
