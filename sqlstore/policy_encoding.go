package sqlstore

import (
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The stored results of one object are one text value (column results of
// policy_object_results, migration 0015): one line a result, in rule order,
// lines separated by a newline and the fields of a line by a tab. A field
// escapes a backslash, a tab and a newline as \\, \t and \n, so that the
// encoding can also be built in SQL (replace and string_agg, common to
// SQLite and PostgreSQL; migration 0015 converts the rows of the earlier
// layout with them). The fields of a line, in order:
//
//	rule, object name ("": the object's), severity, status,
//	expected and actual ("": NULL, else "=" and the JSON text),
//	message, file, line (decimal), source,
//	evaluated at ("": the object's), since ("": evaluated at)
//
// The first results of an object in the compliance history (entries of
// compliance_history) use the same escaping, with the fields rule,
// severity, status reached and source.

// resultFields is the number of fields of one encoded result.
const resultFields = 12

// entryFields is the number of fields of one encoded history entry.
const entryFields = 4

// appendField appends s escaped.
func appendField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, "\\\t\n") {
		return append(b, s...)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		default:
			b = append(b, c)
		}
	}
	return b
}

// unescapeField is the value of an escaped field; pos (1-based line and
// field) positions an error.
func unescapeField(f string, line, field int) (string, error) {
	if !strings.Contains(f, `\`) {
		return f, nil
	}
	b := make([]byte, 0, len(f))
	for i := 0; i < len(f); i++ {
		if f[i] != '\\' {
			b = append(b, f[i])
			continue
		}
		if i+1 == len(f) {
			return "", fmt.Errorf("line %d field %d: backslash at the end of the field", line, field)
		}
		i++
		switch f[i] {
		case '\\':
			b = append(b, '\\')
		case 't':
			b = append(b, '\t')
		case 'n':
			b = append(b, '\n')
		default:
			return "", fmt.Errorf("line %d field %d: unknown escape \\%c", line, field, f[i])
		}
	}
	return string(b), nil
}

// appendNullable appends a nullable JSON text: "" for NULL, else "=" and
// the text.
func appendNullable(b []byte, v sql.NullString) []byte {
	if !v.Valid {
		return b
	}
	return appendField(append(b, '='), v.String)
}

// WriteRow is a result to store: its row and the stored text of when it
// was evaluated ("": the time of the write) and when its status last
// changed ("": when it was evaluated).
type WriteRow struct {
	*ResultRow
	EvaluatedAt, Since string
}

// EncodeObjectResults is the full stored form of one object's results
// (the form migration 0015 builds; μNet writes the compact one,
// EncodeCompactResults): rows (of the object named name, evaluated at at
// unless their EvaluatedAt says otherwise) are sorted by rule.
func EncodeObjectResults(name, at string, rows []WriteRow) string {
	sort.Slice(rows, func(i, j int) bool { return rows[i].Rule < rows[j].Rule })
	var b []byte
	for i := range rows {
		r := &rows[i]
		if i > 0 {
			b = append(b, '\n')
		}
		b = appendField(b, r.Rule)
		b = append(b, '\t')
		if r.Name != name {
			b = appendField(b, r.Name)
		}
		b = append(b, '\t')
		b = appendField(b, r.Severity)
		b = append(b, '\t')
		b = appendField(b, r.Status)
		b = append(b, '\t')
		b = appendNullable(b, r.Expected)
		b = append(b, '\t')
		b = appendNullable(b, r.Actual)
		b = append(b, '\t')
		b = appendField(b, r.Message)
		b = append(b, '\t')
		b = appendField(b, r.File)
		b = append(b, '\t')
		b = strconv.AppendInt(b, int64(r.Line), 10)
		b = append(b, '\t')
		b = appendField(b, r.Source)
		b = appendTimes(b, r, at)
	}
	return string(b)
}

// DecodeObjectResults takes apart the stored results of the object kind/id
// named name and evaluated at at, in the full or the compact form (over one
// of sets); fn is called with each result in stored order, the row reused
// between calls. A malformed encoding is an error positioned by line and
// field, and fn is not called past it.
func DecodeObjectResults(kind, id, name, at, enc string, sets RuleSets, fn func(*StoredRow)) error {
	if enc == "" {
		return nil
	}
	var row StoredRow
	row.Kind, row.ObjectID = kind, id
	if set, rest, ok := setID(enc); ok {
		rules, known := sets[set]
		if !known {
			return fmt.Errorf("line 1: unknown rule set %q", set)
		}
		return decodeCompact(&row, name, at, rest, rules, fn)
	}
	var fields [resultFields]string
	for n := 1; enc != ""; n++ {
		var line string
		line, enc, _ = strings.Cut(enc, "\n")
		if err := splitFields(line, n, fields[:]); err != nil {
			return err
		}
		var err error
		var v [resultFields]string
		for i, f := range fields {
			if i == 4 || i == 5 {
				continue
			}
			if v[i], err = unescapeField(f, n, i+1); err != nil {
				return err
			}
		}
		row.Kind, row.ObjectID, row.Rule = kind, id, v[0]
		row.Name = name
		if fields[1] != "" {
			row.Name = v[1]
		}
		row.Severity, row.Status = v[2], v[3]
		if row.Expected, err = nullableField(fields[4], n, 5); err != nil {
			return err
		}
		if row.Actual, err = nullableField(fields[5], n, 6); err != nil {
			return err
		}
		row.Message, row.File = v[6], v[7]
		l, err := strconv.ParseInt(v[8], 10, 64)
		if err != nil || int64(int(l)) != l {
			return fmt.Errorf("line %d field 9: bad line number %q", n, v[8])
		}
		row.Line = int(l)
		row.Source = v[9]
		row.EvaluatedAt = at
		if fields[10] != "" {
			row.EvaluatedAt = v[10]
		}
		row.Since = row.EvaluatedAt
		if fields[11] != "" {
			row.Since = v[11]
		}
		fn(&row)
	}
	return nil
}

// splitFields splits line n into exactly len(into) tab-separated fields.
func splitFields(line string, n int, into []string) error {
	for i := range into {
		if i == len(into)-1 {
			if strings.IndexByte(line, '\t') >= 0 {
				return fmt.Errorf("line %d: more than %d fields", n, len(into))
			}
			into[i] = line
			break
		}
		f, rest, ok := strings.Cut(line, "\t")
		if !ok {
			return fmt.Errorf("line %d: %d fields, want %d", n, i+1, len(into))
		}
		into[i], line = f, rest
	}
	return nil
}

// nullableField decodes a nullable JSON text field.
func nullableField(f string, line, field int) (sql.NullString, error) {
	if f == "" {
		return sql.NullString{}, nil
	}
	if f[0] != '=' {
		return sql.NullString{}, fmt.Errorf("line %d field %d: a value starts with =", line, field)
	}
	s, err := unescapeField(f[1:], line, field)
	return sql.NullString{String: s, Valid: err == nil}, err
}

// HistoryEntry is one result in a first-results row of the compliance
// history: an object's rule reached the status To from no result.
type HistoryEntry struct {
	Rule, Severity, To, Source string
}

// EncodeHistoryEntries is the stored form of the entries of one
// first-results history row, in the given order.
func EncodeHistoryEntries(es []HistoryEntry) string {
	var b []byte
	for i, e := range es {
		if i > 0 {
			b = append(b, '\n')
		}
		b = appendField(b, e.Rule)
		b = append(b, '\t')
		b = appendField(b, e.Severity)
		b = append(b, '\t')
		b = appendField(b, e.To)
		b = append(b, '\t')
		b = appendField(b, e.Source)
	}
	return string(b)
}

// DecodeHistoryEntries takes apart the entries of a first-results history
// row, in the full or the compact form (over one of sets); a malformed
// encoding is an error positioned by line and field.
func DecodeHistoryEntries(enc string, sets RuleSets) ([]HistoryEntry, error) {
	if enc == "" {
		return nil, nil
	}
	if id, rest, ok := setID(enc); ok {
		set, known := sets[id]
		if !known {
			return nil, fmt.Errorf("line 1: unknown rule set %q", id)
		}
		if len(rest) != len(set) {
			return nil, fmt.Errorf("line 2: %d statuses for the %d rules of the rule set", len(rest), len(set))
		}
		out := make([]HistoryEntry, len(set))
		for i := range set {
			st := codeStatuses[rest[i]]
			if st == "" {
				return nil, fmt.Errorf("line 2: bad status code %q", rest[i])
			}
			out[i] = HistoryEntry{Rule: set[i].Rule, Severity: set[i].Severity, To: st, Source: set[i].Source}
		}
		return out, nil
	}
	out := make([]HistoryEntry, 0, strings.Count(enc, "\n")+1)
	var fields [entryFields]string
	for n := 1; enc != ""; n++ {
		var line string
		line, enc, _ = strings.Cut(enc, "\n")
		var v [entryFields]string
		if err := readRecord(line, n, fields[:], v[:]); err != nil {
			return nil, err
		}
		out = append(out, HistoryEntry{Rule: v[0], Severity: v[1], To: v[2], Source: v[3]})
	}
	return out, nil
}

// readRecord splits line n of an encoding into len(raw) fields and
// unescapes each into v.
func readRecord(line string, n int, raw, v []string) error {
	if err := splitFields(line, n, raw); err != nil {
		return err
	}
	for i, f := range raw {
		var err error
		if v[i], err = unescapeField(f, n, i+1); err != nil {
			return err
		}
	}
	return nil
}
