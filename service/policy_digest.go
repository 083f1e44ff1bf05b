package service

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// rowGroup is the new results of one object: their indexes in the
// evaluation's results and the digest they store as (sqlstore.DigestRows;
// empty until computed, see groupResults).
type rowGroup struct {
	obj    sqlstore.ObjectRef
	rows   []int32
	digest string
}

// groupResults groups results by object, in order of first appearance,
// and computes on every core the digest of each object that digest marks
// (the others' digest is left empty). The stored form of the results is
// built one object at a time and not kept: a store builds it again for the
// objects it compares (storeRun.object), so that a million results are
// never held twice.
func groupResults(results []unet.PolicyResult, digest map[sqlstore.ObjectRef]bool) ([]rowGroup, error) {
	at := map[sqlstore.ObjectRef]int{}
	var groups []rowGroup
	cur := -1
	for i := range results {
		r := &results[i]
		// Results come sorted by object: most belong to the previous
		// result's object.
		if cur < 0 || groups[cur].obj.Kind != r.ObjectKind || groups[cur].obj.ID != r.ObjectID {
			o := sqlstore.ObjectRef{Kind: r.ObjectKind, ID: r.ObjectID}
			g, ok := at[o]
			if !ok {
				g = len(groups)
				at[o] = g
				groups = append(groups, rowGroup{obj: o})
			}
			cur = g
		}
		groups[cur].rows = append(groups[cur].rows, int32(i))
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), len(groups)/100))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var rows []sqlstore.ResultRow
			var ptrs []*sqlstore.ResultRow
			for g := w; g < len(groups); g += workers {
				// In rule order, the order of the stored form: the
				// sorts of the rows built from them then find them
				// sorted.
				slices.SortFunc(groups[g].rows, func(a, b int32) int { return strings.Compare(results[a].Rule, results[b].Rule) })
				if !digest[groups[g].obj] {
					continue
				}
				var err error
				if rows, err = encodeGroup(rows[:0], results, groups[g].rows); err != nil {
					errs[w] = err
					return
				}
				ptrs = ptrs[:0]
				for i := range rows {
					ptrs = append(ptrs, &rows[i])
				}
				groups[g].digest = sqlstore.DigestRows(ptrs)
			}
		})
	}
	wg.Wait()
	return groups, errors.Join(errs...)
}

// encodeGroup appends to rows the stored form of the results at idx.
func encodeGroup(rows []sqlstore.ResultRow, results []unet.PolicyResult, idx []int32) ([]sqlstore.ResultRow, error) {
	for _, i := range idx {
		row, err := sqlstore.EncodeResult(&results[i])
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// readPlan is which stored results a store reads to compare.
type readPlan struct {
	// same are the objects whose stored digest is their new one: their
	// rows are neither read nor written.
	same map[sqlstore.ObjectRef]bool
	// read are the objects whose stored rows are read and compared, in
	// key order.
	read []sqlstore.ObjectRef
	// all: read the whole table instead (most objects differ), skipping
	// the rows of same objects.
	all bool
}

// planReads decides what a store reads: with a full scope, the stored rows
// of the objects whose digest differs from the new one (objects with no
// digest have no stored rows); else those of the scope's objects or, with
// none, of the objects evaluated.
func planReads(ctx context.Context, rd sqlstore.Reader, groups []rowGroup, sc storeScope) (*readPlan, error) {
	p := &readPlan{same: map[sqlstore.ObjectRef]bool{}}
	if !sc.full {
		p.read = sc.objects
		if len(p.read) == 0 {
			for _, g := range groups {
				p.read = append(p.read, g.obj)
			}
		}
		return p, nil
	}
	stored := map[sqlstore.ObjectRef]string{}
	if err := rd.PolicyDigests(ctx, func(o sqlstore.ObjectRef, d string) { stored[o] = d }); err != nil {
		return nil, err
	}
	for _, g := range groups {
		if d, ok := stored[g.obj]; ok && d != "" && d == g.digest {
			p.same[g.obj] = true
		}
	}
	for o := range stored {
		if !p.same[o] {
			p.read = append(p.read, o)
		}
	}
	sort.Slice(p.read, func(i, j int) bool { return objectLess(p.read[i], p.read[j]) })
	p.all = len(p.read) > 2*byObjectReads && 2*len(p.read) > len(stored)
	return p, nil
}

// byObjectReads is how many objects one read by object covers:
// fewer are read by object, more (and most of the table) by a full scan.
const byObjectReads = 500
