package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/unet-dev/unet"
)

// ResultKey identifies one stored policy result.
type ResultKey struct {
	Kind, ObjectID, Rule string
}

// StoredResult is what is kept of a result to detect changes.
type StoredResult struct {
	Status   string
	Since    time.Time
	Severity string
	Name     string
	// Digest is the JSON of the fields that matter for "did it change".
	Digest string
}

// ResultDigest is the comparison form of a result.
//
// A result whose expected or actual value has no JSON form gets an empty
// digest: storing it fails in UpsertPolicyResult, which reports the error.
func ResultDigest(r *unet.PolicyResult) string {
	d, err := encodeJSON("policy result", []any{r.Status, r.Severity, r.Expected, r.Actual, r.Message, r.File, r.Line, r.Source, r.ObjectName})
	if err != nil {
		return ""
	}
	return d
}

// StoredResults loads the stored results of the given object kinds.
func (r Reader) StoredResults(ctx context.Context) (map[ResultKey]StoredResult, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT object_kind, object_id, rule, object_name, severity, status,
		expected_json, actual_json, message, file, line, source, since FROM policy_results`)
	if err != nil {
		return nil, fmt.Errorf("read policy results: %w", err)
	}
	defer rows.Close()
	out := map[ResultKey]StoredResult{}
	for rows.Next() {
		var res unet.PolicyResult
		var exp, act sql.NullString
		var since string
		if err := rows.Scan(&res.ObjectKind, &res.ObjectID, &res.Rule, &res.ObjectName, &res.Severity, &res.Status,
			&exp, &act, &res.Message, &res.File, &res.Line, &res.Source, &since); err != nil {
			return nil, err
		}
		res.Expected = decodeAny(exp)
		res.Actual = decodeAny(act)
		out[ResultKey{res.ObjectKind, res.ObjectID, res.Rule}] = StoredResult{Status: res.Status, Since: parseTime(since),
			Severity: res.Severity, Name: res.ObjectName, Digest: ResultDigest(&res)}
	}
	return out, rows.Err()
}

func decodeAny(s sql.NullString) any {
	if !s.Valid {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(s.String), &v); err != nil {
		return s.String
	}
	return v
}

func anyArg(what string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	return encodeJSON(what, v)
}

// UpsertPolicyResult stores a result.
func (tx *Tx) UpsertPolicyResult(ctx context.Context, res *unet.PolicyResult, at, since time.Time) error {
	expected, err := anyArg("expected value of "+res.Rule, res.Expected)
	if err != nil {
		return err
	}
	actual, err := anyArg("actual value of "+res.Rule, res.Actual)
	if err != nil {
		return err
	}
	args := []any{res.ObjectKind, res.ObjectID, res.Rule, res.ObjectName, res.Severity, res.Status, expected,
		actual, res.Message, res.File, res.Line, res.Source, fmtTime(at), fmtTime(since)}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO policy_results (object_kind, object_id, rule, object_name, severity,
		status, expected_json, actual_json, message, file, line, source, evaluated_at, since)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
		ON CONFLICT (object_kind, object_id, rule) DO UPDATE SET object_name = excluded.object_name,
		severity = excluded.severity, status = excluded.status, expected_json = excluded.expected_json,
		actual_json = excluded.actual_json, message = excluded.message, file = excluded.file, line = excluded.line,
		source = excluded.source, evaluated_at = excluded.evaluated_at, since = excluded.since`, args...)
	if err != nil {
		return fmt.Errorf("store policy result: %w", err)
	}
	return nil
}

// TouchPolicyResults records that unchanged results were re-evaluated.
func (tx *Tx) TouchPolicyResults(ctx context.Context, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE policy_results SET evaluated_at = $1 WHERE evaluated_at < $1`, fmtTime(at))
	return err
}

// TouchPolicyResult records that one unchanged result was re-evaluated.
func (tx *Tx) TouchPolicyResult(ctx context.Context, k ResultKey, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE policy_results SET evaluated_at = $1 WHERE object_kind = $2 AND object_id = $3 AND rule = $4`,
		fmtTime(at), k.Kind, k.ObjectID, k.Rule)
	return err
}

// DeletePolicyResult removes a result whose rule or object went away.
func (tx *Tx) DeletePolicyResult(ctx context.Context, k ResultKey) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM policy_results WHERE object_kind = $1 AND object_id = $2 AND rule = $3`, k.Kind, k.ObjectID, k.Rule)
	return err
}

// InsertComplianceChange appends a compliance history row.
func (tx *Tx) InsertComplianceChange(ctx context.Context, c *unet.ComplianceChange) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO compliance_history (id, time, object_kind, object_id, object_name, rule,
		severity, from_status, to_status, source) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		c.ID, fmtTime(c.Time), c.ObjectKind, c.ObjectID, c.ObjectName, c.Rule, c.Severity, c.From, c.To, c.Source)
	if err != nil {
		return fmt.Errorf("append compliance history: %w", err)
	}
	return nil
}

// PolicyResultQuery is a resolved result filter.
type PolicyResultQuery struct {
	unet.PolicyResultFilter
	ObjectID string
}

// ListPolicyResults returns stored results ordered by object name and rule.
func (r Reader) ListPolicyResults(ctx context.Context, f PolicyResultQuery) (*unet.List[unet.PolicyResult], error) {
	var w where
	if f.ObjectID != "" {
		w.add("object_id = ?", f.ObjectID)
	}
	if f.Kind != "" {
		w.add("object_kind = ?", f.Kind)
	}
	if f.Rule != "" {
		w.add("rule = ?", f.Rule)
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	if f.Severity != "" {
		w.add("severity = ?", f.Severity)
	}
	return listPage(ctx, r, pageQuery[unet.PolicyResult]{from: "policy_results", columns: resultCols,
		sortCol: "(object_name || '\x01' || rule)", idCol: "object_kind || object_id", scan: scanResult,
		cursor: func(res *unet.PolicyResult) (string, string) {
			return res.ObjectName + "\x01" + res.Rule, res.ObjectKind + res.ObjectID
		}}, w, f.Page)
}

const resultCols = `object_kind, object_id, rule, object_name, severity, status, expected_json, actual_json, message,
	file, line, source, evaluated_at, since`

func scanResult(s rowScanner) (*unet.PolicyResult, error) {
	var res unet.PolicyResult
	var exp, act sql.NullString
	var at, since string
	if err := s.Scan(&res.ObjectKind, &res.ObjectID, &res.Rule, &res.ObjectName, &res.Severity, &res.Status,
		&exp, &act, &res.Message, &res.File, &res.Line, &res.Source, &at, &since); err != nil {
		return nil, err
	}
	res.Expected, res.Actual = decodeAny(exp), decodeAny(act)
	ta, ts := parseTime(at), parseTime(since)
	res.EvaluatedAt, res.Since = &ta, &ts
	return &res, nil
}

// HistoryQuery is a resolved compliance history filter.
type HistoryQuery struct {
	unet.ComplianceHistoryFilter
	ObjectID string
}

// ListComplianceHistory returns history rows, newest first.
func (r Reader) ListComplianceHistory(ctx context.Context, f HistoryQuery) (*unet.List[unet.ComplianceChange], error) {
	var w where
	if f.ObjectID != "" {
		w.add("object_id = ?", f.ObjectID)
	}
	if f.Rule != "" {
		w.add("rule = ?", f.Rule)
	}
	if !f.Since.IsZero() {
		w.add("time >= ?", fmtTime(f.Since))
	}
	return listNewest(ctx, r, "compliance_history", `id, time, object_kind, object_id, object_name, rule, severity,
		from_status, to_status, source`, w, f.Page, func(s rowScanner) (*unet.ComplianceChange, error) {
		var c unet.ComplianceChange
		var at string
		if err := s.Scan(&c.ID, &at, &c.ObjectKind, &c.ObjectID, &c.ObjectName, &c.Rule, &c.Severity, &c.From, &c.To, &c.Source); err != nil {
			return nil, err
		}
		c.Time = parseTime(at)
		return &c, nil
	}, func(c *unet.ComplianceChange) string { return c.ID })
}
