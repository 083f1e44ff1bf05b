package sqlstore_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// revertThrough reverts migrations down to and including version, and
// returns the last version reverted.
func revertThrough(ctx context.Context, db *sqlstore.DB, version int) (int, error) {
	for {
		v, err := db.MigrateDown(ctx)
		if err != nil || v <= version {
			return v, err
		}
	}
}

// decodedCounts counts every stored result by rule, severity and status,
// and each node's failing critical and high results, from the decoded
// results.
func decodedCounts(t *testing.T, db *sqlstore.DB) ([]sqlstore.ResultCount, map[string][2]int) {
	t.Helper()
	counts := map[sqlstore.ResultCount]int{}
	failing := map[string][2]int{}
	err := db.Reader().AllStoredRows(context.Background(), func(r *sqlstore.StoredRow) {
		counts[sqlstore.ResultCount{Rule: r.Rule, Severity: r.Severity, Status: r.Status}]++
		if r.Kind == unet.KindNode && r.Status == unet.StatusFail {
			f := failing[r.ObjectID]
			switch r.Severity {
			case "critical":
				f[0]++
			case "high":
				f[1]++
			default:
				return
			}
			failing[r.ObjectID] = f
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	out := []sqlstore.ResultCount{}
	for c, n := range counts {
		c.N = n
		out = append(out, c)
	}
	sqlstore.SortResultCounts(out)
	return out, failing
}

// TestMigration0017: results stored before migration 0017 (in the compact
// encoding with rule sets, and an object in the full encoding 0015 wrote)
// are counted by the migration: the counts by rule, severity and status,
// and each object's failing critical and high results, equal what
// decoding every result gives; the down migration drops them.
func TestMigration0017(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			db := openBoth(t, engine)
			if v, err := revertThrough(ctx, db, 17); err != nil || v != 17 {
				t.Fatalf("down: %d %v", v, err)
			}
			// Objects written as 0015 left them (without the new columns).
			sevs := []string{"critical", "high", "medium", "critical", "low"}
			sts := []string{"fail", "fail", "fail", "pass", "error"}
			var rows []sqlstore.ResultRow
			for n := range 6 {
				kind, id := unet.KindNode, fmt.Sprintf("n%d", n)
				if n == 5 {
					kind, id = unet.KindLink, "l1"
				}
				for r := range 5 {
					st := sts[(r+n)%len(sts)]
					row, err := sqlstore.EncodeResult(&unet.PolicyResult{ObjectKind: kind, ObjectID: id, ObjectName: "obj-" + id,
						Rule: fmt.Sprintf("r%d", r), Severity: sevs[r], Status: st, Actual: n, File: "f.rules", Line: r + 1, Source: "src"})
					if err != nil {
						t.Fatal(err)
					}
					rows = append(rows, row)
				}
			}
			for i := 0; i < len(rows); i += 5 {
				var w []sqlstore.WriteRow
				for j := i; j < i+5; j++ {
					w = append(w, sqlstore.WriteRow{ResultRow: &rows[j]})
				}
				if err := putOldObject(ctx, db, rows[i].Kind, rows[i].ObjectID, rows[i].Name, w); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			want, wantFailing := decodedCounts(t, db)
			if len(want) != 15 {
				t.Fatalf("decoded counts %+v", want)
			}
			got, err := db.Reader().CountPolicyResults(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("migrated counts\n%+v\nwant\n%+v", got, want)
			}
			objs, total, err := db.Reader().FailingObjects(ctx, unet.KindNode, 100)
			if err != nil {
				t.Fatal(err)
			}
			gotFailing := map[string][2]int{}
			for i, o := range objs {
				gotFailing[o.ID] = [2]int{o.Critical, o.High}
				if i > 0 && (o.Critical > objs[i-1].Critical || (o.Critical == objs[i-1].Critical && o.High > objs[i-1].High)) {
					t.Fatalf("failing objects out of order: %+v", objs)
				}
			}
			if total != len(wantFailing) || !reflect.DeepEqual(gotFailing, wantFailing) {
				t.Fatalf("failing nodes %d %v, want %v", total, gotFailing, wantFailing)
			}
			if top, total2, err := db.Reader().FailingObjects(ctx, unet.KindNode, 2); err != nil || len(top) != 2 || total2 != total ||
				!reflect.DeepEqual(top, objs[:2]) {
				t.Fatalf("top 2: %+v %d %v", top, total2, err)
			}

			if v, err := db.MigrateDown(ctx); err != nil || v != 17 {
				t.Fatalf("down: %d %v", v, err)
			}
			if _, err := db.SQL().ExecContext(ctx, `SELECT n FROM policy_result_counts`); err == nil {
				t.Fatal("policy_result_counts kept after the down migration")
			}
			if _, err := db.SQL().ExecContext(ctx, `SELECT n_critical_fail FROM policy_object_results`); err == nil {
				t.Fatal("n_critical_fail kept after the down migration")
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if again, err := db.Reader().CountPolicyResults(ctx); err != nil || !reflect.DeepEqual(again, want) {
				t.Fatalf("after down and up: %+v %v", again, err)
			}
		})
	}
}

// putOldObject writes an object's row as migration 0015 left the table
// (no failure counts), its results in the full encoding.
func putOldObject(ctx context.Context, db *sqlstore.DB, kind, id, name string, rows []sqlstore.WriteRow) error {
	ptrs := make([]*sqlstore.ResultRow, len(rows))
	for i := range rows {
		ptrs[i] = rows[i].ResultRow
	}
	const at = "2026-01-02T00:00:00.000000Z"
	_, err := db.SQL().ExecContext(ctx, `INSERT INTO policy_object_results (object_kind, object_id, object_name, evaluated_at, digest, results,
		n_results, n_pass, n_fail, n_error, n_na) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, 0)`,
		kind, id, name, at, sqlstore.DigestRows(ptrs), sqlstore.EncodeObjectResults(name, at, rows), len(rows))
	return err
}
