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

// storeResults writes the results whose stored row differs (a new result,
// another status, value or message) and appends a history row for every
// status change; with a full scope or an object scope, stored results of
// those objects that were not evaluated again are removed (history records
// the move to ""). Unchanged rows are not written: their evaluated_at
// stays the time their content was last written. A full scope first
// compares each object's digest (policy_digests) and reads the stored rows
// only of objects whose digest differs. Every object whose rows are written
// gets its new digest in the same transaction. It returns the number of
// status changes.
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
		seen := make([]bool, len(rows))
		var writes []pendingWrite
		// removed: the history rows of removed results.
		var removed []unet.ComplianceChange
		var gone []sqlstore.ResultKey
		// kept are the stored rows of merged objects that stay as they are.
		kept := map[sqlstore.ObjectRef][]*sqlstore.ResultRow{}
		rd := tx.Reader()
		plan, err := planReads(ctx, rd, groups, sc)
		if err != nil {
			return err
		}
		// The rows of objects whose digest matched are not compared.
		idx := map[sqlstore.ResultKey]int32{}
		for g := range groups {
			if !plan.same[groups[g].obj] {
				for _, i := range groups[g].rows {
					idx[rows[i].ResultKey] = i
				}
			}
		}
		visit := func(old *sqlstore.StoredRow) {
			o := sqlstore.ObjectRef{Kind: old.Kind, ID: old.ObjectID}
			if plan.same[o] {
				return
			}
			i, ok := idx[old.ResultKey]
			if !ok {
				if replaced(o) {
					gone = append(gone, old.ResultKey)
					delta[metrics.PolicyResult{Rule: old.Rule, Severity: old.Severity, Status: old.Status}]--
					removed = append(removed, unet.ComplianceChange{Time: now, ObjectKind: old.Kind,
						ObjectID: old.ObjectID, ObjectName: old.Name, Rule: old.Rule, Severity: old.Severity, From: old.Status, To: ""})
				} else {
					row := old.ResultRow
					kept[o] = append(kept[o], &row)
				}
				return
			}
			seen[i] = true
			r := &rows[i]
			if r.SameContent(&old.ResultRow) {
				return
			}
			delta[metrics.PolicyResult{Rule: old.Rule, Severity: old.Severity, Status: old.Status}]--
			delta[metrics.PolicyResult{Rule: r.Rule, Severity: r.Severity, Status: r.Status}]++
			w := pendingWrite{ResultWrite: sqlstore.ResultWrite{Row: r}, from: old.Status, moved: r.Status != old.Status}
			if !w.moved {
				w.Since = old.Since
			}
			writes = append(writes, w)
		}
		switch {
		case plan.all:
			err = rd.AllStoredRows(ctx, visit)
		case len(plan.read) > 0:
			err = rd.StoredRowsOf(ctx, plan.read, visit)
		}
		if err != nil {
			return err
		}
		for g := range groups {
			if plan.same[groups[g].obj] {
				continue
			}
			for _, i := range groups[g].rows {
				if seen[i] {
					continue
				}
				r := &rows[i]
				delta[metrics.PolicyResult{Rule: r.Rule, Severity: r.Severity, Status: r.Status}]++
				writes = append(writes, pendingWrite{ResultWrite: sqlstore.ResultWrite{Row: r}, moved: true})
			}
		}
		// In key order, the primary key index grows at its end.
		sort.Slice(writes, func(i, j int) bool { return keyLess(&writes[i].Row.ResultKey, &writes[j].Row.ResultKey) })
		upserts, history := historyOf(writes, removed, now)
		changed = len(history)
		var reg regressions
		for i := range history {
			reg.add(&history[i])
		}
		reg.emit(tx, now, unet.ActorFrom(ctx), metrics.EvalTrigger(ctx))
		reportProgress(ctx, "store", 0, len(upserts))
		done, err := tx.LargeWrite(ctx, len(upserts)+len(history))
		if err != nil {
			return err
		}
		defer done()
		if err := tx.DeletePolicyResults(ctx, gone); err != nil {
			return err
		}
		if err := tx.UpsertPolicyResults(ctx, upserts, now); err != nil {
			return err
		}
		reportProgress(ctx, "store", len(upserts), len(upserts))
		if err := tx.InsertComplianceChanges(ctx, history); err != nil {
			return err
		}
		if err := storeDigests(ctx, tx, rows, groups, plan, replaced, kept); err != nil {
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

// pendingWrite is a result to write and, when its status moves, the
// status it moves from ("" for a new result).
type pendingWrite struct {
	sqlstore.ResultWrite
	from  string
	moved bool
}

// historyOf splits writes (in key order) into the results to write and the
// history rows of a store at time at: those of the results whose status
// moves and those of the removed results, merged in key order and given
// their time-ordered IDs in that order, so that the history table's
// indexes (ID, time, object and rule) grow at their ends.
func historyOf(writes []pendingWrite, removed []unet.ComplianceChange, at time.Time) ([]sqlstore.ResultWrite, []unet.ComplianceChange) {
	upserts := make([]sqlstore.ResultWrite, len(writes))
	moves := 0
	for i := range writes {
		upserts[i] = writes[i].ResultWrite
		if writes[i].moved {
			moves++
		}
	}
	sort.Slice(removed, func(i, j int) bool { return historyLess(&removed[i], &removed[j]) })
	history := make([]unet.ComplianceChange, 0, moves+len(removed))
	g := 0
	for i := range writes {
		w := &writes[i]
		if !w.moved {
			continue
		}
		r := w.Row
		c := unet.ComplianceChange{Time: at, ObjectKind: r.Kind, ObjectID: r.ObjectID, ObjectName: r.Name,
			Rule: r.Rule, Severity: r.Severity, From: w.from, To: r.Status, Source: r.Source}
		for g < len(removed) && historyLess(&removed[g], &c) {
			history = append(history, removed[g])
			g++
		}
		history = append(history, c)
	}
	history = append(history, removed[g:]...)
	for i := range history {
		history[i].ID = newID()
	}
	return upserts, history
}

// historyLess orders history rows by object kind, object ID and rule.
func historyLess(a, b *unet.ComplianceChange) bool {
	return keyLess(&sqlstore.ResultKey{Kind: a.ObjectKind, ObjectID: a.ObjectID, Rule: a.Rule},
		&sqlstore.ResultKey{Kind: b.ObjectKind, ObjectID: b.ObjectID, Rule: b.Rule})
}

func keyLess(a, b *sqlstore.ResultKey) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	if a.ObjectID != b.ObjectID {
		return a.ObjectID < b.ObjectID
	}
	return a.Rule < b.Rule
}
