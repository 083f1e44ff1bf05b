package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A rule set is what the results of many objects share: the rules they
// have results for, in rule order, with each rule's severity, file, line
// and source (table policy_rule_sets, keyed by a digest of its text, never
// changed once written). The results of an object written by μNet name
// their rule set on a first line "@ID" and keep on each following line, one
// per rule of the set, only what is the object's own:
//
//	status (p, f, e, n for pass, fail, error, not_applicable; else "=" and
//	the status), expected, actual, message, object name, evaluated at, since
//
// (the last five as in the full form: "" for NULL, the object's name, its
// evaluated at, the result's evaluated at). A first-results history row
// names the rule set the same way and lists one status code a rule (the
// compact form, when every status has a one-letter code). Rows converted
// by migration 0015 keep the full form, which names no rule set.

// RuleMeta is one rule of a rule set.
type RuleMeta struct {
	Rule, Severity, File string
	Line                 int
	Source               string
}

// RuleSets are the stored rule sets by ID.
type RuleSets map[string][]RuleMeta

// compactFields is the number of fields of one compact result line.
const compactFields = 7

// ruleSetFields is the number of fields of one rule set line.
const ruleSetFields = 5

var statusCodes = map[string]byte{"pass": 'p', "fail": 'f', "error": 'e', "not_applicable": 'n'}

var codeStatuses = map[byte]string{'p': "pass", 'f': "fail", 'e': "error", 'n': "not_applicable"}

// encodeRuleSet is the text of the rule set of rows (sorted by rule) and
// its ID.
func encodeRuleSet(rows []WriteRow) (id, text string) {
	var b []byte
	for i := range rows {
		r := &rows[i]
		if i > 0 {
			b = append(b, '\n')
		}
		b = appendField(b, r.Rule)
		b = append(b, '\t')
		b = appendField(b, r.Severity)
		b = append(b, '\t')
		b = appendField(b, r.File)
		b = append(b, '\t')
		b = strconv.AppendInt(b, int64(r.Line), 10)
		b = append(b, '\t')
		b = appendField(b, r.Source)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12]), string(b)
}

// DecodeRuleSet takes apart the text of a rule set.
func DecodeRuleSet(text string) ([]RuleMeta, error) {
	var out []RuleMeta
	var fields [ruleSetFields]string
	for n := 1; text != ""; n++ {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		var v [ruleSetFields]string
		if err := readRecord(line, n, fields[:], v[:]); err != nil {
			return nil, err
		}
		l, err := strconv.ParseInt(v[3], 10, 64)
		if err != nil || int64(int(l)) != l {
			return nil, fmt.Errorf("line %d field 4: bad line number %q", n, v[3])
		}
		out = append(out, RuleMeta{Rule: v[0], Severity: v[1], File: v[2], Line: int(l), Source: v[4]})
	}
	return out, nil
}

// EncodeCompactResults is the compact form of one object's results (rows,
// of the object named name, evaluated at at unless their EvaluatedAt says
// otherwise, are sorted by rule), the ID of its rule set and the rule set's
// text.
func EncodeCompactResults(name, at string, rows []WriteRow) (enc, id, set string) {
	var last lastSet
	return last.encode(name, at, rows)
}

// lastSet is the rule set an encoder wrote last: objects in a row mostly
// have the same rules, whose set is then neither built nor hashed again.
// It keeps a copy of the set's rules, not the rows: a caller may reuse
// them.
type lastSet struct {
	id, text string
	rules    []RuleMeta
}

// encode is EncodeCompactResults, reusing the last rule set when it fits.
func (l *lastSet) encode(name, at string, rows []WriteRow) (enc, id, set string) {
	slices.SortFunc(rows, func(a, b WriteRow) int { return strings.Compare(a.Rule, b.Rule) })
	if !l.fits(rows) {
		l.id, l.text = encodeRuleSet(rows)
		l.rules = l.rules[:0]
		for i := range rows {
			r := rows[i].ResultRow
			l.rules = append(l.rules, RuleMeta{Rule: r.Rule, Severity: r.Severity, File: r.File, Line: r.Line, Source: r.Source})
		}
	}
	return encodeCompact(l.id, name, at, rows), l.id, l.text
}

// fits reports whether rows have the rules of the last set.
func (l *lastSet) fits(rows []WriteRow) bool {
	if l.id == "" || len(rows) != len(l.rules) {
		return false
	}
	for i := range rows {
		a, b := rows[i].ResultRow, &l.rules[i]
		if a.Rule != b.Rule || a.Severity != b.Severity || a.File != b.File || a.Line != b.Line || a.Source != b.Source {
			return false
		}
	}
	return true
}

// encodeCompact is the compact form of one object's results (sorted by
// rule) over the rule set id.
func encodeCompact(id, name, at string, rows []WriteRow) string {
	b := make([]byte, 0, 2+len(id)+len(rows)*8)
	b = append(b, '@')
	b = append(b, id...)
	for i := range rows {
		r := &rows[i]
		b = append(b, '\n')
		if c, ok := statusCodes[r.Status]; ok {
			b = append(b, c)
		} else {
			b = appendField(append(b, '='), r.Status)
		}
		b = append(b, '\t')
		b = appendNullable(b, r.Expected)
		b = append(b, '\t')
		b = appendNullable(b, r.Actual)
		b = append(b, '\t')
		b = appendField(b, r.Message)
		b = append(b, '\t')
		if r.Name != name {
			b = appendField(b, r.Name)
		}
		b = appendTimes(b, r, at)
	}
	return string(b)
}

// appendTimes appends a tab and the evaluated at field, a tab and the
// since field of r (at: the object's evaluated at).
func appendTimes(b []byte, r *WriteRow, at string) []byte {
	b = append(b, '\t')
	evaluated := r.EvaluatedAt
	if evaluated == "" {
		evaluated = at
	}
	if evaluated != at {
		b = appendField(b, evaluated)
	}
	b = append(b, '\t')
	if r.Since != "" && r.Since != evaluated {
		b = appendField(b, r.Since)
	}
	return b
}

// decodeCompact takes apart the compact form (after its first line, set
// being the rule set it names).
func decodeCompact(row *StoredRow, name, at, enc string, set []RuleMeta, fn func(*StoredRow)) error {
	var fields [compactFields]string
	n := 1
	for ; enc != ""; n++ {
		var line string
		line, enc, _ = strings.Cut(enc, "\n")
		if n > len(set) {
			return fmt.Errorf("line %d: more results than the %d rules of the rule set", n+1, len(set))
		}
		if err := splitFields(line, n+1, fields[:]); err != nil {
			return err
		}
		m := &set[n-1]
		row.Rule, row.Severity, row.File, row.Line, row.Source = m.Rule, m.Severity, m.File, m.Line, m.Source
		st := fields[0]
		switch {
		case len(st) == 1 && codeStatuses[st[0]] != "":
			row.Status = codeStatuses[st[0]]
		case strings.HasPrefix(st, "="):
			s, err := unescapeField(st[1:], n+1, 1)
			if err != nil {
				return err
			}
			row.Status = s
		default:
			return fmt.Errorf("line %d field 1: bad status %q", n+1, st)
		}
		var err error
		if row.Expected, err = nullableField(fields[1], n+1, 2); err != nil {
			return err
		}
		if row.Actual, err = nullableField(fields[2], n+1, 3); err != nil {
			return err
		}
		if row.Message, err = unescapeField(fields[3], n+1, 4); err != nil {
			return err
		}
		row.Name = name
		if fields[4] != "" {
			if row.Name, err = unescapeField(fields[4], n+1, 5); err != nil {
				return err
			}
		}
		if err := decodeTimes(row, at, fields[5], fields[6], n+1, 6); err != nil {
			return err
		}
		fn(row)
	}
	if n-1 != len(set) {
		return fmt.Errorf("%d results for the %d rules of the rule set", n-1, len(set))
	}
	return nil
}

// decodeTimes sets the evaluated at and since of row from their fields
// (field: the position of the first).
func decodeTimes(row *StoredRow, at, evaluated, since string, line, field int) error {
	row.EvaluatedAt = at
	var err error
	if evaluated != "" {
		if row.EvaluatedAt, err = unescapeField(evaluated, line, field); err != nil {
			return err
		}
	}
	row.Since = row.EvaluatedAt
	if since != "" {
		if row.Since, err = unescapeField(since, line, field+1); err != nil {
			return err
		}
	}
	return nil
}

// encodeCompactEntries is the compact form of a first-results history row
// over the rule set id, or "" when a status has no one-letter code or the
// entries are not the set's rules.
func encodeCompactEntries(id string, set []RuleMeta, es []HistoryEntry) string {
	if len(es) != len(set) {
		return ""
	}
	b := make([]byte, 0, 2+len(id)+len(es))
	b = append(b, '@')
	b = append(b, id...)
	b = append(b, '\n')
	for i, e := range es {
		m := &set[i]
		c, ok := statusCodes[e.To]
		if !ok || e.Rule != m.Rule || e.Severity != m.Severity || e.Source != m.Source {
			return ""
		}
		b = append(b, c)
	}
	return string(b)
}

// setID splits the rule set ID off an encoding in the compact form; ok is
// false for the full form.
func setID(enc string) (id, rest string, ok bool) {
	first, rest, _ := strings.Cut(enc, "\n")
	// A line of the full form has tabs.
	if !strings.HasPrefix(first, "@") || strings.IndexByte(first, '\t') >= 0 {
		return "", enc, false
	}
	return first[1:], rest, true
}

// LoadRuleSets reads every stored rule set.
func (r Reader) LoadRuleSets(ctx context.Context) (RuleSets, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, rules FROM policy_rule_sets`)
	if err != nil {
		return nil, fmt.Errorf("read policy rule sets: %w", err)
	}
	defer rows.Close()
	out := RuleSets{}
	for rows.Next() {
		var id, text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, fmt.Errorf("read policy rule sets: %w", err)
		}
		set, err := DecodeRuleSet(text)
		if err != nil {
			return nil, fmt.Errorf("policy rule set %s: %w", id, err)
		}
		out[id] = set
	}
	return out, rows.Err()
}

// putRuleSets stores the rule sets not stored yet.
func (tx *Tx) putRuleSets(ctx context.Context, sets map[string]string) error {
	ids := make([]string, 0, len(sets))
	for id := range sets {
		ids = append(ids, id)
	}
	err := tx.bulkExec(ctx, len(ids), 2, `INSERT INTO policy_rule_sets (id, rules) VALUES `, ` ON CONFLICT (id) DO NOTHING`,
		func(i int, dst []any) []any { return append(dst, ids[i], sets[ids[i]]) })
	if err != nil {
		return fmt.Errorf("store policy rule sets: %w", err)
	}
	return nil
}
