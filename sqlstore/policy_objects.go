package sqlstore

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/unet-dev/unet"
)

// Stored policy results are one row per object (policy_object_results,
// migration 0015): every result of the object in one encoded text
// (policy_encoding.go), its digest and its results counted by status.

// StoredObject is one object's row of stored results, still encoded.
type StoredObject struct {
	ObjectRef
	Name, EvaluatedAt, Digest string
	// Results is the encoded results (DecodeObjectResults) and Sets the
	// rule sets that decode them.
	Results string
	Sets    RuleSets
}

// Rows decodes the object's results.
func (o *StoredObject) Rows() ([]StoredRow, error) {
	var out []StoredRow
	err := o.Each(func(r *StoredRow) { out = append(out, *r) })
	return out, err
}

// Each decodes the object's results and calls fn with each, the row reused
// between calls.
func (o *StoredObject) Each(fn func(*StoredRow)) error {
	if err := DecodeObjectResults(o.Kind, o.ID, o.Name, o.EvaluatedAt, o.Results, o.Sets, fn); err != nil {
		return fmt.Errorf("stored results of %s %s: %w", o.Kind, o.ID, err)
	}
	return nil
}

const storedObjectCols = `object_kind, object_id, object_name, evaluated_at, digest, results`

func scanStoredObject(s rowScanner, o *StoredObject) error {
	return s.Scan(&o.Kind, &o.ID, &o.Name, &o.EvaluatedAt, &o.Digest, &o.Results)
}

// AllStoredObjects calls fn with every object's stored results; the object
// is reused between calls.
func (r Reader) AllStoredObjects(ctx context.Context, fn func(*StoredObject) error) error {
	sets, err := r.LoadRuleSets(ctx)
	if err != nil {
		return err
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+storedObjectCols+` FROM policy_object_results`)
	if err != nil {
		return fmt.Errorf("read policy results: %w", err)
	}
	defer rows.Close()
	o := StoredObject{Sets: sets}
	for rows.Next() {
		if err := scanStoredObject(rows, &o); err != nil {
			return fmt.Errorf("read policy results: %w", err)
		}
		if err := fn(&o); err != nil {
			return err
		}
	}
	return rows.Err()
}

// StoredObjectsOf calls fn with the stored results of those of the given
// objects that have some; the object is reused between calls.
func (r Reader) StoredObjectsOf(ctx context.Context, objects []ObjectRef, fn func(*StoredObject) error) error {
	byKind := map[string][]string{}
	var kinds []string
	for _, o := range objects {
		if _, ok := byKind[o.Kind]; !ok {
			kinds = append(kinds, o.Kind)
		}
		byKind[o.Kind] = append(byKind[o.Kind], o.ID)
	}
	sets, err := r.LoadRuleSets(ctx)
	if err != nil {
		return err
	}
	o := StoredObject{Sets: sets}
	for _, kind := range kinds {
		ids := byKind[kind]
		for start := 0; start < len(ids); start += inChunk {
			chunk := ids[start:min(start+inChunk, len(ids))]
			size := inChunk
			for _, sz := range inSizes {
				if len(chunk) <= sz {
					size = sz
					break
				}
			}
			args := make([]any, size+1)
			for i := range size {
				args[i] = chunk[min(i, len(chunk)-1)]
			}
			args[size] = kind
			rows, err := r.q.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM policy_object_results WHERE object_kind = $%d AND object_id IN (%s)`,
				storedObjectCols, size+1, placeholders(size)), args...)
			if err != nil {
				return fmt.Errorf("read policy results: %w", err)
			}
			for rows.Next() {
				if err := scanStoredObject(rows, &o); err != nil {
					rows.Close()
					return fmt.Errorf("read policy results: %w", err)
				}
				if err := fn(&o); err != nil {
					rows.Close()
					return err
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return fmt.Errorf("read policy results: %w", err)
			}
		}
	}
	return nil
}

// AllStoredRows calls fn with every stored result; the row is reused
// between calls.
func (r Reader) AllStoredRows(ctx context.Context, fn func(*StoredRow)) error {
	return r.AllStoredObjects(ctx, func(o *StoredObject) error { return o.Each(fn) })
}

// PolicyDigests calls fn with every stored object digest.
func (r Reader) PolicyDigests(ctx context.Context, fn func(ObjectRef, string)) error {
	rows, err := r.q.QueryContext(ctx, `SELECT object_kind, object_id, digest FROM policy_object_results`)
	if err != nil {
		return fmt.Errorf("read policy digests: %w", err)
	}
	defer rows.Close()
	var o ObjectRef
	var d string
	for rows.Next() {
		if err := rows.Scan(&o.Kind, &o.ID, &d); err != nil {
			return fmt.Errorf("read policy digests: %w", err)
		}
		fn(o, d)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read policy digests: %w", err)
	}
	return nil
}

// ResultCount is the number of stored results of one rule, severity and
// status.
type ResultCount struct {
	Rule, Severity, Status string
	N                      int
}

// ObjectWrite is the complete new stored results of one object.
type ObjectWrite struct {
	ObjectRef
	// Name is the object's name; Digest its digest (DigestRows).
	Name, Digest string
	// Rows are its results; an empty EvaluatedAt or Since is the time of
	// the write. Rows is sorted by rule.
	Rows []WriteRow
}

// encodedObject is an object row to write.
type encodedObject struct {
	results, set, setText               string
	nResults, nPass, nFail, nError, nNA int
	// nCritical and nHigh count the failing results of critical and high
	// severity (migration 0017).
	nCritical, nHigh int
}

// count counts rows by status.
func (e *encodedObject) count(rows []WriteRow) {
	e.nResults = len(rows)
	for i := range rows {
		switch rows[i].Status {
		case unet.StatusPass:
			e.nPass++
		case unet.StatusFail:
			e.nFail++
			switch rows[i].Severity {
			case SeverityCritical:
				e.nCritical++
			case SeverityHigh:
				e.nHigh++
			}
		case unet.StatusError:
			e.nError++
		case unet.StatusNotApplicable:
			e.nNA++
		}
	}
}

// objectCols is the number of columns PutObjectResults writes.
const objectCols = 13

// EncodedObject is one object's results in their stored form, ready for
// PutEncodedResults: encoding is CPU work a caller can spread over cores
// and do object by object, so that the rows need not all be kept.
type EncodedObject struct {
	ObjectRef
	// Name is the object's name; Digest its digest (DigestRows).
	Name, Digest string
	at           string
	enc          encodedObject
}

// Results is the number of results the object row holds.
func (e *EncodedObject) Results() int { return e.enc.nResults }

// ObjectEncoder encodes objects' results written at one time; it reuses
// the rule set of the last object it encoded, so it belongs to one
// goroutine.
type ObjectEncoder struct {
	at   string
	last lastSet
}

// NewObjectEncoder returns an encoder of objects written at at.
func NewObjectEncoder(at time.Time) *ObjectEncoder { return &ObjectEncoder{at: fmtTime(at)} }

// Encode is the stored form of w (whose rows it sorts by rule). The
// result keeps none of w's rows.
func (e *ObjectEncoder) Encode(w *ObjectWrite) EncodedObject {
	o := EncodedObject{ObjectRef: w.ObjectRef, Name: w.Name, Digest: w.Digest, at: e.at}
	o.enc.results, o.enc.set, o.enc.setText = e.last.encode(w.Name, e.at, w.Rows)
	o.enc.count(w.Rows)
	return o
}

// FirstResultsEntries is the stored form of the entries (in rule order)
// of the first-results history row of the object the encoder encoded last:
// the compact form over that object's rule set when they are its rules,
// else the full form, as InsertComplianceChanges writes Entries once the
// object's row is written in the same transaction.
func (e *ObjectEncoder) FirstResultsEntries(es []HistoryEntry) string {
	if len(es) == len(e.last.rules) && e.last.id != "" {
		b := make([]byte, 0, 3+len(e.last.id)+len(es))
		b = append(b, '@')
		b = append(b, e.last.id...)
		b = append(b, '\n')
		for i := range es {
			r, h := &e.last.rules[i], &es[i]
			c, ok := statusCodes[h.To]
			if !ok || h.Rule != r.Rule || h.Severity != r.Severity || h.Source != r.Source {
				return EncodeHistoryEntries(es)
			}
			b = append(b, c)
		}
		return string(b)
	}
	return EncodeHistoryEntries(es)
}

// PutObjectResults stores the results of objects written at at, replacing
// what they had (PutEncodedResults); the objects are encoded on every core.
func (tx *Tx) PutObjectResults(ctx context.Context, objs []ObjectWrite, at time.Time) error {
	enc := make([]EncodedObject, len(objs))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(objs)/100))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			e := NewObjectEncoder(at)
			for i := w; i < len(objs); i += workers {
				enc[i] = e.Encode(&objs[i])
			}
		})
	}
	wg.Wait()
	return tx.PutEncodedResults(ctx, enc)
}

// PutEncodedResults stores the results of encoded objects, replacing what
// they had, in multi-row statements (on PostgreSQL, more than bulkRows as
// unnest arrays). The objects must have been encoded at one time.
func (tx *Tx) PutEncodedResults(ctx context.Context, objs []EncodedObject) error {
	if len(objs) == 0 {
		return nil
	}
	now := objs[0].at
	for i := range objs {
		if objs[i].at != now {
			return fmt.Errorf("store policy results: objects encoded at %s and %s", now, objs[i].at)
		}
	}
	sets := map[string]string{}
	written, _ := tx.Value(objectSetsKey{}).(map[ObjectRef]ruleSetText)
	if written == nil {
		written = map[ObjectRef]ruleSetText{}
		tx.SetValue(objectSetsKey{}, written)
	}
	for i := range objs {
		e := &objs[i].enc
		sets[e.set] = e.setText
		written[objs[i].ObjectRef] = ruleSetText{e.set, e.setText}
	}
	if err := tx.putRuleSets(ctx, sets); err != nil {
		return err
	}
	const head = `INSERT INTO policy_object_results (object_kind, object_id, object_name, evaluated_at, digest, results,
		n_results, n_pass, n_fail, n_error, n_na, n_critical_fail, n_high_fail)`
	const tail = ` ON CONFLICT (object_kind, object_id) DO UPDATE SET object_name = excluded.object_name,
		evaluated_at = excluded.evaluated_at, digest = excluded.digest, results = excluded.results,
		n_results = excluded.n_results, n_pass = excluded.n_pass, n_fail = excluded.n_fail,
		n_error = excluded.n_error, n_na = excluded.n_na, n_critical_fail = excluded.n_critical_fail,
		n_high_fail = excluded.n_high_fail`
	value := func(i, c int) any {
		o, e := &objs[i], &objs[i].enc
		switch c {
		case 0:
			return o.Kind
		case 1:
			return o.ID
		case 2:
			return o.Name
		case 3:
			return now
		case 4:
			return o.Digest
		case 5:
			return e.results
		case 6:
			return e.nResults
		case 7:
			return e.nPass
		case 8:
			return e.nFail
		case 9:
			return e.nError
		case 10:
			return e.nNA
		case 11:
			return e.nCritical
		}
		return e.nHigh
	}
	if tx.engine == Postgres && len(objs) > bulkRows {
		types := []string{"text", "text", "text", "text", "text", "text", "int8", "int8", "int8", "int8", "int8", "int8", "int8"}
		if err := tx.unnestExec(ctx, len(objs), head, types, tail, value); err != nil {
			return fmt.Errorf("store policy results: %w", err)
		}
		return nil
	}
	insert, conflict := head, tail
	if tx.engine == SQLite && len(objs) > bulkRows {
		empty, err := tx.emptyResults(ctx)
		if err != nil {
			return err
		}
		if empty {
			// Nothing to conflict with: see insertOrFail.
			insert, conflict = insertOrFail(head), ""
		}
	}
	err := tx.bulkExec(ctx, len(objs), objectCols, insert+` VALUES `, conflict, func(i int, dst []any) []any {
		for c := range objectCols {
			dst = append(dst, value(i, c))
		}
		return dst
	})
	if err != nil {
		return fmt.Errorf("store policy results: %w", err)
	}
	return nil
}

// DeleteObjectResults removes the stored results of objects, in multi-row
// statements.
func (tx *Tx) DeleteObjectResults(ctx context.Context, objects []ObjectRef) error {
	err := tx.bulkExec(ctx, len(objects), 2, `DELETE FROM policy_object_results WHERE (object_kind, object_id) IN (VALUES `, ")",
		func(i int, dst []any) []any { return append(dst, objects[i].Kind, objects[i].ID) })
	if err != nil {
		return fmt.Errorf("delete policy results: %w", err)
	}
	return nil
}

// emptyResults reports whether no policy result is stored.
func (tx *Tx) emptyResults(ctx context.Context) (bool, error) {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM policy_object_results LIMIT 1) t`).Scan(&n); err != nil {
		return false, fmt.Errorf("read policy results: %w", err)
	}
	return n == 0, nil
}

// objectSetsKey keeps, in a transaction, the rule set of each object whose
// results it wrote (InsertComplianceChanges writes first results over it).
type objectSetsKey struct{}

// ruleSetText is a rule set's ID and text.
type ruleSetText struct{ id, text string }
