package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/unet-dev/unet/telemetry"
)

// dbSystem is the OpenTelemetry db.system.name of an engine.
func dbSystem(engine string) attribute.KeyValue {
	if engine == Postgres {
		return attribute.String("db.system.name", "postgresql")
	}
	return attribute.String("db.system.name", "sqlite")
}

// tracedTx runs one write transaction (its retries included) in a
// "db.transaction" span whose outcome is commit, rollback (fn failed) or
// error (the database refused: begin, lock, commit).
func (db *DB) tracedTx(ctx context.Context, fn func(tx *Tx) error) error {
	if !telemetry.Enabled() {
		return db.withTx(ctx, fn)
	}
	ctx, span := telemetry.Start(ctx, "db.transaction", dbSystem(db.engine))
	rolledBack := false
	err := db.withTx(ctx, func(tx *Tx) error {
		err := fn(tx)
		rolledBack = err != nil
		return err
	})
	outcome := "commit"
	switch {
	case err != nil && rolledBack:
		outcome = "rollback"
	case err != nil:
		outcome = "error"
	}
	span.SetAttributes(attribute.String("db.transaction.outcome", outcome))
	failed := err
	if outcome == "rollback" {
		// The caller's own refusal (not found, conflict, …) is reported by
		// the caller's span; the transaction did what it was asked.
		failed = nil
	}
	telemetry.End(span, failed)
	return err
}

// reader is the queryer of pool reads: traced when tracing is on.
func (db *DB) reader() queryer {
	if !telemetry.Enabled() {
		return db.reads
	}
	db.tracedOnce.Do(func() { db.tracedReads = newTracedQueryer(db.reads, db.engine) })
	return db.tracedReads
}

// tracedQueryer puts every query on the pool in a "db.query" span (the time
// to run the statement and get its first answer; rows read afterwards are
// the caller's). The start options of the usual statements are built once.
type tracedQueryer struct {
	q      queryer
	system attribute.KeyValue
	ops    map[string][]attribute.KeyValue
}

// tracedOps are the statements whose span options are built in advance.
var tracedOps = []string{"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}

func newTracedQueryer(q queryer, engine string) *tracedQueryer {
	t := &tracedQueryer{q: q, system: dbSystem(engine), ops: map[string][]attribute.KeyValue{}}
	for _, op := range tracedOps {
		t.ops[op] = t.attributes(op)
	}
	return t
}

// attributes are those of a span of one kind of statement. The statement's
// text is left out: it is long, fixed by the code, and would be most of the
// bytes exported per request.
func (t *tracedQueryer) attributes(op string) []attribute.KeyValue {
	return []attribute.KeyValue{t.system, attribute.String("db.operation.name", op)}
}

func (t *tracedQueryer) start(ctx context.Context, query string) (context.Context, trace.Span) {
	op := operation(query)
	attrs, ok := t.ops[op]
	if !ok {
		attrs = t.attributes(op)
	}
	return telemetry.StartSet(ctx, "db.query", attrs)
}

func (t *tracedQueryer) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx, span := t.start(ctx, query)
	res, err := t.q.ExecContext(ctx, query, args...)
	telemetry.End(span, err)
	return res, err
}

func (t *tracedQueryer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, span := t.start(ctx, query)
	rows, err := t.q.QueryContext(ctx, query, args...)
	telemetry.End(span, err)
	return rows, err
}

func (t *tracedQueryer) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx, span := t.start(ctx, query)
	row := t.q.QueryRowContext(ctx, query, args...)
	telemetry.End(span, row.Err())
	return row
}

// operation is the first word of a statement (SELECT, INSERT, WITH, …).
func operation(query string) string {
	query = strings.TrimSpace(query)
	if i := strings.IndexAny(query, " \t\n("); i > 0 {
		query = query[:i]
	}
	return strings.ToUpper(query)
}
