package service

import (
	"context"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// impactChangeSet marks the change rows of an impact's dry run when the
// caller names no set (the direct-write hook does not vet them).
const impactChangeSet = "impact"

// computeImpact dry-runs ops (as m) against the current inventory and
// computes their impact on objects, compliance and rendered configuration,
// with the guards evaluated on it.
//
// Only what the operations can affect is read, evaluated and rendered: the
// touched objects, the nodes whose policy input or render context they are
// part of (see affectedNodes), and around those the locations, links and
// peer nodes their contexts show. The after side is read inside the dry
// run's transaction, the before side from the committed state; both are
// evaluated and rendered once the transaction is rolled back.
func (s *Service) computeImpact(ctx context.Context, ops []unet.ChangeOp, m mutation) (*unet.Impact, error) {
	start := time.Now()
	if m.changeSet == "" {
		m.changeSet = impactChangeSet
	}
	var (
		objs          []touched
		before, after *impactSide
		total         int
		affected      int
	)
	_, err := s.dryRunOps(ctx, ops, m, func(tx *sqlstore.Tx, rows [][]unet.Change) error {
		objs = touchedObjects(rows)
		seeds := seedsOf(objs)
		br, ar := s.db.Reader(), tx.Reader()
		union, err := affectedNodes(ctx, br, seeds, seeds.beforePaths)
		if err != nil {
			return err
		}
		aset, err := affectedNodes(ctx, ar, seeds, seeds.afterPaths)
		if err != nil {
			return err
		}
		for id := range aset {
			union.add(id)
		}
		affected = len(union)
		if before, err = loadSide(ctx, br, seeds, seeds.beforePaths, union); err != nil {
			return err
		}
		if after, err = loadSide(ctx, ar, seeds, seeds.afterPaths, union); err != nil {
			return err
		}
		nb, err := br.CountNodes(ctx)
		if err != nil {
			return err
		}
		na, err := ar.CountNodes(ctx)
		if err != nil {
			return err
		}
		total = max(nb, na)
		return nil
	})
	if err != nil {
		return nil, err
	}
	imp := &unet.Impact{Objects: objectImpacts(objs), Policy: []unet.PolicyImpact{}, Config: []unet.ConfigImpact{},
		Problems: []unet.ImpactProblem{}}
	progs := newImpactPrograms(s)
	rb, nb, err := progs.evalSide(ctx, before)
	if err != nil {
		return nil, err
	}
	ra, na, err := progs.evalSide(ctx, after)
	if err != nil {
		return nil, err
	}
	imp.Policy = policyImpacts(rb, ra)
	generatedAt := m.now
	if generatedAt.IsZero() {
		generatedAt = s.now()
	}
	cb, err := progs.renderSide(ctx, before, generatedAt)
	if err != nil {
		return nil, err
	}
	ca, err := progs.renderSide(ctx, after, generatedAt)
	if err != nil {
		return nil, err
	}
	var renderProblems []unet.ImpactProblem
	imp.Config, renderProblems = configImpacts(cb, ca)
	imp.Problems = append(append(imp.Problems, progs.problems...), renderProblems...)
	imp.Guards = evalGuards(s.Guards(), imp, total)
	imp.Stats = unet.ImpactStats{AffectedNodes: affected, TotalNodes: total, EvaluatedRules: nb + na,
		RenderedNodes: renderedNodes(cb, ca), ConfigChanged: len(imp.Config)}
	imp.ComputedAt = s.now()
	imp.Stats.Seconds = time.Since(start).Seconds()
	return imp, nil
}

// renderedNodes counts the nodes that had a template on either side.
func renderedNodes(before, after map[string]*rendering) int {
	ids := idSet{}
	for _, side := range []map[string]*rendering{before, after} {
		for id, r := range side {
			if len(r.order) > 0 {
				ids.add(id)
			}
		}
	}
	return len(ids)
}
