package sqlstore

import (
	"context"
	"fmt"
)

// downSteps are steps in Go of down migrations that SQL common to both
// engines cannot express, by version: each runs after the version's down
// SQL, in its transaction.
var downSteps = map[int]func(context.Context, *Tx) error{
	15: down0015,
}

// down0015 takes apart what migration 0015 encoded: each object's results
// become one policy_results row each (with an empty, unknown, digest in
// policy_digests), each first-results history row one row per entry (with
// the IDs the listing gives them); then it drops what 0015 added.
func down0015(ctx context.Context, tx *Tx) error {
	var objs []StoredObject
	err := tx.Reader().AllStoredObjects(ctx, func(o *StoredObject) error {
		objs = append(objs, *o)
		return nil
	})
	if err != nil {
		return err
	}
	var rows []StoredRow
	refs := make([]ObjectRef, 0, len(objs))
	for i := range objs {
		got, err := objs[i].Rows()
		if err != nil {
			return err
		}
		rows = append(rows, got...)
		refs = append(refs, objs[i].ObjectRef)
	}
	err = tx.bulkExec(ctx, len(rows), 14, `INSERT INTO policy_results (object_kind, object_id, rule, object_name, severity,
		status, expected_json, actual_json, message, file, line, source, evaluated_at, since) VALUES `, "",
		func(i int, dst []any) []any {
			r := &rows[i]
			return append(dst, r.Kind, r.ObjectID, r.Rule, r.Name, r.Severity, r.Status, r.Expected, r.Actual,
				r.Message, r.File, r.Line, r.Source, r.EvaluatedAt, r.Since)
		})
	if err != nil {
		return fmt.Errorf("restore policy results: %w", err)
	}
	err = tx.bulkExec(ctx, len(refs), 3, `INSERT INTO policy_digests (object_kind, object_id, digest) VALUES `, "",
		func(i int, dst []any) []any { return append(dst, refs[i].Kind, refs[i].ID, "") })
	if err != nil {
		return fmt.Errorf("restore policy digests: %w", err)
	}
	sets, err := tx.Reader().LoadRuleSets(ctx)
	if err != nil {
		return err
	}
	hs, err := firstResultRows(ctx, tx, sets)
	if err != nil {
		return err
	}
	var expanded []HistoryRow
	for _, h := range hs {
		for i, e := range h.Entries {
			c := h.ComplianceChange
			c.ID, c.Rule, c.Severity, c.From, c.To, c.Source = HistoryEntryID(h.ID, i), e.Rule, e.Severity, "", e.To, e.Source
			expanded = append(expanded, HistoryRow{ComplianceChange: c})
		}
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM compliance_history WHERE entries IS NOT NULL`); err != nil {
		return fmt.Errorf("expand compliance history: %w", err)
	}
	if err := tx.InsertComplianceChanges(ctx, expanded); err != nil {
		return err
	}
	for _, q := range []string{`DROP TABLE policy_object_results`, `DROP TABLE policy_rule_sets`, `ALTER TABLE compliance_history DROP COLUMN entry_count`,
		`ALTER TABLE compliance_history DROP COLUMN entries`} {
		if _, err := tx.tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// firstResultRows reads every first-results row of the history.
func firstResultRows(ctx context.Context, tx *Tx, sets RuleSets) ([]HistoryRow, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+historyCols+` FROM compliance_history WHERE entries IS NOT NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read compliance history: %w", err)
	}
	defer rows.Close()
	var out []HistoryRow
	for rows.Next() {
		h, err := scanHistoryRow(rows, sets)
		if err != nil {
			return nil, fmt.Errorf("read compliance history: %w", err)
		}
		out = append(out, *h)
	}
	return out, rows.Err()
}
