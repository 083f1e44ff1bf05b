package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// listResults reads every stored result page by page (limit per page) and
// checks that the pages make the one-page list.
func listResults(t *testing.T, db *sqlstore.DB, f unet.PolicyResultFilter, limit int) []unet.PolicyResult {
	t.Helper()
	ctx := context.Background()
	all, err := db.Reader().ListPolicyResults(ctx, sqlstore.PolicyResultQuery{PolicyResultFilter: unet.PolicyResultFilter{
		Kind: f.Kind, Rule: f.Rule, Status: f.Status, Severity: f.Severity, Page: unet.Page{Limit: 1000}}})
	if err != nil {
		t.Fatal(err)
	}
	paged := []unet.PolicyResult{}
	f.Page = unet.Page{Limit: limit}
	for {
		l, err := db.Reader().ListPolicyResults(ctx, sqlstore.PolicyResultQuery{PolicyResultFilter: f})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != len(all.Items) {
			t.Fatalf("total %d, %d items", l.Total, len(all.Items))
		}
		paged = append(paged, l.Items...)
		if l.Next == "" {
			break
		}
		f.Page.Cursor = l.Next
	}
	if !reflect.DeepEqual(jsonOf(t, paged), jsonOf(t, all.Items)) {
		t.Fatalf("pages of %d:\n%s\none page:\n%s", limit, jsonOf(t, paged), jsonOf(t, all.Items))
	}
	for off := range all.Items {
		l, err := db.Reader().ListPolicyResults(ctx, sqlstore.PolicyResultQuery{PolicyResultFilter: unet.PolicyResultFilter{
			Kind: f.Kind, Rule: f.Rule, Status: f.Status, Severity: f.Severity, Page: unet.Page{Limit: 1, Offset: off}}})
		if err != nil || len(l.Items) != 1 || jsonOf(t, l.Items[0]) != jsonOf(t, all.Items[off]) {
			t.Fatalf("offset %d: %+v %v", off, l, err)
		}
	}
	return all.Items
}

// listHistory reads the whole history page by page, checks it against the
// one-page list and returns it.
func listHistory(t *testing.T, db *sqlstore.DB, f unet.ComplianceHistoryFilter, limit int) []unet.ComplianceChange {
	t.Helper()
	ctx := context.Background()
	one := f
	one.Page = unet.Page{Limit: 1000}
	all, err := db.Reader().ListComplianceHistory(ctx, sqlstore.HistoryQuery{ComplianceHistoryFilter: one})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != len(all.Items) {
		t.Fatalf("history total %d, %d items", all.Total, len(all.Items))
	}
	paged := []unet.ComplianceChange{}
	f.Page = unet.Page{Limit: limit}
	for {
		l, err := db.Reader().ListComplianceHistory(ctx, sqlstore.HistoryQuery{ComplianceHistoryFilter: f})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, l.Items...)
		if l.Next == "" {
			break
		}
		f.Page.Cursor = l.Next
	}
	if jsonOf(t, paged) != jsonOf(t, all.Items) {
		t.Fatalf("history pages of %d:\n%s\none page:\n%s", limit, jsonOf(t, paged), jsonOf(t, all.Items))
	}
	seen := map[string]bool{}
	for i, c := range all.Items {
		if seen[c.ID] || (i > 0 && c.ID >= all.Items[i-1].ID) {
			t.Fatalf("history IDs not unique and descending: %s", jsonOf(t, all.Items))
		}
		seen[c.ID] = true
	}
	return all.Items
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMigration0015: results and history stored one row per result (the
// layout before 0015) list the same after the migration; results and
// first results written in the new layout list page by page across
// objects and inside a first-results row; the down migration brings back
// one row per result and per change, which list the same once migrated up
// again.
func TestMigration0015(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			db := openBoth(t, engine)
			if v, err := revertThrough(ctx, db, 15); err != nil || v != 15 {
				t.Fatalf("down: %d %v", v, err)
			}
			t0, t1, t2 := "2026-01-02T03:04:05.000000Z", "2026-01-03T00:00:00.000000Z", "2025-12-01T00:00:00.000000Z"
			type old struct {
				kind, id, rule, name, sev, status string
				exp, act                          any
				msg                               string
				line                              int
				at, since                         string
			}
			olds := []old{
				{"node", "n1", "r1", "b.example.net", "high", "pass", nil, `"x"`, "", 1, t1, t1},
				{"node", "n1", "r2", "b.example.net", "low", "fail", `{"a":[1]}`, "2", "bad\tvalue\nnext \\ line", 2, t0, t2},
				{"node", "n1", "r%_!", "b.example.net", "low", "weird", nil, nil, "", 3, t1, t2},
				{"link", "l1", "r1", "a-b", "high", "not_applicable", nil, nil, "", 1, t0, t0},
				{"node", "n2", "r1", "a-b", "high", "error", nil, nil, "boom", 1, t0, t0},
			}
			for _, o := range olds {
				if _, err := db.SQL().ExecContext(ctx, `INSERT INTO policy_results (object_kind, object_id, rule, object_name, severity,
					status, expected_json, actual_json, message, file, line, source, evaluated_at, since)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'f.rules', $10, 'src', $11, $12)`,
					o.kind, o.id, o.rule, o.name, o.sev, o.status, o.exp, o.act, o.msg, o.line, o.at, o.since); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.SQL().ExecContext(ctx, `INSERT INTO policy_digests (object_kind, object_id, digest) VALUES ('node', 'n1', 'd1')`); err != nil {
				t.Fatal(err)
			}
			for i, rule := range []string{"r1", "r2", "r1"} {
				if _, err := db.SQL().ExecContext(ctx, `INSERT INTO compliance_history (id, time, object_kind, object_id, object_name,
					rule, severity, from_status, to_status, source) VALUES ($1, $2, 'node', 'n1', 'b.example.net', $3, 'high', '', 'pass', 'src')`,
					fmt.Sprintf("00000000-0000-7000-8000-%012d", i), t0, rule); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}

			got := listResults(t, db, unet.PolicyResultFilter{}, 2)
			var want []unet.PolicyResult
			for _, i := range []int{3, 4, 2, 0, 1} { // by name, then rule (bytes: % before 1), then kind and ID
				o := olds[i]
				at, since := parseT(t, o.at), parseT(t, o.since)
				want = append(want, unet.PolicyResult{ObjectKind: o.kind, ObjectID: o.id, ObjectName: o.name, Rule: o.rule,
					Severity: o.sev, Status: o.status, Expected: jsonValue(o.exp), Actual: jsonValue(o.act), Message: o.msg,
					File: "f.rules", Line: o.line, Source: "src", EvaluatedAt: &at, Since: &since})
			}
			if jsonOf(t, got) != jsonOf(t, want) {
				t.Fatalf("migrated results:\n%s\nwant\n%s", jsonOf(t, got), jsonOf(t, want))
			}
			for f, n := range map[unet.PolicyResultFilter]int{{Status: "fail"}: 1, {Status: "weird"}: 1, {Rule: "r1"}: 3,
				{Rule: "r%_!"}: 1, {Severity: "low"}: 2, {Kind: "link"}: 1, {Rule: "r1", Status: "error"}: 1, {Rule: "R1"}: 0} {
				if got := listResults(t, db, f, 1); len(got) != n {
					t.Errorf("filter %+v: %d results, want %d", f, len(got), n)
				}
			}
			digests := map[sqlstore.ObjectRef]string{}
			if err := db.Reader().PolicyDigests(ctx, func(o sqlstore.ObjectRef, d string) { digests[o] = d }); err != nil {
				t.Fatal(err)
			}
			if len(digests) != 3 || digests[sqlstore.ObjectRef{Kind: "node", ID: "n1"}] != "d1" || digests[sqlstore.ObjectRef{Kind: "node", ID: "n2"}] != "" {
				t.Fatalf("digests %v", digests)
			}
			hist := listHistory(t, db, unet.ComplianceHistoryFilter{}, 2)
			if len(hist) != 3 || hist[0].ID != "00000000-0000-7000-8000-000000000002" || hist[2].Rule != "r1" || hist[1].Rule != "r2" {
				t.Fatalf("migrated history %s", jsonOf(t, hist))
			}

			// Results and first results in the new layout.
			at := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
			var rows []sqlstore.ResultRow
			for i, st := range []string{"pass", "fail", "not_applicable", "error", "pass"} {
				r, err := sqlstore.EncodeResult(&unet.PolicyResult{ObjectKind: "node", ObjectID: "n3", ObjectName: "c.example.net",
					Rule: fmt.Sprintf("q%d", i), Severity: "medium", Status: st, Actual: i, File: "g.rules", Line: i, Source: "s2"})
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, r)
			}
			w := sqlstore.ObjectWrite{ObjectRef: sqlstore.ObjectRef{Kind: "node", ID: "n3"}, Name: "c.example.net", Digest: "d3"}
			h := sqlstore.HistoryRow{ComplianceChange: unet.ComplianceChange{ID: "00000000-0000-7000-9000-000000000000", Time: at,
				ObjectKind: "node", ObjectID: "n3", ObjectName: "c.example.net"}}
			for i := range rows {
				w.Rows = append(w.Rows, sqlstore.WriteRow{ResultRow: &rows[i]})
				h.Entries = append(h.Entries, sqlstore.HistoryEntry{Rule: rows[i].Rule, Severity: rows[i].Severity, To: rows[i].Status, Source: "s2"})
			}
			later := h
			later.ID, later.Entries, later.Rule, later.From, later.To = "00000000-0000-7000-9000-000000000001", nil, "q1", "fail", "pass"
			if err := db.WithTx(ctx, func(tx *sqlstore.Tx) error {
				if err := tx.PutObjectResults(ctx, []sqlstore.ObjectWrite{w}, at); err != nil {
					return err
				}
				return tx.InsertComplianceChanges(ctx, []sqlstore.HistoryRow{h, later})
			}); err != nil {
				t.Fatal(err)
			}
			var entries string
			if err := db.SQL().QueryRowContext(ctx, `SELECT entries FROM compliance_history WHERE entry_count = 5`).Scan(&entries); err != nil || entries[0] != '@' {
				t.Fatalf("first results not in the compact form: %q %v", entries, err)
			}
			results := listResults(t, db, unet.PolicyResultFilter{}, 3)
			if len(results) != 10 || results[5].ObjectID != "n3" || results[5].Rule != "q0" || results[6].Actual != float64(1) {
				t.Fatalf("results %s", jsonOf(t, results))
			}
			for _, limit := range []int{1, 2, 3, 4} {
				hist = listHistory(t, db, unet.ComplianceHistoryFilter{}, limit)
			}
			if len(hist) != 9 || hist[0].Rule != "q1" || hist[0].From != "fail" || hist[1].Rule != "q4" || hist[5].Rule != "q0" ||
				hist[5].From != "" || hist[5].To != "pass" || hist[5].Source != "s2" || hist[5].ObjectName != "c.example.net" || !hist[5].Time.Equal(at) {
				t.Fatalf("history %s", jsonOf(t, hist))
			}
			if q1 := listHistory(t, db, unet.ComplianceHistoryFilter{Rule: "q1"}, 1); len(q1) != 2 || q1[1].To != "fail" {
				t.Fatalf("history of q1 %s", jsonOf(t, q1))
			}
			if n := len(listHistory(t, db, unet.ComplianceHistoryFilter{Since: at}, 2)); n != 6 {
				t.Fatalf("history since: %d", n)
			}

			// Down and up again: the same lists.
			if v, err := revertThrough(ctx, db, 15); err != nil || v != 15 {
				t.Fatalf("down: %d %v", v, err)
			}
			var nResults, nHistory int
			if err := db.SQL().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM policy_results), (SELECT COUNT(*) FROM compliance_history)`).Scan(&nResults, &nHistory); err != nil {
				t.Fatal(err)
			}
			if nResults != 10 || nHistory != 9 {
				t.Fatalf("after down: %d results, %d history rows", nResults, nHistory)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if again := listResults(t, db, unet.PolicyResultFilter{}, 4); jsonOf(t, again) != jsonOf(t, results) {
				t.Fatalf("after down and up:\n%s\nwant\n%s", jsonOf(t, again), jsonOf(t, results))
			}
			if again := listHistory(t, db, unet.ComplianceHistoryFilter{}, 4); jsonOf(t, again) != jsonOf(t, hist) {
				t.Fatalf("history after down and up:\n%s\nwant\n%s", jsonOf(t, again), jsonOf(t, hist))
			}
		})
	}
}

func parseT(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02T15:04:05.000000Z", s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// jsonValue is what a stored JSON text reads as.
func jsonValue(v any) any {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return s
	}
	return out
}
