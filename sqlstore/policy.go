package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/unet-dev/unet"
)

// ResultKey identifies one stored policy result.
type ResultKey struct {
	Kind, ObjectID, Rule string
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
