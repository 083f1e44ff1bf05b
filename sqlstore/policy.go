package sqlstore

import (
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

// HistoryQuery is a resolved compliance history filter.
type HistoryQuery struct {
	unet.ComplianceHistoryFilter
	ObjectID string
}

// resultOf is the API form of a stored result.
func resultOf(r *StoredRow) unet.PolicyResult {
	res := unet.PolicyResult{ObjectKind: r.Kind, ObjectID: r.ObjectID, ObjectName: r.Name, Rule: r.Rule,
		Severity: r.Severity, Status: r.Status, Expected: decodeAny(r.Expected), Actual: decodeAny(r.Actual),
		Message: r.Message, File: r.File, Line: r.Line, Source: r.Source}
	ta, ts := parseTime(r.EvaluatedAt), parseTime(r.Since)
	res.EvaluatedAt, res.Since = &ta, &ts
	return res
}
