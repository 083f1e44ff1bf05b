package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// archiveTable is what a backup or restore needs to know of one table,
// read from the database's own catalogue (sqlite_master and its pragmas, or
// PostgreSQL's catalogues), so that a table a later migration adds is
// included without code changes.
type archiveTable struct {
	name string
	cols []string
	// text marks columns whose ordering needs a byte-wise collation.
	text map[string]bool
	pk   []string
	// refs are the tables its foreign keys point to (itself excluded).
	refs []string
	// self are its foreign keys onto itself: column → referenced column.
	self [][2]string
}

// ExcludedFromArchive reports whether a table is left out of backups, and
// so out of restores and copies:
//
//   - schema_migrations: the archive's header carries the schema version, and
//     a restore recreates the table by migrating the target to it;
//   - cluster_* (membership, leases, job runs): the coordination state of
//     the replicas running on the source database, which describes those
//     processes and not the network; restored, it would show dead members
//     as live and a lease as held;
//   - SQLite's internal tables (sqlite_*).
func ExcludedFromArchive(table string) bool {
	return table == "schema_migrations" || strings.HasPrefix(table, "cluster_") || strings.HasPrefix(table, "sqlite_")
}

// quoteIdent quotes an identifier for both engines.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// archiveTables reads the catalogue through q and returns the archived
// tables, parents before the tables whose foreign keys point to them.
func archiveTables(ctx context.Context, q queryer, engine string) ([]*archiveTable, error) {
	names, err := tableNames(ctx, q, engine)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	byName := map[string]*archiveTable{}
	for _, n := range names {
		if ExcludedFromArchive(n) {
			continue
		}
		t := &archiveTable{name: n, text: map[string]bool{}}
		if err := describeTable(ctx, q, engine, t); err != nil {
			return nil, fmt.Errorf("describe table %s: %w", n, err)
		}
		byName[n] = t
	}
	if err := foreignKeys(ctx, q, engine, byName); err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	return parentsFirst(byName), nil
}

func tableNames(ctx context.Context, q queryer, engine string) ([]string, error) {
	query := `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`
	if engine == Postgres {
		query = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	return archiveStrings(ctx, q, query)
}

func archiveStrings(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func describeTable(ctx context.Context, q queryer, engine string, t *archiveTable) error {
	if engine == SQLite {
		rows, err := q.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid`, t.name)
		if err != nil {
			return err
		}
		defer rows.Close()
		pk := map[int]string{}
		for rows.Next() {
			var name, typ string
			var pos int
			if err := rows.Scan(&name, &typ, &pos); err != nil {
				return err
			}
			t.cols = append(t.cols, name)
			t.text[name] = true // SQLite takes COLLATE BINARY on any column
			if pos > 0 {
				pk[pos] = name
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for i := 1; i <= len(pk); i++ {
			t.pk = append(t.pk, pk[i])
		}
		return nil
	}
	rows, err := q.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, t.name)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return err
		}
		t.cols = append(t.cols, name)
		switch typ {
		case "text", "character varying", "character":
			t.text[name] = true
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	t.pk, err = archiveStrings(ctx, q, `SELECT a.attname FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		WHERE i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass AND i.indisprimary
		ORDER BY array_position(i.indkey::int2[], a.attnum)`, t.name)
	return err
}

func foreignKeys(ctx context.Context, q queryer, engine string, byName map[string]*archiveTable) error {
	add := func(from, col, to, toCol string) {
		t := byName[from]
		if t == nil || byName[to] == nil {
			return
		}
		if to == from {
			t.self = append(t.self, [2]string{col, toCol})
			return
		}
		for _, r := range t.refs {
			if r == to {
				return
			}
		}
		t.refs = append(t.refs, to)
	}
	if engine == SQLite {
		for name, t := range byName {
			rows, err := q.QueryContext(ctx, `SELECT "table", "from", coalesce("to", '') FROM pragma_foreign_key_list($1)`, name)
			if err != nil {
				return err
			}
			var fks [][3]string
			for rows.Next() {
				var fk [3]string
				if err := rows.Scan(&fk[0], &fk[1], &fk[2]); err != nil {
					rows.Close()
					return err
				}
				fks = append(fks, fk)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, fk := range fks {
				to := fk[2]
				if to == "" && byName[fk[0]] != nil && len(byName[fk[0]].pk) == 1 {
					to = byName[fk[0]].pk[0]
				}
				add(t.name, fk[1], fk[0], to)
			}
		}
		return nil
	}
	rows, err := q.QueryContext(ctx, `SELECT cl.relname, a.attname, fcl.relname, fa.attname
		FROM pg_constraint c
		JOIN pg_class cl ON cl.oid = c.conrelid
		JOIN pg_class fcl ON fcl.oid = c.confrelid
		JOIN LATERAL unnest(c.conkey, c.confkey) AS k(attnum, fattnum) ON true
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
		JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fattnum
		WHERE c.contype = 'f' AND cl.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var from, col, to, toCol string
		if err := rows.Scan(&from, &col, &to, &toCol); err != nil {
			return err
		}
		add(from, col, to, toCol)
	}
	return rows.Err()
}

// parentsFirst orders tables so that every table comes after the tables its
// foreign keys point to, by name among tables free to go; tables in a
// reference cycle (none in μNet's schema) come last, by name.
func parentsFirst(byName map[string]*archiveTable) []*archiveTable {
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	placed := map[string]bool{}
	var out []*archiveTable
	for len(out) < len(names) {
		progress := false
		for _, n := range names {
			if placed[n] {
				continue
			}
			ready := true
			for _, r := range byName[n].refs {
				if !placed[r] {
					ready = false
					break
				}
			}
			if ready {
				placed[n] = true
				out = append(out, byName[n])
				progress = true
			}
		}
		if !progress {
			for _, n := range names {
				if !placed[n] {
					placed[n] = true
					out = append(out, byName[n])
				}
			}
		}
	}
	return out
}

// selectAll is the query reading a table in its archive order: by primary
// key, or by every column for a table without one, text compared byte-wise
// and NULL first on both engines.
func (t *archiveTable) selectAll(engine string, cols []string) string {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
	}
	order := t.pk
	if len(order) == 0 {
		order = cols
	}
	keys := make([]string, len(order))
	for i, c := range order {
		k := quoteIdent(c)
		if t.text[c] {
			if engine == Postgres {
				k += ` COLLATE "C"`
			} else {
				k += ` COLLATE BINARY`
			}
		}
		keys[i] = k + " NULLS FIRST"
	}
	return "SELECT " + strings.Join(quoted, ", ") + " FROM " + quoteIdent(t.name) + " ORDER BY " + strings.Join(keys, ", ")
}
