package sqlstore

import (
	"strings"
	"testing"
)

// FuzzParseInsert: any text parses without panicking; what is recognised as
// a single-row INSERT yields multi-row statements that name the same table
// and columns, with one placeholder per value.
func FuzzParseInsert(f *testing.F) {
	for _, seed := range []string{
		`INSERT INTO changes (` + changeCols + `) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		`INSERT INTO link_endpoints (node_id, iface_key, link_id) VALUES ($1, $2, $3)`,
		"INSERT INTO nodes (id,\n\t\tname) VALUES ($1,$2)",
		`INSERT INTO nodes (id, name) VALUES ($2, $1)`,
		`INSERT INTO nodes (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		`INSERT INTO nodes (id) SELECT $1`,
		`UPDATE nodes SET name=$2 WHERE id=$1`,
		`INSERT INTO "Nodes" (id) VALUES ($1)`,
		`INSERT INTO nodes () VALUES ()`,
		``,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		p, ok := parseInsert(query)
		if !ok {
			return
		}
		if p.ncols < 1 || len(strings.Split(p.cols, ", ")) != p.ncols || !isIdent(p.table) {
			t.Fatalf("parsed %q as %+v", query, p)
		}
		for _, engine := range []string{SQLite, Postgres} {
			one := p.statement(1, engine)
			if engine == Postgres {
				again, ok := parseInsert(one)
				if !ok || again != p {
					t.Fatalf("statement %q of %q parses as %+v %v", one, query, again, ok)
				}
			}
			three := p.statement(3, engine)
			marks := strings.Count(three, "?")
			if engine == Postgres {
				marks = strings.Count(three, "$")
			}
			if marks != 3*p.ncols {
				t.Fatalf("%s: %d placeholders in %q, want %d", engine, marks, three, 3*p.ncols)
			}
		}
	})
}

func TestParseInsertRecognisesTheStoreInserts(t *testing.T) {
	for _, q := range []string{
		`INSERT INTO changes (` + changeCols + `) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		`INSERT INTO link_endpoints (node_id, iface_key, link_id) VALUES ($1, $2, $3)`,
		`INSERT INTO nodes (id, custom_data, tags, version, created_at, updated_at,
		name, domain, fqdn, vendor, model, role, device_type, platform, mgmt_ip, software_version, serial_number,
		asset_tag, location_id, lifecycle, environment, snmp_profile)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)`,
	} {
		if _, ok := parseInsert(q); !ok {
			t.Errorf("not recognised: %s", q)
		}
	}
	for _, q := range []string{
		`INSERT INTO nodes (id, name) VALUES ($2, $1)`,
		`INSERT INTO nodes (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		`INSERT INTO nodes (id, name) VALUES ($1, 'x')`,
	} {
		if p, ok := parseInsert(q); ok {
			t.Errorf("%s recognised as %+v", q, p)
		}
	}
}

// TestUnnestEnd: an unnest statement takes rows until their text reaches
// unnestBytes (at least one row, however large), and never more than
// bulkArrayRows; NULLs and numbers count nothing.
func TestUnnestEnd(t *testing.T) {
	types := []string{"text", "int8", "text"}
	big := strings.Repeat("x", unnestBytes/4)
	value := func(i, c int) any {
		switch c {
		case 0:
			return big
		case 1:
			return i
		}
		return (*string)(nil)
	}
	if end := unnestEnd(10, 0, types, value); end != 4 {
		t.Errorf("rows of a quarter of the budget: a statement of %d rows, want 4", end)
	}
	if end := unnestEnd(10, 8, types, value); end != 10 {
		t.Errorf("the last rows: end %d, want 10", end)
	}
	huge := strings.Repeat("x", 2*unnestBytes)
	if end := unnestEnd(3, 1, types, func(i, c int) any { return huge }); end != 2 {
		t.Errorf("a row larger than the budget: end %d, want one row", end)
	}
	small := func(i, c int) any { return "s" }
	if end := unnestEnd(3*bulkArrayRows, 0, types, small); end != bulkArrayRows {
		t.Errorf("small rows: a statement of %d rows, want %d", end, bulkArrayRows)
	}
}
