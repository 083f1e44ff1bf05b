package sqlstore_test

import (
	"database/sql"
	"reflect"
	"strings"
	"testing"

	"github.com/unet-dev/unet/sqlstore"
)

// encodingRows are results with every field the encoding must carry:
// escapes, NULL and empty values, a rule starting with @, another name and
// other times than the object's, an unknown status.
func encodingRows() []sqlstore.StoredRow {
	mk := func(rule, status string) sqlstore.StoredRow {
		return sqlstore.StoredRow{ResultRow: sqlstore.ResultRow{ResultKey: sqlstore.ResultKey{Kind: "node", ObjectID: "n1", Rule: rule},
			Name: "a.example.net", Severity: "high", Status: status, File: "a.rules", Line: 3, Source: "abc123"},
			EvaluatedAt: "2026-01-02T03:04:05.000000Z", Since: "2026-01-02T03:04:05.000000Z"}
	}
	rows := []sqlstore.StoredRow{mk("@r0", "pass"), mk("r1\tx", "fail"), mk("r2", "error"), mk("r3", "not_applicable"), mk("r4", "odd\\status")}
	rows[0].Expected = sql.NullString{String: `"x"`, Valid: true}
	rows[0].Actual = sql.NullString{String: "", Valid: true}
	rows[1].Message = "line 1\nline 2\ttab \\ back\\slash \\n"
	rows[1].Since = "2025-12-31T00:00:00.000000Z"
	rows[2].Name = "old.example.net"
	rows[2].EvaluatedAt = "2025-06-01T00:00:00.000000Z"
	rows[3].File, rows[3].Line, rows[3].Source = "", -7, ""
	rows[4].Severity = "\n"
	return rows
}

func writeRows(rows []sqlstore.StoredRow) []sqlstore.WriteRow {
	out := make([]sqlstore.WriteRow, len(rows))
	for i := range rows {
		out[i] = sqlstore.WriteRow{ResultRow: &rows[i].ResultRow, EvaluatedAt: rows[i].EvaluatedAt, Since: rows[i].Since}
	}
	return out
}

func decodeAll(t *testing.T, enc string, sets sqlstore.RuleSets) []sqlstore.StoredRow {
	t.Helper()
	var got []sqlstore.StoredRow
	if err := sqlstore.DecodeObjectResults("node", "n1", "a.example.net", "2026-01-02T03:04:05.000000Z", enc, sets,
		func(r *sqlstore.StoredRow) { got = append(got, *r) }); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestObjectResultsRoundTrip: both forms of an object's results decode to
// the rows encoded, in rule order; rows of other rules make another rule
// set.
func TestObjectResultsRoundTrip(t *testing.T) {
	const at = "2026-01-02T03:04:05.000000Z"
	want := encodingRows()
	full := sqlstore.EncodeObjectResults("a.example.net", at, writeRows(encodingRows()))
	if got := decodeAll(t, full, nil); !reflect.DeepEqual(got, want) {
		t.Fatalf("full form:\n got %+v\nwant %+v", got, want)
	}
	enc, id, text := sqlstore.EncodeCompactResults("a.example.net", at, writeRows(encodingRows()))
	set, err := sqlstore.DecodeRuleSet(text)
	if err != nil {
		t.Fatal(err)
	}
	sets := sqlstore.RuleSets{id: set}
	if got := decodeAll(t, enc, sets); !reflect.DeepEqual(got, want) {
		t.Fatalf("compact form:\n got %+v\nwant %+v", got, want)
	}
	if len(enc) >= len(full) {
		t.Errorf("compact form %d bytes, full form %d", len(enc), len(full))
	}
	if err := sqlstore.DecodeObjectResults("node", "n1", "a", at, enc, nil, func(*sqlstore.StoredRow) {}); err == nil ||
		!strings.Contains(err.Error(), "unknown rule set") {
		t.Fatalf("unknown rule set: %v", err)
	}
	other := encodingRows()
	other[0].Line = 4
	if _, id2, _ := sqlstore.EncodeCompactResults("a.example.net", at, writeRows(other)); id2 == id {
		t.Fatal("another line, same rule set")
	}
	if _, id3, _ := sqlstore.EncodeCompactResults("x", "2020-01-01T00:00:00.000000Z", writeRows(encodingRows())); id3 != id {
		t.Fatal("another name and time changed the rule set")
	}

	es := []sqlstore.HistoryEntry{{Rule: "r\t1", Severity: "high", To: "pass", Source: "s\\"}, {Rule: "r2", To: "fail"}}
	gotEs, err := sqlstore.DecodeHistoryEntries(sqlstore.EncodeHistoryEntries(es), nil)
	if err != nil || !reflect.DeepEqual(gotEs, es) {
		t.Fatalf("history entries: %+v %v", gotEs, err)
	}
}

// TestDecodeErrors: malformed encodings are positioned errors.
func TestDecodeErrors(t *testing.T) {
	for enc, want := range map[string]string{
		"r1\t\thigh":                                  "line 1: 3 fields, want 12",
		"r1\t\thigh\tpass\tx\t\t\t\t0\t\t\t":          "line 1 field 5: a value starts with =",
		"r1\t\thigh\tpass\t\t\t\\q\t\t0\t\t\t":        `line 1 field 7: unknown escape \q`,
		"r1\t\thigh\tpass\t\t\t\t\tone\t\t\t":         `line 1 field 9: bad line number "one"`,
		"r1\t\thigh\tpass\t\t\t\t\t0\t\t\t\\":         "line 1 field 12: backslash at the end",
		"r1\t\th\tp\t\t\t\t\t0\t\t\t\nr2\t\t\t\t\t\t": "line 2: 7 fields, want 12",
		"r1\t\thigh\tpass\t\t\t\t\t0\t\t\t\t":         "line 1: more than 12 fields",
	} {
		err := sqlstore.DecodeObjectResults("node", "n1", "a", "t", enc, nil, func(*sqlstore.StoredRow) {})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", enc, err, want)
		}
	}
}

// FuzzDecodeObjectResults: any text decodes or fails without panicking;
// what decodes encodes (full form) to a text that decodes to the same rows.
func FuzzDecodeObjectResults(f *testing.F) {
	const at = "2026-01-02T03:04:05.000000Z"
	f.Add(sqlstore.EncodeObjectResults("a.example.net", at, writeRows(encodingRows())), "")
	enc, _, text := sqlstore.EncodeCompactResults("a.example.net", at, writeRows(encodingRows()))
	f.Add(enc, text)
	f.Add("@x\nn\t\t\t\t\t\t", "r\t\t\t1\t")
	f.Fuzz(func(t *testing.T, enc, setText string) {
		sets := sqlstore.RuleSets{}
		if set, err := sqlstore.DecodeRuleSet(setText); err == nil {
			if id, _, ok := strings.Cut(strings.TrimPrefix(enc, "@"), "\n"); ok {
				sets[id] = set
			}
		}
		var rows []sqlstore.StoredRow
		if err := sqlstore.DecodeObjectResults("node", "n1", "a.example.net", at, enc, sets, func(r *sqlstore.StoredRow) {
			rows = append(rows, *r)
		}); err != nil {
			return
		}
		again := make([]sqlstore.StoredRow, len(rows))
		copy(again, rows)
		re := sqlstore.EncodeObjectResults("a.example.net", at, writeRows(again))
		var got []sqlstore.StoredRow
		if err := sqlstore.DecodeObjectResults("node", "n1", "a.example.net", at, re, nil, func(r *sqlstore.StoredRow) {
			got = append(got, *r)
		}); err != nil {
			t.Fatalf("re-encoded %q: %v", re, err)
		}
		sortRows(rows)
		if len(got) != len(rows) || (len(rows) > 0 && !reflect.DeepEqual(got, rows)) {
			t.Fatalf("round trip of %q:\n got %+v\nwant %+v", enc, got, rows)
		}
	})
}

func sortRows(rows []sqlstore.StoredRow) {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && rows[j].Rule < rows[j-1].Rule; j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

// FuzzDecodeHistoryEntries: any text decodes or fails without panicking;
// what decodes in the full form encodes back to the same entries.
func FuzzDecodeHistoryEntries(f *testing.F) {
	f.Add(sqlstore.EncodeHistoryEntries([]sqlstore.HistoryEntry{{Rule: "r\n", Severity: "x", To: "pass"}, {Rule: "b"}}), "")
	f.Add("@id\npfn", "a\t\t\t1\t\nb\t\t\t2\t\nc\t\t\t3\t")
	f.Fuzz(func(t *testing.T, enc, setText string) {
		sets := sqlstore.RuleSets{}
		if set, err := sqlstore.DecodeRuleSet(setText); err == nil {
			sets["id"] = set
		}
		es, err := sqlstore.DecodeHistoryEntries(enc, sets)
		if err != nil || len(es) == 0 {
			return
		}
		got, err := sqlstore.DecodeHistoryEntries(sqlstore.EncodeHistoryEntries(es), nil)
		if err != nil || !reflect.DeepEqual(got, es) {
			t.Fatalf("round trip of %q: %+v %v", enc, got, err)
		}
	})
}
