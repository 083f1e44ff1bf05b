package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// perObject is the number of rules of largeResults.
const perObject = 20

// largeResults are n results of n/perObject objects (more than one
// multi-row statement's worth) × perObject rules, past the size at which a
// store prepares for a large write; every third has no expected value
// (NULL).
func largeResults(t *testing.T, n int, status string) []sqlstore.ObjectWrite {
	t.Helper()
	var out []sqlstore.ObjectWrite
	for i := range n {
		res := unet.PolicyResult{ObjectKind: unet.KindNode, ObjectID: fmt.Sprintf("n%05d", i/perObject), ObjectName: fmt.Sprintf("n%05d.example.net", i/perObject),
			Rule: fmt.Sprintf("r%03d", i%perObject), Severity: "high", Status: status, Actual: i, Message: "m", File: "a.rules", Line: i % perObject, Source: "test"}
		if i%3 != 0 {
			res.Expected = "x"
		}
		row, err := sqlstore.EncodeResult(&res)
		if err != nil {
			t.Fatal(err)
		}
		if i%perObject == 0 {
			out = append(out, sqlstore.ObjectWrite{ObjectRef: sqlstore.ObjectRef{Kind: res.ObjectKind, ID: res.ObjectID}, Name: res.ObjectName})
		}
		o := &out[len(out)-1]
		o.Rows = append(o.Rows, sqlstore.WriteRow{ResultRow: &row})
	}
	return out
}

// TestLargePolicyWrites: a large write of object results into an empty
// table (on SQLite, INSERT OR FAIL statements) and over stored results
// (upserts), and a large history append, store every result as given on
// both engines; a history append that fails part-way leaves nothing
// behind.
func TestLargePolicyWrites(t *testing.T) {
	ctx := context.Background()
	const n = 1500 * perObject
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			db := openBoth(t, engine)
			at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			write := func(objs []sqlstore.ObjectWrite, at time.Time) {
				t.Helper()
				err := db.WithTx(ctx, func(tx *sqlstore.Tx) error {
					done, err := tx.LargeWrite(ctx, n)
					if err != nil {
						return err
					}
					defer done()
					return tx.PutObjectResults(ctx, objs, at)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			list := func(f unet.PolicyResultFilter) *unet.List[unet.PolicyResult] {
				t.Helper()
				l, err := db.Reader().ListPolicyResults(ctx, sqlstore.PolicyResultQuery{PolicyResultFilter: f})
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			write(largeResults(t, n, unet.StatusFail), at)
			if l := list(unet.PolicyResultFilter{Status: unet.StatusFail}); l.Total != n {
				t.Fatalf("%d failures stored, want %d", l.Total, n)
			}
			l := list(unet.PolicyResultFilter{Rule: "r003", Page: unet.Page{Limit: 2}})
			if l.Total != n/perObject || len(l.Items) != 2 {
				t.Fatalf("rule r003: %d results", l.Total)
			}
			first := l.Items[0]
			if first.ObjectID != "n00000" || first.Expected != nil || first.Actual != float64(3) || first.Line != 3 ||
				first.Source != "test" || !first.Since.Equal(at) || !first.EvaluatedAt.Equal(at) {
				t.Fatalf("stored result: %+v", first)
			}
			if second := l.Items[1]; second.Expected != "x" {
				t.Fatalf("stored expected value: %+v", second)
			}
			// Over the stored results: every row is updated in place; a
			// given since is kept.
			later := at.Add(time.Hour)
			again := largeResults(t, n, unet.StatusPass)
			for i := range again {
				if i%2 == 0 {
					for j := range again[i].Rows {
						again[i].Rows[j].Since = at.Format("2006-01-02T15:04:05.000000Z") // as results are stored
					}
				}
			}
			write(again, later)
			if l := list(unet.PolicyResultFilter{}); l.Total != n {
				t.Fatalf("%d results after the second write, want %d", l.Total, n)
			}
			if l := list(unet.PolicyResultFilter{Status: unet.StatusPass}); l.Total != n {
				t.Fatalf("%d passes after the second write, want %d", l.Total, n)
			}
			l = list(unet.PolicyResultFilter{Rule: "r000", Page: unet.Page{Limit: 2}})
			if a, b := l.Items[0], l.Items[1]; !a.Since.Equal(at) || !b.Since.Equal(later) || !a.EvaluatedAt.Equal(later) {
				t.Fatalf("since kept and moved: %v %v, evaluated %v", a.Since, b.Since, a.EvaluatedAt)
			}

			// One row a change, and one first-results row of two entries.
			history := make([]sqlstore.HistoryRow, n)
			for i := range history {
				history[i].ComplianceChange = unet.ComplianceChange{ID: fmt.Sprintf("00000000-0000-7000-8000-%012d", i), Time: at, ObjectKind: unet.KindNode,
					ObjectID: fmt.Sprintf("n%05d", i/perObject), ObjectName: "x", Rule: fmt.Sprintf("r%03d", i%perObject), Severity: "high", To: unet.StatusFail}
			}
			history[n-1].Rule = ""
			history[n-1].Entries = []sqlstore.HistoryEntry{{Rule: "a", Severity: "low", To: unet.StatusPass}, {Rule: "b", To: unet.StatusFail}}
			appendHistory := func(cs []sqlstore.HistoryRow) error {
				return db.WithTx(ctx, func(tx *sqlstore.Tx) error {
					done, err := tx.LargeWrite(ctx, len(cs))
					if err != nil {
						return err
					}
					defer done()
					return tx.InsertComplianceChanges(ctx, cs)
				})
			}
			if err := appendHistory(history); err != nil {
				t.Fatal(err)
			}
			total := func() int {
				h, err := db.Reader().ListComplianceHistory(ctx, sqlstore.HistoryQuery{})
				if err != nil {
					t.Fatal(err)
				}
				return h.Total
			}
			if got := total(); got != n+1 {
				t.Fatalf("%d history changes, want %d", got, n+1)
			}
			// New rows, then one that repeats an ID: the append fails and
			// none of its rows stay.
			more := make([]sqlstore.HistoryRow, n)
			for i := range more {
				more[i] = history[i]
				more[i].ID = fmt.Sprintf("00000000-0000-7000-9000-%012d", i)
			}
			more[n-1].ID = history[0].ID
			if err := appendHistory(more); err == nil {
				t.Fatal("a repeated history ID was stored")
			}
			if got := total(); got != n+1 {
				t.Fatalf("%d history changes after a failed append, want %d", got, n+1)
			}
		})
	}
}

// TestPutEncodedResultsOneTime: objects encoded at different times cannot
// be written together (their rows would not agree with evaluated_at), and
// nothing is written; objects encoded apart at one time are.
func TestPutEncodedResultsOneTime(t *testing.T) {
	ctx := context.Background()
	db := openBoth(t, sqlstore.SQLite)
	objs := largeResults(t, 2*perObject, unet.StatusPass)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	put := func(times ...time.Time) error {
		enc := make([]sqlstore.EncodedObject, len(objs))
		for i := range objs {
			enc[i] = sqlstore.NewObjectEncoder(times[i]).Encode(&objs[i])
		}
		return db.WithTx(ctx, func(tx *sqlstore.Tx) error { return tx.PutEncodedResults(ctx, enc) })
	}
	if err := put(at, at.Add(time.Second)); err == nil {
		t.Fatal("objects encoded at two times were written together")
	}
	stored := func() int {
		l, err := db.Reader().ListPolicyResults(ctx, sqlstore.PolicyResultQuery{PolicyResultFilter: unet.PolicyResultFilter{Page: unet.Page{Limit: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		return l.Total
	}
	if n := stored(); n != 0 {
		t.Fatalf("%d results stored by the refused write", n)
	}
	if err := put(at, at); err != nil {
		t.Fatal(err)
	}
	if n := stored(); n != 2*perObject {
		t.Fatalf("%d results stored, want %d", n, 2*perObject)
	}
}

// TestFirstResultsEntries: the entries of an object's first results take
// the compact form over the rule set of the object just encoded, and the
// full form when they are not that set's rules.
func TestFirstResultsEntries(t *testing.T) {
	objs := largeResults(t, 2*perObject, unet.StatusPass)
	enc := sqlstore.NewObjectEncoder(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	enc.Encode(&objs[0])
	var es []sqlstore.HistoryEntry
	for _, r := range objs[0].Rows {
		es = append(es, sqlstore.HistoryEntry{Rule: r.Rule, Severity: r.Severity, To: r.Status, Source: r.Source})
	}
	compact := enc.FirstResultsEntries(es)
	if !strings.HasPrefix(compact, "@") || len(compact) > 60 {
		t.Fatalf("first results of the set's rules: %q, want the compact form", compact)
	}
	es[3].Severity = "low"
	if full := enc.FirstResultsEntries(es); full != sqlstore.EncodeHistoryEntries(es) {
		t.Fatalf("entries that are not the set's rules: %q, want the full form", full)
	}
	if full := enc.FirstResultsEntries(es[1:]); full != sqlstore.EncodeHistoryEntries(es[1:]) {
		t.Fatalf("fewer entries than the set's rules: %q, want the full form", full)
	}
}

// TestLargeObjectRowsInSeveralStatements: object rows whose text exceeds
// what one unnest statement sends (about 1 MiB) are written in several,
// every row whole, on both engines.
func TestLargeObjectRowsInSeveralStatements(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			db := openBoth(t, engine)
			const n = 1200 * perObject // more objects than bulkRows: unnest arrays on PostgreSQL
			objs := largeResults(t, n, unet.StatusFail)
			msg := strings.Repeat("m", 100) // about 2.5 MiB in all
			for i := range objs {
				for j := range objs[i].Rows {
					r := *objs[i].Rows[j].ResultRow
					r.Message = msg + r.Rule
					objs[i].Rows[j].ResultRow = &r
				}
			}
			at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			if err := db.WithTx(ctx, func(tx *sqlstore.Tx) error { return tx.PutObjectResults(ctx, objs, at) }); err != nil {
				t.Fatal(err)
			}
			l, err := db.Reader().ListPolicyResults(ctx, sqlstore.PolicyResultQuery{PolicyResultFilter: unet.PolicyResultFilter{Rule: "r007", Page: unet.Page{Limit: 2000}}})
			if err != nil {
				t.Fatal(err)
			}
			if l.Total != n/perObject || len(l.Items) != n/perObject {
				t.Fatalf("%d results of r007 stored, want %d", l.Total, n/perObject)
			}
			for _, r := range l.Items {
				if r.Message != msg+"r007" {
					t.Fatalf("%s: message of %d bytes, want %d", r.ObjectID, len(r.Message), len(msg)+4)
				}
			}
		})
	}
}
