package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/dbarchive"
)

// RestoreReport says what Restore did.
type RestoreReport struct {
	// Tables and Rows count what was restored.
	Tables int   `json:"tables"`
	Rows   int64 `json:"rows"`
	// SchemaVersion is the archive's, which the database now has.
	SchemaVersion int `json:"schema_version"`
	// SourceEngine is the engine the archive was taken from.
	SourceEngine string `json:"source_engine"`
	// Verified is true once every table, read back from the database,
	// matched the archive's row count and checksum.
	Verified bool `json:"checksums_verified"`
}

// Restore loads an archive into this database, which must be new: without a
// schema, or at the archive's schema version and holding nothing but what
// the migrations seed. It migrates the database to the archive's schema
// version, then in one transaction replaces the seeded rows, inserts every
// table (checking each table's count and checksum as the archive is read),
// resets PostgreSQL's sequences, and reads every table back to check its
// count and checksum against the archive before committing. Any failure
// leaves the database as it was after the migration.
func (db *DB) Restore(ctx context.Context, r *dbarchive.Reader) (RestoreReport, error) {
	h := r.Header()
	rep := RestoreReport{SchemaVersion: h.SchemaVersion, SourceEngine: h.Engine}
	if err := CheckArchiveVersion(h); err != nil {
		return rep, err
	}
	has, err := db.HasSchema(ctx)
	if err != nil {
		return rep, err
	}
	if has {
		cur, err := db.SchemaVersion(ctx)
		if err != nil {
			return rep, err
		}
		if cur != h.SchemaVersion {
			return rep, unet.Errorf(unet.ECONFLICT, "the database is at schema version %d, the archive at %d: restore into a new database (one without a schema)", cur, h.SchemaVersion)
		}
	}
	fresh, err := newDatabaseSums(ctx, h.SchemaVersion)
	if err != nil {
		return rep, err
	}
	if err := db.migrateTo(ctx, h.SchemaVersion); err != nil {
		return rep, err
	}
	if db.engine == Postgres {
		err = db.restorePostgres(ctx, r, fresh, &rep)
	} else {
		err = db.restoreSQLite(ctx, r, fresh, &rep)
	}
	if err != nil {
		return rep, err
	}
	rep.Verified = true
	return rep, nil
}

// restoreSQLite restores in one immediate (writing) transaction.
func (db *DB) restoreSQLite(ctx context.Context, r *dbarchive.Reader, fresh map[string]dbarchive.TableSum, rep *RestoreReport) error {
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin the restore: %w", err)
	}
	if _, err := stx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return rollback(stx, err)
	}
	sink := func(t *archiveTable, cols []string) rowSink {
		per := max(1, min(30000/len(cols), 500))
		return &batchInsert{tx: stx, table: t.name, cols: cols, per: per, anon: true}
	}
	if err := db.restoreTx(ctx, stx, r, fresh, rep, sink); err != nil {
		return rollback(stx, err)
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit the restore: %w", err)
	}
	return nil
}

// restorePostgres restores in one transaction on one connection, loading
// the rows with COPY.
func (db *DB) restorePostgres(ctx context.Context, r *dbarchive.Reader, fresh map[string]dbarchive.TableSum, rep *RestoreReport) (err error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin the restore: %w", err)
	}
	defer func() {
		if cerr := conn.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("end the restore: %w", cerr)
		}
	}()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return fmt.Errorf("begin the restore: %w", err)
	}
	sink := func(t *archiveTable, cols []string) rowSink {
		return &copyInsert{conn: conn, table: t.name, cols: cols}
	}
	if err := db.restoreTx(ctx, conn, r, fresh, rep, sink); err != nil {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
			// The connection may still be in the transaction: the pool
			// discards a connection returned outside the idle state.
			return errors.Join(err, fmt.Errorf("roll back the restore: %w", rerr))
		}
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit the restore: %w", err)
	}
	return nil
}

// rowSink takes the rows of one table.
type rowSink interface {
	add(ctx context.Context, row []any) error
	flush(ctx context.Context) error
}

func (db *DB) restoreTx(ctx context.Context, tx queryer, r *dbarchive.Reader, fresh map[string]dbarchive.TableSum, rep *RestoreReport,
	newSink func(t *archiveTable, cols []string) rowSink) error {
	tables, err := archiveTables(ctx, tx, db.engine)
	if err != nil {
		return err
	}
	byName := map[string]*archiveTable{}
	for _, t := range tables {
		byName[t.name] = t
	}
	if err := refuseNonEmpty(ctx, tx, db.engine, tables, fresh); err != nil {
		return err
	}
	// Clear the seeded rows, children first.
	for i := len(tables) - 1; i >= 0; i-- {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+quoteIdent(tables[i].name)); err != nil {
			return fmt.Errorf("clear table %s: %w", tables[i].name, err)
		}
	}
	cols := map[string][]string{}
	for {
		at, err := r.NextTable()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		t := byName[at.Name]
		if t == nil {
			return unet.Errorf(unet.EINVALID, "the archive holds table %s, which schema version %d does not have", at.Name, rep.SchemaVersion)
		}
		if err := sameColumns(t, at.Columns); err != nil {
			return err
		}
		cols[t.name] = at.Columns
		n, err := insertTable(ctx, newSink(t, at.Columns), t, at.Columns, r)
		if err != nil {
			return err
		}
		rep.Tables++
		rep.Rows += n
	}
	for _, t := range tables {
		if _, ok := cols[t.name]; !ok {
			return unet.Errorf(unet.EINVALID, "the archive lacks table %s of schema version %d", t.name, rep.SchemaVersion)
		}
	}
	if db.engine == Postgres {
		if err := resetSequences(ctx, tx); err != nil {
			return err
		}
	}
	// Read everything back and compare with the archive's manifest.
	for _, want := range r.Summary().Tables {
		got, err := tableSum(ctx, tx, db.engine, byName[want.Table], cols[want.Table])
		if err != nil {
			return fmt.Errorf("read back table %s: %w", want.Table, err)
		}
		if got != want {
			return unet.Errorf(unet.EINTERNAL, "table %s read back from the database does not match the archive: %d rows, sha256 %s; the archive has %d rows, sha256 %s",
				want.Table, got.Rows, got.SHA256, want.Rows, want.SHA256)
		}
	}
	return nil
}

// refuseNonEmpty fails when any table holds other rows than a new database
// of the same schema version.
func refuseNonEmpty(ctx context.Context, q queryer, engine string, tables []*archiveTable, fresh map[string]dbarchive.TableSum) error {
	var held []string
	for _, t := range tables {
		s, err := tableSum(ctx, q, engine, t, t.cols)
		if err != nil {
			return fmt.Errorf("read table %s: %w", t.name, err)
		}
		f, seeded := fresh[t.name]
		if seeded && f.SHA256 != s.SHA256 || !seeded && s.Rows > 0 {
			held = append(held, fmt.Sprintf("%s (%s)", t.name, plural(s.Rows, "row")))
		}
	}
	if len(held) == 0 {
		return nil
	}
	sort.Strings(held)
	if len(held) > 12 {
		held = append(held[:12], fmt.Sprintf("%d more tables", len(held)-12))
	}
	return unet.Errorf(unet.ECONFLICT, "the database is not empty: %s hold data a new database does not; restore only into a new database", strings.Join(held, ", "))
}

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func sameColumns(t *archiveTable, cols []string) error {
	have := map[string]bool{}
	for _, c := range t.cols {
		have[c] = true
	}
	for _, c := range cols {
		if !have[c] {
			return unet.Errorf(unet.EINVALID, "the archive's table %s has column %s, which the database's does not", t.name, c)
		}
	}
	if len(cols) != len(t.cols) {
		return unet.Errorf(unet.EINVALID, "the archive's table %s has %d columns, the database's %d", t.name, len(cols), len(t.cols))
	}
	return nil
}

// insertTable inserts the rows of the archive's current table in batches. A
// table with a foreign key onto itself (a location's parent) is held in
// memory and inserted parents first.
func insertTable(ctx context.Context, ins rowSink, t *archiveTable, cols []string, r *dbarchive.Reader) (int64, error) {
	var held [][]any
	var n int64
	for {
		row, err := r.NextRow()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, err
		}
		n++
		if len(t.self) > 0 {
			held = append(held, row)
			continue
		}
		if err := ins.add(ctx, row); err != nil {
			return n, err
		}
	}
	if len(held) > 0 {
		ordered, err := parentsBeforeChildren(t, cols, held)
		if err != nil {
			return n, err
		}
		for _, row := range ordered {
			if err := ins.add(ctx, row); err != nil {
				return n, err
			}
		}
	}
	return n, ins.flush(ctx)
}

// parentsBeforeChildren orders the rows of a self-referencing table so that
// every row comes after the row its foreign key points to.
func parentsBeforeChildren(t *archiveTable, cols []string, rows [][]any) ([][]any, error) {
	idx := map[string]int{}
	for i, c := range cols {
		idx[c] = i
	}
	key := func(v any) string { return fmt.Sprintf("%T:%v", v, v) }
	present := make([]map[string]bool, len(t.self)) // values of each referenced column in the archive
	for k, fk := range t.self {
		present[k] = map[string]bool{}
		for _, row := range rows {
			present[k][key(row[idx[fk[1]]])] = true
		}
	}
	placed := make([]map[string]bool, len(t.self))
	for k := range placed {
		placed[k] = map[string]bool{}
	}
	out := make([][]any, 0, len(rows))
	done := make([]bool, len(rows))
	for len(out) < len(rows) {
		progress := false
		for i, row := range rows {
			if done[i] {
				continue
			}
			ready := true
			for k, fk := range t.self {
				v := row[idx[fk[0]]]
				// A reference to a row not in the archive is left for
				// the database to judge.
				if v != nil && present[k][key(v)] && !placed[k][key(v)] {
					ready = false
					break
				}
			}
			if !ready {
				continue
			}
			done[i], progress = true, true
			out = append(out, row)
			for k, fk := range t.self {
				placed[k][key(row[idx[fk[1]]])] = true
			}
		}
		if !progress {
			return nil, unet.Errorf(unet.EINVALID, "table %s: its rows refer to each other in a cycle", t.name)
		}
	}
	return out, nil
}

// batchInsert inserts rows many at a time with one multi-row INSERT.
type batchInsert struct {
	tx    *sql.Tx
	table string
	cols  []string
	per   int
	// anon numbers parameters "?": SQLite looks a "$N" up by its name for
	// every value bound, which costs quadratic time over a batch.
	anon bool
	args []any
	n    int
	stmt *sql.Stmt
}

func (b *batchInsert) add(ctx context.Context, row []any) error {
	b.args = append(b.args, row...)
	b.n++
	if b.n < b.per {
		return nil
	}
	if b.stmt == nil {
		s, err := b.tx.PrepareContext(ctx, b.query(b.per))
		if err != nil {
			return fmt.Errorf("restore table %s: %w", b.table, err)
		}
		b.stmt = s
	}
	if _, err := b.stmt.ExecContext(ctx, b.args...); err != nil {
		return fmt.Errorf("restore table %s: %w", b.table, err)
	}
	b.args, b.n = b.args[:0], 0
	return nil
}

func (b *batchInsert) flush(ctx context.Context) error {
	defer func() {
		if b.stmt != nil {
			_ = b.stmt.Close() // the transaction's end closes it too
		}
	}()
	if b.n == 0 {
		return nil
	}
	if _, err := b.tx.ExecContext(ctx, b.query(b.n), b.args...); err != nil {
		return fmt.Errorf("restore table %s: %w", b.table, err)
	}
	return nil
}

func (b *batchInsert) query(rows int) string {
	var s strings.Builder
	s.WriteString("INSERT INTO " + quoteIdent(b.table) + " (")
	for i, c := range b.cols {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(quoteIdent(c))
	}
	s.WriteString(") VALUES ")
	p := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			s.WriteString(", ")
		}
		s.WriteByte('(')
		for c := range b.cols {
			if c > 0 {
				s.WriteString(", ")
			}
			if b.anon {
				s.WriteByte('?')
			} else {
				s.WriteString("$" + strconv.Itoa(p))
			}
			p++
		}
		s.WriteByte(')')
	}
	return s.String()
}

// resetSequences moves every sequence behind a serial or identity column
// past the largest value restored, so that the next insert does not collide.
func resetSequences(ctx context.Context, tx queryer) error {
	rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name,
			pg_get_serial_sequence(quote_ident(current_schema()) || '.' || quote_ident(table_name), column_name)
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`)
	if err != nil {
		return fmt.Errorf("list sequences: %w", err)
	}
	type seq struct{ table, col, name string }
	var seqs []seq
	for rows.Next() {
		var s seq
		var name sql.NullString
		if err := rows.Scan(&s.table, &s.col, &name); err != nil {
			rows.Close()
			return err
		}
		if name.Valid && !ExcludedFromArchive(s.table) {
			s.name = name.String
			seqs = append(seqs, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, s := range seqs {
		q := fmt.Sprintf(`SELECT setval($1, coalesce((SELECT max(%s) FROM %s), 0) + 1, false)`, quoteIdent(s.col), quoteIdent(s.table))
		if _, err := tx.ExecContext(ctx, q, s.name); err != nil {
			return fmt.Errorf("reset sequence %s: %w", s.name, err)
		}
	}
	return nil
}
