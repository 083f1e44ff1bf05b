package sqlstore

import (
	"context"
	"fmt"

	"github.com/unet-dev/unet"
)

// upSteps are steps in Go of up migrations that SQL common to both engines
// cannot express, by version: each runs after the version's up SQL, in its
// transaction.
var upSteps = map[int]func(context.Context, *Tx) error{
	17: up0017,
}

// up0017 counts the results stored before migration 0017 (the encoded
// results of every object decoded): by rule, severity and status into
// policy_result_counts, and each object's failing results of critical and
// high severity into its row.
func up0017(ctx context.Context, tx *Tx) error {
	counts := map[ResultCount]int{}
	type failing struct {
		ref            ObjectRef
		critical, high int
	}
	var objs []failing
	err := tx.Reader().AllStoredObjects(ctx, func(o *StoredObject) error {
		f := failing{ref: o.ObjectRef}
		err := o.Each(func(r *StoredRow) {
			counts[ResultCount{Rule: r.Rule, Severity: r.Severity, Status: r.Status}]++
			if r.Status == unet.StatusFail {
				switch r.Severity {
				case SeverityCritical:
					f.critical++
				case SeverityHigh:
					f.high++
				}
			}
		})
		if f.critical > 0 || f.high > 0 {
			objs = append(objs, f)
		}
		return err
	})
	if err != nil {
		return err
	}
	delta := make([]ResultCount, 0, len(counts))
	for c, n := range counts {
		c.N = n
		delta = append(delta, c)
	}
	SortResultCounts(delta)
	if err := tx.AdjustResultCounts(ctx, delta); err != nil {
		return err
	}
	for _, f := range objs {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE policy_object_results SET n_critical_fail = $1, n_high_fail = $2
			WHERE object_kind = $3 AND object_id = $4`, f.critical, f.high, f.ref.Kind, f.ref.ID); err != nil {
			return fmt.Errorf("count failing results: %w", err)
		}
	}
	return nil
}
