package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/unet-dev/unet"
)

// Listing stored results and the compliance history: the rows are read in
// batches in their order (objects by name, history newest first) and taken
// apart, and a page is assembled from their results, so that a page reads
// only the objects it needs. Cursors and offsets count results, as they did
// when every result was a row.

// statusColumns are the count columns of the known statuses.
var statusColumns = map[string]string{
	unet.StatusPass: "n_pass", unet.StatusFail: "n_fail", unet.StatusError: "n_error", unet.StatusNotApplicable: "n_na",
}

// pageBounds validates a page and returns its limit and, with a cursor,
// the cursor's key and ID.
func pageBounds(p unet.Page) (limit int, key, id string, err error) {
	limit = p.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	if p.Offset < 0 {
		return 0, "", "", unet.Errorf(unet.EINVALID, "offset must not be negative")
	}
	if p.Cursor != "" {
		if p.Offset != 0 {
			return 0, "", "", unet.Errorf(unet.EINVALID, "use either cursor or offset, not both")
		}
		if key, id, err = decodeCursor(p.Cursor); err != nil {
			return 0, "", "", err
		}
	}
	return limit, key, id, nil
}

// likeLine is a LIKE pattern (escape character !) matching an encoding
// with a line whose first field is s (or more: SQLite's LIKE ignores the
// case of ASCII letters, and every line is decoded and checked again).
func likeLine(s string) (first, later string) {
	e := string(appendField(nil, s))
	e = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(e)
	return e + "\t%", "%\n" + e + "\t%"
}

// ruleFilter adds to w the condition that col (an encoding) may hold a
// result of rule: in the full form a line for it, in the compact form one
// of the rule sets that have it. or is a condition on the row's own
// columns, with one placeholder for the rule, that also passes.
func ruleFilter(w *where, col, or, rule string, sets RuleSets) {
	first, later := likeLine(rule)
	cond := "(" + or + col + " LIKE ? ESCAPE '!' OR " + col + " LIKE ? ESCAPE '!'"
	args := []any{first, later}
	if or != "" {
		args = append([]any{rule}, args...)
	}
	var ids []any
	for id, set := range sets {
		for i := range set {
			if set[i].Rule == rule {
				ids = append(ids, "@"+id)
				break
			}
		}
	}
	if len(ids) > 0 {
		cond += " OR substr(" + col + ", 1, " + fmt.Sprint(len(ids[0].(string))) + ") IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
		args = append(args, ids...)
	}
	w.add(cond+")", args...)
}

// ListPolicyResults returns stored results ordered by object name and rule.
func (r Reader) ListPolicyResults(ctx context.Context, f PolicyResultQuery) (*unet.List[unet.PolicyResult], error) {
	limit, ckey, cid, err := pageBounds(f.Page)
	if err != nil {
		return nil, err
	}
	sets, err := r.LoadRuleSets(ctx)
	if err != nil {
		return nil, err
	}
	var w where
	if f.ObjectID != "" {
		w.add("object_id = ?", f.ObjectID)
	}
	if f.Kind != "" {
		w.add("object_kind = ?", f.Kind)
	}
	countCol := "n_results"
	decodeAll := f.Rule != "" || f.Severity != ""
	if f.Status != "" {
		if col, ok := statusColumns[f.Status]; ok {
			w.add(col + " > 0")
			countCol = col
		} else {
			decodeAll = true
		}
	}
	if f.Rule != "" {
		ruleFilter(&w, "results", "", f.Rule, sets)
	}
	match := func(row *StoredRow) bool {
		return (f.Rule == "" || row.Rule == f.Rule) && (f.Status == "" || row.Status == f.Status) &&
			(f.Severity == "" || row.Severity == f.Severity)
	}
	var total int
	if decodeAll {
		err = r.eachObjectWhere(ctx, w, sets, func(o *StoredObject) error {
			return o.Each(func(row *StoredRow) {
				if match(row) {
					total++
				}
			})
		})
	} else {
		err = r.q.QueryRowContext(ctx, "SELECT COALESCE(SUM("+countCol+"), 0) FROM policy_object_results"+w.String(), w.args...).Scan(&total)
	}
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	if f.Page.Cursor != "" {
		// The cursor's name is its key up to the first \x01 (a name that
		// holds one sorts after it).
		name, _, _ := strings.Cut(ckey, "\x01")
		w.add("object_name >= ?", name)
	}
	need := f.Page.Offset + limit + 1
	out := []unet.PolicyResult{}
	skip := f.Page.Offset
	// group holds the read objects of one name: their results interleave
	// by rule.
	var group []unet.PolicyResult
	groupName, inGroup := "", false
	flush := func() {
		sort.Slice(group, func(i, j int) bool {
			a, b := &group[i], &group[j]
			if a.Rule != b.Rule {
				return a.Rule < b.Rule
			}
			return a.ObjectKind+a.ObjectID < b.ObjectKind+b.ObjectID
		})
		for _, res := range group {
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, res)
		}
		group, inGroup = group[:0], false
	}
	// after reports whether a result of an object named name comes after
	// the cursor. Objects of another name than the cursor's are after it
	// (the query starts at its name, in the database's order of names);
	// results of that name are compared by rule, then kind and ID.
	after := func(name string, res *unet.PolicyResult) bool {
		if f.Page.Cursor == "" {
			return true
		}
		rule, ok := strings.CutPrefix(ckey, name+"\x01")
		if !ok {
			return true
		}
		return res.Rule > rule || (res.Rule == rule && res.ObjectKind+res.ObjectID > cid)
	}
	var last *StoredObject
	for batch := 8; ; batch = min(2*batch, 512) {
		bw := w
		bw.conds, bw.args = append([]string(nil), w.conds...), append([]any(nil), w.args...)
		if last != nil {
			bw.add("(object_name > ? OR (object_name = ? AND (object_kind > ? OR (object_kind = ? AND object_id > ?))))",
				last.Name, last.Name, last.Kind, last.Kind, last.ID)
		}
		objs, err := r.storedObjects(ctx, bw, sets, fmt.Sprintf(" ORDER BY object_name, object_kind, object_id LIMIT %d", batch))
		if err != nil {
			return nil, err
		}
		for i := range objs {
			o := &objs[i]
			if inGroup && o.Name != groupName {
				flush()
				if len(out) >= need {
					break
				}
			}
			groupName, inGroup = o.Name, true
			err := o.Each(func(row *StoredRow) {
				if match(row) {
					res := resultOf(row)
					// Listed under the object's name (a result kept from
					// before a rename by a partial store may hold the old
					// one), which orders the list and makes its cursors.
					res.ObjectName = o.Name
					if after(o.Name, &res) {
						group = append(group, res)
					}
				}
			})
			if err != nil {
				return nil, err
			}
		}
		if len(out) >= need {
			break
		}
		if len(objs) < batch {
			flush()
			break
		}
		last = &objs[len(objs)-1]
	}
	l := &unet.List[unet.PolicyResult]{Items: out, Total: total}
	if len(out) > limit {
		l.Items = out[:limit]
		it := &l.Items[limit-1]
		l.Next = encodeCursor(it.ObjectName+"\x01"+it.Rule, it.ObjectKind+it.ObjectID)
	}
	return l, nil
}

// storedObjects reads the objects matching w, with tail (order and limit).
func (r Reader) storedObjects(ctx context.Context, w where, sets RuleSets, tail string) ([]StoredObject, error) {
	return queryItems(ctx, r, "SELECT "+storedObjectCols+" FROM policy_object_results"+w.String()+tail, w.args,
		func(s rowScanner) (*StoredObject, error) {
			o := StoredObject{Sets: sets}
			return &o, scanStoredObject(s, &o)
		})
}

// eachObjectWhere calls fn with every object matching w.
func (r Reader) eachObjectWhere(ctx context.Context, w where, sets RuleSets, fn func(*StoredObject) error) error {
	rows, err := r.q.QueryContext(ctx, "SELECT "+storedObjectCols+" FROM policy_object_results"+w.String(), w.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	o := StoredObject{Sets: sets}
	for rows.Next() {
		if err := scanStoredObject(rows, &o); err != nil {
			return err
		}
		if err := fn(&o); err != nil {
			return err
		}
	}
	return rows.Err()
}

// HistoryEntryID is the ID of entry i of the first-results history row id:
// after id and before any later ID, so that entries sort among rows.
func HistoryEntryID(id string, i int) string { return fmt.Sprintf("%s.%06d", id, i) }

const historyCols = `id, time, object_kind, object_id, object_name, rule, severity, from_status, to_status, source, entries`

// scanHistory returns a scanner of history rows whose first results
// decode over sets.
func scanHistory(sets RuleSets) func(rowScanner) (*HistoryRow, error) {
	return func(s rowScanner) (*HistoryRow, error) { return scanHistoryRow(s, sets) }
}

func scanHistoryRow(s rowScanner, sets RuleSets) (*HistoryRow, error) {
	var h HistoryRow
	c := &h.ComplianceChange
	var at string
	var entries sql.NullString
	if err := s.Scan(&c.ID, &at, &c.ObjectKind, &c.ObjectID, &c.ObjectName, &c.Rule, &c.Severity, &c.From, &c.To,
		&c.Source, &entries); err != nil {
		return nil, err
	}
	c.Time = parseTime(at)
	if entries.Valid {
		es, err := DecodeHistoryEntries(entries.String, sets)
		if err != nil {
			return nil, fmt.Errorf("compliance history %s: %w", c.ID, err)
		}
		h.Entries = es
		if h.Entries == nil {
			h.Entries = []HistoryEntry{}
		}
	}
	return &h, nil
}

// changes are the history items of a row, newest (highest ID) first.
func (h *HistoryRow) changes() []unet.ComplianceChange {
	if h.Entries == nil {
		return []unet.ComplianceChange{h.ComplianceChange}
	}
	out := make([]unet.ComplianceChange, 0, len(h.Entries))
	for i := len(h.Entries) - 1; i >= 0; i-- {
		e := &h.Entries[i]
		c := h.ComplianceChange
		c.ID, c.Rule, c.Severity, c.From, c.To, c.Source = HistoryEntryID(h.ID, i), e.Rule, e.Severity, "", e.To, e.Source
		out = append(out, c)
	}
	return out
}

// ListComplianceHistory returns history rows, newest first; a
// first-results row lists as one change per entry.
func (r Reader) ListComplianceHistory(ctx context.Context, f HistoryQuery) (*unet.List[unet.ComplianceChange], error) {
	limit, _, lastID, err := pageBounds(f.Page)
	if err != nil {
		return nil, err
	}
	sets, err := r.LoadRuleSets(ctx)
	if err != nil {
		return nil, err
	}
	var w where
	if f.ObjectID != "" {
		w.add("object_id = ?", f.ObjectID)
	}
	if !f.Since.IsZero() {
		w.add("time >= ?", fmtTime(f.Since))
	}
	var total int
	if f.Rule != "" {
		ruleFilter(&w, "entries", "rule = ? OR ", f.Rule, sets)
		err = r.eachHistoryWhere(ctx, w, sets, func(h *HistoryRow) {
			for _, c := range h.changes() {
				if c.Rule == f.Rule {
					total++
				}
			}
		})
	} else {
		err = r.q.QueryRowContext(ctx, "SELECT COALESCE(SUM(entry_count), 0) FROM compliance_history"+w.String(), w.args...).Scan(&total)
	}
	if err != nil {
		return nil, fmt.Errorf("count compliance_history: %w", err)
	}
	if lastID != "" {
		// A cursor inside a first-results row (its ID and a suffix) lists
		// that row again, from the entry after it.
		w.add("id < ?", lastID)
	}
	need := f.Page.Offset + limit + 1
	skip := f.Page.Offset
	out := []unet.ComplianceChange{}
	below := ""
	for batch := 8; len(out) < need; batch = min(2*batch, 512) {
		bw := w
		bw.conds, bw.args = append([]string(nil), w.conds...), append([]any(nil), w.args...)
		if below != "" {
			bw.add("id < ?", below)
		}
		hs, err := queryItems(ctx, r, "SELECT "+historyCols+" FROM compliance_history"+bw.String()+
			fmt.Sprintf(" ORDER BY id DESC LIMIT %d", batch), bw.args, scanHistory(sets))
		if err != nil {
			return nil, err
		}
		for i := range hs {
			for _, c := range hs[i].changes() {
				if (f.Rule != "" && c.Rule != f.Rule) || (lastID != "" && c.ID >= lastID) {
					continue
				}
				if skip > 0 {
					skip--
					continue
				}
				out = append(out, c)
			}
		}
		if len(hs) < batch {
			break
		}
		below = hs[len(hs)-1].ID
	}
	l := &unet.List[unet.ComplianceChange]{Items: out, Total: total}
	if len(out) > limit {
		l.Items = out[:limit]
		l.Next = encodeCursor("", l.Items[limit-1].ID)
	}
	return l, nil
}

// eachHistoryWhere calls fn with every history row matching w.
func (r Reader) eachHistoryWhere(ctx context.Context, w where, sets RuleSets, fn func(*HistoryRow)) error {
	rows, err := r.q.QueryContext(ctx, "SELECT "+historyCols+" FROM compliance_history"+w.String(), w.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		h, err := scanHistoryRow(rows, sets)
		if err != nil {
			return err
		}
		fn(h)
	}
	return rows.Err()
}
