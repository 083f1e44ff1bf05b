package service

import (
	"context"
	"runtime"
	"sort"
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

// encodeResults converts results to their stored form on every core.
func encodeResults(results []unet.PolicyResult) ([]sqlstore.ResultRow, error) {
	rows := make([]sqlstore.ResultRow, len(results))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(results)/1000))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	per := (len(results) + workers - 1) / max(workers, 1)
	for w := range workers {
		wg.Go(func() {
			for i := w * per; i < min((w+1)*per, len(results)); i++ {
				row, err := sqlstore.EncodeResult(&results[i])
				if err != nil {
					errs[w] = err
					return
				}
				rows[i] = row
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return rows, nil
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
	rows, err := encodeResults(results)
	if err != nil {
		return 0, err
	}
	groups := groupRows(rows)
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
		st := &storeRun{rows: rows, groups: groups, replaced: replaced, now: now, delta: delta,
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
			written += len(st.puts[i].Rows)
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
		if err := tx.PutObjectResults(ctx, st.puts, now); err != nil {
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
		for i := range rows {
			r := &rows[i]
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
	rows     []sqlstore.ResultRow
	groups   []rowGroup
	replaced func(sqlstore.ObjectRef) bool
	now      time.Time
	delta    map[metrics.PolicyResult]int
	// group is the index in groups of each evaluated object to compare.
	group map[sqlstore.ObjectRef]int
	// stored are the stored results of the objects read.
	stored map[sqlstore.ObjectRef]*sqlstore.StoredObject

	// puts and dels are the object rows to write and remove, in key order.
	puts []sqlstore.ObjectWrite
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

// compare compares every evaluated or read object, in key order.
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
	for _, o := range objs {
		if err := st.object(o); err != nil {
			return err
		}
	}
	return nil
}

// object compares one object's new and stored results.
func (st *storeRun) object(o sqlstore.ObjectRef) error {
	var old []sqlstore.StoredRow
	digest := ""
	if so := st.stored[o]; so != nil {
		var err error
		if old, err = so.Rows(); err != nil {
			return err
		}
		digest = so.Digest
	}
	oldAt := make(map[string]int, len(old))
	for i := range old {
		oldAt[old[i].Rule] = i
	}
	used := make([]bool, len(old))
	var next []sqlstore.WriteRow
	var changes []statusMove
	dirty := false
	g, evaluated := st.group[o]
	name := ""
	if evaluated {
		grp := &st.groups[g]
		for _, i := range grp.rows {
			r := &st.rows[i]
			name = r.Name
			j, ok := oldAt[r.Rule]
			if !ok {
				dirty = true
				st.delta[countKey(r)]++
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
			st.delta[countKey(&prev.ResultRow)]--
			st.delta[countKey(r)]++
			w := sqlstore.WriteRow{ResultRow: r}
			if r.Status == prev.Status {
				w.Since = prev.Since
			} else {
				changes = append(changes, statusMove{r, prev.Status, r.Status})
			}
			next = append(next, w)
		}
	}
	merged := false
	for j := range old {
		if used[j] {
			continue
		}
		p := &old[j]
		if st.replaced(o) {
			dirty = true
			st.delta[countKey(&p.ResultRow)]--
			changes = append(changes, statusMove{&p.ResultRow, p.Status, ""})
			continue
		}
		merged = true
		if name == "" {
			name = p.Name
		}
		next = append(next, sqlstore.WriteRow{ResultRow: &p.ResultRow, EvaluatedAt: p.EvaluatedAt, Since: p.Since})
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].row.Rule < changes[j].row.Rule })
	st.addHistory(o, changes)
	if len(next) == 0 {
		if st.stored[o] != nil {
			st.dels = append(st.dels, o)
		}
		return nil
	}
	d := ""
	if evaluated {
		d = st.groups[g].digest
	}
	if merged || !evaluated {
		ptrs := make([]*sqlstore.ResultRow, len(next))
		for i := range next {
			ptrs[i] = next[i].ResultRow
		}
		d = sqlstore.DigestRows(ptrs)
	}
	if dirty || st.stored[o] == nil || digest != d {
		st.puts = append(st.puts, sqlstore.ObjectWrite{ObjectRef: o, Name: name, Digest: d, Rows: next})
	}
	return nil
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
// object's first results and more than one, else one row each. IDs are
// given in key order, so that the history table's indexes (ID, time,
// object and rule) grow at their ends.
func (st *storeRun) addHistory(o sqlstore.ObjectRef, moves []statusMove) {
	first := len(moves) > 1
	for i := range moves {
		if moves[i].from != "" {
			first = false
			break
		}
	}
	if !first {
		for i := range moves {
			c := moves[i].change(st.now)
			c.ID = newID()
			st.history = append(st.history, sqlstore.HistoryRow{ComplianceChange: c})
			st.record(&c)
		}
		return
	}
	row := sqlstore.HistoryRow{ComplianceChange: unet.ComplianceChange{ID: newID(), Time: st.now, ObjectKind: o.Kind,
		ObjectID: o.ID, ObjectName: moves[0].row.Name}, Entries: make([]sqlstore.HistoryEntry, len(moves))}
	for i := range moves {
		m := &moves[i]
		row.Entries[i] = sqlstore.HistoryEntry{Rule: m.row.Rule, Severity: m.row.Severity, To: m.to, Source: m.row.Source}
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
