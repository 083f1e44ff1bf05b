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
	if c.To == unet.StatusFail && c.From != unet.StatusFail {
		cc := *c
		st.reg.add(&cc)
	}
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
// its new results and encoding its object row there: what a chunk built
// is garbage once its outcomes are merged, so the stored form of all the
// results is never held at once.
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
	encoders := make([]*sqlstore.ObjectEncoder, workers)
	deltas := make([]map[metrics.PolicyResult]int, workers)
	for w := range workers {
		encoders[w], deltas[w] = sqlstore.NewObjectEncoder(st.now), map[metrics.PolicyResult]int{}
	}
	out := make([]objectOutcome, min(compareChunk, len(objs)))
	for start := 0; start < len(objs); start += compareChunk {
		part := objs[start:min(start+compareChunk, len(objs))]
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(part); i += workers {
					out[i] = st.object(part[i], encoders[w], deltas[w])
				}
			})
		}
		wg.Wait()
		for i, o := range part {
			oc := &out[i]
			if oc.err != nil {
				return oc.err
			}
			st.addHistory(o, oc.moves, oc.firstEntries)
			if oc.put {
				st.puts = append(st.puts, oc.row)
			}
			if oc.del {
				st.dels = append(st.dels, o)
			}
			*oc = objectOutcome{}
		}
	}
	for _, d := range deltas {
		for k, n := range d {
			st.delta[k] += n
		}
	}
	return nil
}

// objectOutcome is what comparing one object's new and stored results
// gives: its status moves, for history, and the object row to write (put)
// or to remove (del).
type objectOutcome struct {
	moves []statusMove
	// firstEntries is the stored form of the moves as one first-results
	// history row, when they are one (see addHistory).
	firstEntries string
	row          sqlstore.EncodedObject
	put          bool
	del          bool
	err          error
}

// object compares one object's new and stored results, counting the
// changes to the stored counts in delta and encoding the row to write with
// enc. It changes nothing in st: objects are compared concurrently.
func (st *storeRun) object(o sqlstore.ObjectRef, enc *sqlstore.ObjectEncoder, delta map[metrics.PolicyResult]int) (out objectOutcome) {
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
	used := make([]bool, len(old))
	var rows []sqlstore.ResultRow
	g, evaluated := st.group[o]
	if evaluated {
		var err error
		if rows, err = encodeGroup(make([]sqlstore.ResultRow, 0, len(st.groups[g].rows)), st.results, st.groups[g].rows); err != nil {
			return objectOutcome{err: err}
		}
	}
	next := make([]sqlstore.WriteRow, 0, len(rows)+len(old))
	var changes []statusMove
	dirty := false
	name := ""
	for i := range rows {
		r := &rows[i]
		name = r.Name
		j, ok := oldAt[r.Rule]
		if !ok {
			dirty = true
			delta[countKey(r)]++
			next = append(next, sqlstore.WriteRow{ResultRow: r})
			if changes == nil {
				changes = make([]statusMove, 0, len(rows)-i)
			}
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
		delta[countKey(&prev.ResultRow)]--
		delta[countKey(r)]++
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
			delta[countKey(&p.ResultRow)]--
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
	out.moves = changes
	if len(next) == 0 {
		out.del = st.stored[o] != nil
		return out
	}
	d := ""
	if evaluated {
		d = st.groups[g].digest
	}
	if merged || !evaluated || d == "" {
		ptrs := make([]*sqlstore.ResultRow, len(next))
		for i := range next {
			ptrs[i] = next[i].ResultRow
		}
		d = sqlstore.DigestRows(ptrs)
	}
	if dirty || st.stored[o] == nil || digest != d {
		out.row, out.put = enc.Encode(&sqlstore.ObjectWrite{ObjectRef: o, Name: name, Digest: d, Rows: next}), true
		if firstResults(changes) {
			es := make([]sqlstore.HistoryEntry, len(changes))
			for i := range changes {
				m := &changes[i]
				es[i] = sqlstore.HistoryEntry{Rule: m.row.Rule, Severity: m.row.Severity, To: m.to, Source: m.row.Source}
			}
			out.firstEntries = enc.FirstResultsEntries(es)
		}
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

// addHistory appends the history of one object's status moves (in rule
// order) with time-ordered IDs: one row listing them when they are all the
// object's first results and more than one (its entries encoded already
// when first is not empty), else one row each. IDs are given in key
// order, so that the history table's indexes (ID, time, object and rule)
// grow at their ends.
func (st *storeRun) addHistory(o sqlstore.ObjectRef, moves []statusMove, first string) {
	if !firstResults(moves) {
		for i := range moves {
			c := moves[i].change(st.now)
			c.ID = newID()
			st.history = append(st.history, sqlstore.HistoryRow{ComplianceChange: c})
			st.record(&c)
		}
		return
	}
	row := sqlstore.HistoryRow{ComplianceChange: unet.ComplianceChange{ID: newID(), Time: st.now, ObjectKind: o.Kind,
		ObjectID: o.ID, ObjectName: moves[0].row.Name}}
	if first != "" {
		row.EncodedEntries, row.EntryCount = first, len(moves)
	} else {
		row.Entries = make([]sqlstore.HistoryEntry, len(moves))
	}
	for i := range moves {
		m := &moves[i]
		if row.Entries != nil {
			row.Entries[i] = sqlstore.HistoryEntry{Rule: m.row.Rule, Severity: m.row.Severity, To: m.to, Source: m.row.Source}
		}
		st.changed++
		if m.to == unet.StatusFail {
			c := m.change(st.now)
			st.reg.add(&c)
		}
	}
	st.history = append(st.history, row)
}

func objectLess(a, b sqlstore.ObjectRef) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	return a.ID < b.ID
}
