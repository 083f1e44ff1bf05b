package service

import (
	"context"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/sqlstore"
)

// storeScope says which stored results an evaluation's results replace.
type storeScope struct {
	// full: every stored result (those not evaluated again are removed).
	full bool
	// objects, when not full: the stored results of these objects (those
	// of them not evaluated again are removed). Neither: only the results
	// evaluated are written, nothing is removed.
	objects []sqlstore.ObjectRef
}

// resultTally counts the stored results by rule, severity and status for
// the policy gauges, kept up to date by this process's stores.
type resultTally struct {
	mu     sync.Mutex
	counts map[metrics.PolicyResult]int
}

// apply sets (full) or adjusts the counts and exports them.
func (t *resultTally) apply(full bool, delta map[metrics.PolicyResult]int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if full || t.counts == nil {
		t.counts = map[metrics.PolicyResult]int{}
	}
	for k, n := range delta {
		if t.counts[k] += n; t.counts[k] <= 0 {
			delete(t.counts, k)
		}
	}
	metrics.SetPolicyResultCounts(t.counts)
}

func (t *resultTally) known() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts != nil
}

// storeResults stores the results of the objects whose stored results
// differ (a new result, another status, value or message) and appends a
// history row for every status change; with a full scope or an object
// scope, stored results of those objects that were not evaluated again are
// removed (history records the move to ""). Results are stored one row per
// object (sqlstore.PutObjectResults): only the rows of objects with a
// change are written, and in them a result whose content did not change
// keeps its evaluated_at. A full scope first compares each object's digest
// and decodes the stored results only of objects whose digest differs. It
// returns the number of status changes.
func (s *Service) storeResults(ctx context.Context, results []unet.PolicyResult, sc storeScope) (int, error) {
	// Digests are computed in advance for the objects a full store may
	// find unchanged, those with a stored digest; the others' are computed
	// where they are compared. The transaction reads the stored digests
	// again (planReads): this read only spares work.
	var digested map[sqlstore.ObjectRef]bool
	if sc.full {
		digested = map[sqlstore.ObjectRef]bool{}
		if err := s.db.Reader().PolicyDigests(ctx, func(o sqlstore.ObjectRef, d string) { digested[o] = d != "" }); err != nil {
			return 0, err
		}
	}
	groups, err := groupResults(results, digested)
	if err != nil {
		return 0, err
	}
	inScope := map[sqlstore.ObjectRef]bool{}
	for _, o := range sc.objects {
		inScope[o] = true
	}
	// replaced: the object's stored results are all replaced by its new
	// ones (else the new ones are merged into them).
	replaced := func(o sqlstore.ObjectRef) bool { return sc.full || inScope[o] }
	now := s.now()
	var changed int
	var delta map[metrics.PolicyResult]int
	countAfter := !sc.full && !s.tally.known()
	var counted []sqlstore.ResultCount
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		changed, delta, counted = 0, map[metrics.PolicyResult]int{}, nil
		if err := tx.LockResults(ctx); err != nil {
			return err
		}
		rd := tx.Reader()
		plan, err := planReads(ctx, rd, groups, sc)
		if err != nil {
			return err
		}
		st := &storeRun{results: results, groups: groups, replaced: replaced, now: now, delta: delta,
			group: map[sqlstore.ObjectRef]int{}, stored: map[sqlstore.ObjectRef]*sqlstore.StoredObject{}}
		// The objects whose digest matched are neither compared nor written.
		for g := range groups {
			if !plan.same[groups[g].obj] {
				st.group[groups[g].obj] = g
			}
		}
		visit := func(o *sqlstore.StoredObject) error {
			if !plan.same[o.ObjectRef] {
				c := *o
				st.stored[o.ObjectRef] = &c
			}
			return nil
		}
		switch {
		case plan.all:
			err = rd.AllStoredObjects(ctx, visit)
		case len(plan.read) > 0:
			err = rd.StoredObjectsOf(ctx, plan.read, visit)
		}
		if err != nil {
			return err
		}
		if err := st.compare(); err != nil {
			return err
		}
		changed = st.changed
		st.reg.emit(tx, now, unet.ActorFrom(ctx), metrics.EvalTrigger(ctx))
		written := 0
		for i := range st.puts {
			written += st.puts[i].Results()
		}
		reportProgress(ctx, "store", 0, written)
		done, err := tx.LargeWrite(ctx, written+st.changed)
		if err != nil {
			return err
		}
		defer done()
		if err := tx.DeleteObjectResults(ctx, st.dels); err != nil {
			return err
		}
		if err := tx.PutEncodedResults(ctx, st.puts); err != nil {
			return err
		}
		reportProgress(ctx, "store", written, written)
		if err := tx.InsertComplianceChanges(ctx, st.history); err != nil {
			return err
		}
		if err := tx.AdjustResultCounts(ctx, resultCounts(delta)); err != nil {
			return err
		}
		if countAfter {
			counted, err = rd.CountPolicyResults(ctx)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	switch {
	case sc.full:
		full := make(map[metrics.PolicyResult]int)
		for i := range results {
			r := &results[i]
			full[metrics.PolicyResult{Rule: r.Rule, Severity: r.Severity, Status: r.Status}]++
		}
		s.tally.apply(true, full)
	case countAfter:
		all := make(map[metrics.PolicyResult]int, len(counted))
		for _, c := range counted {
			all[metrics.PolicyResult{Rule: c.Rule, Severity: c.Severity, Status: c.Status}] += c.N
		}
		s.tally.apply(true, all)
	default:
		s.tally.apply(false, delta)
	}
	return changed, nil
}

// storeRun compares an evaluation's results with the stored ones, object
// by object, and collects what to write.
type storeRun struct {
	results  []unet.PolicyResult
	groups   []rowGroup
	replaced func(sqlstore.ObjectRef) bool
	now      time.Time
	delta    map[metrics.PolicyResult]int
	// group is the index in groups of each evaluated object to compare.
	group map[sqlstore.ObjectRef]int
	// stored are the stored results of the objects read.
	stored map[sqlstore.ObjectRef]*sqlstore.StoredObject

	// puts and dels are the object rows to write and remove, in key order.
	puts []sqlstore.EncodedObject
	dels []sqlstore.ObjectRef
	// history is the history rows to append; changed the number of status
	// changes they record, and reg those that are new failures.
	history []sqlstore.HistoryRow
	changed int
	reg     regressions
}

// record counts one status change.
func (st *storeRun) record(c *unet.ComplianceChange) {
	st.changed++
	st.reg.add(c)
}

// resultCounts is delta as the stored counts' adjustment.
func resultCounts(delta map[metrics.PolicyResult]int) []sqlstore.ResultCount {
	out := make([]sqlstore.ResultCount, 0, len(delta))
	for k, n := range delta {
		if n != 0 {
			out = append(out, sqlstore.ResultCount{Rule: k.Rule, Severity: k.Severity, Status: k.Status, N: n})
		}
	}
	sqlstore.SortResultCounts(out)
	return out
}

func countKey(r *sqlstore.ResultRow) metrics.PolicyResult {
	return metrics.PolicyResult{Rule: r.Rule, Severity: r.Severity, Status: r.Status}
}

// compareChunk is how many objects are compared at once, on every core,
// before their outcomes are merged in key order.
const compareChunk = 256

// compare compares every evaluated or read object, in key order. Objects
// are compared in chunks on every core, each building the stored form of
// its new results and encoding its object row there, in buffers each core
// reuses from one object to the next (objectScratch): the stored form of
// all the results is never held at once.
func (st *storeRun) compare() error {
	objs := make([]sqlstore.ObjectRef, 0, len(st.group)+len(st.stored))
	for o := range st.group {
		objs = append(objs, o)
	}
	for o := range st.stored {
		if _, ok := st.group[o]; !ok {
			objs = append(objs, o)
		}
	}
	sort.Slice(objs, func(i, j int) bool { return objectLess(objs[i], objs[j]) })
	workers := max(1, min(runtime.GOMAXPROCS(0), len(objs)/100))
	scratch := make([]objectScratch, workers)
	for w := range scratch {
		scratch[w] = objectScratch{enc: sqlstore.NewObjectEncoder(st.now), delta: map[metrics.PolicyResult]int{}}
	}
	out := make([]objectOutcome, min(compareChunk, len(objs)))
	for start := 0; start < len(objs); start += compareChunk {
		part := objs[start:min(start+compareChunk, len(objs))]
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(part); i += workers {
					out[i] = st.object(part[i], &scratch[w])
				}
			})
		}
		wg.Wait()
		for i, o := range part {
			oc := &out[i]
			if oc.err != nil {
				return oc.err
			}
			st.addHistory(o, oc)
			if oc.put {
				st.puts = append(st.puts, oc.row)
			}
			if oc.del {
				st.dels = append(st.dels, o)
			}
			*oc = objectOutcome{}
		}
	}
	for w := range scratch {
		for k, n := range scratch[w].delta {
			st.delta[k] += n
		}
	}
	return nil
}

// objectScratch is what one core compares objects with: the encoder of
// their rows, its count of their changes to the stored counts, and
// buffers reused from one object to the next (no outcome points into
// them).
type objectScratch struct {
	enc     *sqlstore.ObjectEncoder
	delta   map[metrics.PolicyResult]int
	rows    []sqlstore.ResultRow
	next    []sqlstore.WriteRow
	moves   []statusMove
	entries []sqlstore.HistoryEntry
	ptrs    []*sqlstore.ResultRow
	used    []bool
}

// objectOutcome is what comparing one object's new and stored results
// gives: its history and the object row to write (put) or to remove (del).
type objectOutcome struct {
	// changes are the object's status changes (their IDs are given in key
	// order when outcomes are merged), unless they are its first results
	// (firstEntries): then one history row of firstCount entries, whose
	// failures, for the regression event, are fails.
	changes      []unet.ComplianceChange
	firstEntries string
	firstCount   int
	name         string
	fails        []firstFail
	row          sqlstore.EncodedObject
	put          bool
	del          bool
	err          error
}

// firstFail is a failing first result.
type firstFail struct{ rule, severity, source string }

// object compares one object's new and stored results, counting the
// changes to the stored counts in sc.delta and encoding the row to write
// with sc.enc. It changes nothing in st: objects are compared
// concurrently.
func (st *storeRun) object(o sqlstore.ObjectRef, sc *objectScratch) (out objectOutcome) {
	var old []sqlstore.StoredRow
	digest := ""
	if so := st.stored[o]; so != nil {
		var err error
		if old, err = so.Rows(); err != nil {
			return objectOutcome{err: err}
		}
		digest = so.Digest
	}
	oldAt := make(map[string]int, len(old))
	for i := range old {
		oldAt[old[i].Rule] = i
	}
	used := slices.Grow(sc.used[:0], len(old))[:len(old)]
	clear(used)
	sc.used = used
	rows := sc.rows[:0]
	g, evaluated := st.group[o]
	if evaluated {
		var err error
		if rows, err = encodeGroup(rows, st.results, st.groups[g].rows); err != nil {
			return objectOutcome{err: err}
		}
		sc.rows = rows
	}
	next, changes := sc.next[:0], sc.moves[:0]
	defer func() { sc.next, sc.moves = next[:0], changes[:0] }()
	dirty := false
	name := ""
	for i := range rows {
		r := &rows[i]
		name = r.Name
		j, ok := oldAt[r.Rule]
		if !ok {
			dirty = true
			sc.delta[countKey(r)]++
			next = append(next, sqlstore.WriteRow{ResultRow: r})
			changes = append(changes, statusMove{r, "", r.Status})
			continue
		}
		used[j] = true
		prev := &old[j]
		if r.SameContent(&prev.ResultRow) {
			next = append(next, sqlstore.WriteRow{ResultRow: r, EvaluatedAt: prev.EvaluatedAt, Since: prev.Since})
			continue
		}
		dirty = true
		sc.delta[countKey(&prev.ResultRow)]--
		sc.delta[countKey(r)]++
		w := sqlstore.WriteRow{ResultRow: r}
		if r.Status == prev.Status {
			w.Since = prev.Since
		} else {
			changes = append(changes, statusMove{r, prev.Status, r.Status})
		}
		next = append(next, w)
	}
	merged := false
	for j := range old {
		if used[j] {
			continue
		}
		p := &old[j]
		if st.replaced(o) {
			dirty = true
			sc.delta[countKey(&p.ResultRow)]--
			changes = append(changes, statusMove{&p.ResultRow, p.Status, ""})
			continue
		}
		merged = true
		if name == "" {
			name = p.Name
		}
		next = append(next, sqlstore.WriteRow{ResultRow: &p.ResultRow, EvaluatedAt: p.EvaluatedAt, Since: p.Since})
	}
	slices.SortFunc(changes, func(a, b statusMove) int { return strings.Compare(a.row.Rule, b.row.Rule) })
	first := firstResults(changes)
	if !first {
		for i := range changes {
			if i == 0 {
				out.changes = make([]unet.ComplianceChange, 0, len(changes))
			}
			out.changes = append(out.changes, changes[i].change(st.now))
		}
	}
	if len(next) == 0 {
		out.del = st.stored[o] != nil
		return out
	}
	d := ""
	if evaluated {
		d = st.groups[g].digest
	}
	if merged || !evaluated || d == "" {
		ptrs := sc.ptrs[:0]
		for i := range next {
			ptrs = append(ptrs, next[i].ResultRow)
		}
		sc.ptrs = ptrs
		d = sqlstore.DigestRows(ptrs)
	}
	if dirty || st.stored[o] == nil || digest != d {
		out.row, out.put = sc.enc.Encode(&sqlstore.ObjectWrite{ObjectRef: o, Name: name, Digest: d, Rows: next}), true
	}
	if first {
		// First results are new rows: the object is written (dirty).
		es := sc.entries[:0]
		for i := range changes {
			m := &changes[i]
			es = append(es, sqlstore.HistoryEntry{Rule: m.row.Rule, Severity: m.row.Severity, To: m.to, Source: m.row.Source})
			if m.to == unet.StatusFail {
				out.fails = append(out.fails, firstFail{m.row.Rule, m.row.Severity, m.row.Source})
			}
		}
		sc.entries = es
		out.firstEntries, out.firstCount, out.name = sc.enc.FirstResultsEntries(es), len(es), changes[0].row.Name
	}
	return out
}

// firstResults reports whether moves (more than one) are all an object's
// first results: they are then one history row.
func firstResults(moves []statusMove) bool {
	for i := range moves {
		if moves[i].from != "" {
			return false
		}
	}
	return len(moves) > 1
}

// statusMove is a result whose status moves from one status to another
// ("" for no result).
type statusMove struct {
	row      *sqlstore.ResultRow
	from, to string
}

// change is the history change of m at time at (a removed result's has no
// source).
func (m *statusMove) change(at time.Time) unet.ComplianceChange {
	r := m.row
	c := unet.ComplianceChange{Time: at, ObjectKind: r.Kind, ObjectID: r.ObjectID, ObjectName: r.Name,
		Rule: r.Rule, Severity: r.Severity, From: m.from, To: m.to, Source: r.Source}
	if m.to == "" {
		c.Source = ""
	}
	return c
}

// addHistory appends the history of one object's outcome with
// time-ordered IDs: one row for its first results, else one row per status
// change (in rule order). IDs are given in key order, so that the history
// table's indexes (ID, time, object and rule) grow at their ends.
func (st *storeRun) addHistory(o sqlstore.ObjectRef, oc *objectOutcome) {
	if oc.firstEntries == "" {
		for i := range oc.changes {
			c := &oc.changes[i]
			c.ID = newID()
			st.history = append(st.history, sqlstore.HistoryRow{ComplianceChange: *c})
			st.record(c)
		}
		return
	}
	st.history = append(st.history, sqlstore.HistoryRow{ComplianceChange: unet.ComplianceChange{ID: newID(), Time: st.now,
		ObjectKind: o.Kind, ObjectID: o.ID, ObjectName: oc.name}, EncodedEntries: oc.firstEntries, EntryCount: oc.firstCount})
	st.changed += oc.firstCount
	for _, f := range oc.fails {
		c := unet.ComplianceChange{Time: st.now, ObjectKind: o.Kind, ObjectID: o.ID, ObjectName: oc.name,
			Rule: f.rule, Severity: f.severity, To: unet.StatusFail, Source: f.source}
		st.reg.add(&c)
	}
}

func objectLess(a, b sqlstore.ObjectRef) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	return a.ID < b.ID
}
