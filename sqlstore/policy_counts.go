package sqlstore

import (
	"context"
	"fmt"
	"sort"
)

// Summaries of the stored results (migration 0017): the table
// policy_result_counts holds the number of stored results of each rule,
// severity and status, adjusted in the transaction that stores results,
// and each object's row counts its failing results of critical and high
// severity (n_critical_fail, n_high_fail, indexed), so that a summary
// reads neither the encoded results nor every object.

// Severities counted on each object's row.
const (
	SeverityCritical = "critical"
	SeverityHigh     = "high"
)

// resultsLockKey is the PostgreSQL advisory lock ("unet" "res") that
// transactions storing results hold.
const resultsLockKey int64 = 0x756e6574_726573

// LockResults makes the transaction the only one storing results until it
// ends: a store compares the new results with those it reads and adjusts
// the counts by the difference, which a concurrent store (PostgreSQL reads
// what was committed before each statement) would make wrong. SQLite
// write transactions take the write lock at BEGIN already.
func (tx *Tx) LockResults(ctx context.Context) error {
	if tx.engine != Postgres {
		return nil
	}
	if _, err := tx.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, resultsLockKey); err != nil {
		return fmt.Errorf("lock policy results: %w", err)
	}
	return nil
}

// AdjustResultCounts adds each count's N (negative: removes) to the stored
// count of its rule, severity and status; counts that reach zero are
// removed. The counts must name distinct rule, severity and status.
func (tx *Tx) AdjustResultCounts(ctx context.Context, delta []ResultCount) error {
	var nonzero []ResultCount
	for _, c := range delta {
		if c.N != 0 {
			nonzero = append(nonzero, c)
		}
	}
	if len(nonzero) == 0 {
		return nil
	}
	err := tx.bulkExec(ctx, len(nonzero), 4, `INSERT INTO policy_result_counts (rule, severity, status, n) VALUES `,
		` ON CONFLICT (rule, severity, status) DO UPDATE SET n = policy_result_counts.n + excluded.n`,
		func(i int, dst []any) []any {
			c := &nonzero[i]
			return append(dst, c.Rule, c.Severity, c.Status, c.N)
		})
	if err != nil {
		return fmt.Errorf("adjust policy result counts: %w", err)
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM policy_result_counts WHERE n <= 0`); err != nil {
		return fmt.Errorf("adjust policy result counts: %w", err)
	}
	return nil
}

// CountPolicyResults returns the stored results counted by rule, severity
// and status, ordered by rule, severity and status.
func (r Reader) CountPolicyResults(ctx context.Context) ([]ResultCount, error) {
	out, err := queryItems(ctx, r, `SELECT rule, severity, status, n FROM policy_result_counts WHERE n > 0`, nil,
		func(s rowScanner) (*ResultCount, error) {
			var c ResultCount
			return &c, s.Scan(&c.Rule, &c.Severity, &c.Status, &c.N)
		})
	if err != nil {
		return nil, fmt.Errorf("count policy results: %w", err)
	}
	SortResultCounts(out)
	return out, nil
}

// SortResultCounts orders counts by rule, severity and status (bytes).
func SortResultCounts(cs []ResultCount) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := &cs[i], &cs[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Severity != b.Severity {
			return a.Severity < b.Severity
		}
		return a.Status < b.Status
	})
}

// FailingObject is an object with failing results of critical or high
// severity.
type FailingObject struct {
	ObjectRef
	Name           string
	Critical, High int
}

// FailingObjects returns the number of objects of kind with failing
// results of critical or high severity, and the first top of them by
// critical then high failures (most first), then name, kind and ID.
func (r Reader) FailingObjects(ctx context.Context, kind string, top int) ([]FailingObject, int, error) {
	const cond = ` FROM policy_object_results WHERE object_kind = $1 AND (n_critical_fail > 0 OR n_high_fail > 0)`
	var total int
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*)`+cond, kind).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count failing objects: %w", err)
	}
	if top <= 0 || total == 0 {
		return []FailingObject{}, total, nil
	}
	out, err := queryItems(ctx, r, `SELECT object_kind, object_id, object_name, n_critical_fail, n_high_fail`+cond+
		fmt.Sprintf(` ORDER BY n_critical_fail DESC, n_high_fail DESC, object_name, object_kind, object_id LIMIT %d`, top),
		[]any{kind}, func(s rowScanner) (*FailingObject, error) {
			var f FailingObject
			return &f, s.Scan(&f.Kind, &f.ID, &f.Name, &f.Critical, &f.High)
		})
	if err != nil {
		return nil, 0, fmt.Errorf("read failing objects: %w", err)
	}
	return out, total, nil
}
