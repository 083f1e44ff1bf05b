package service

import (
	"context"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/templates"
)

// impactReuseBefore makes the after side of an impact take what the
// operations cannot have changed from the before side (see sideReads);
// the tests turn it off to compare with the after side read in full.
var impactReuseBefore = true

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
	run := s.runImpact(ctx, ops, m)
	if run.runErr != nil {
		return nil, run.runErr
	}
	return run.impact, run.err
}

// impactRun is the outcome of one dry run of a set's operations with the
// impact computed on it: what the requirement and the conflicts of the set
// need (its change rows) comes from the same run as its impact.
type impactRun struct {
	// rows are the change rows of each operation; runErr is the failure of
	// the operations themselves (rows are nil then, and so is impact).
	rows   [][]unet.Change
	runErr error
	// impact is the impact of the operations, err its failure past the
	// operations (reading, evaluating or rendering).
	impact *unet.Impact
	err    error
	// What the impact was computed from beyond the inventory and the set,
	// for the impact cache: the affected nodes and their poll times (read
	// before their polled state), the revisions of the rules and the
	// template sources of the environments used.
	affected  []string
	polled    []string
	rules     map[string]string
	templates map[string]*templates.Env
}

// runImpact dry-runs ops (as m) once and computes their impact (see
// computeImpact), keeping the change rows of the run.
func (s *Service) runImpact(ctx context.Context, ops []unet.ChangeOp, m mutation) impactRun {
	start := time.Now()
	if m.changeSet == "" {
		m.changeSet = impactChangeSet
	}
	var (
		run           impactRun
		ran           bool
		objs          []touched
		before, after *impactSide
		total         int
		affected      int
	)
	_, err := s.dryRunOps(ctx, ops, m, func(tx *sqlstore.Tx, rows [][]unet.Change) error {
		ran, run.rows = true, rows
		objs = touchedObjects(rows)
		seeds := seedsOf(objs)
		br, ar := s.db.Reader(), tx.Reader()
		union, bLinks, err := affectedNodes(ctx, br, seeds, seeds.beforePaths)
		if err != nil {
			return err
		}
		aset, aLinks, err := affectedNodes(ctx, ar, seeds, seeds.afterPaths)
		if err != nil {
			return err
		}
		for id := range aset {
			union.add(id)
		}
		affected = len(union)
		run.affected = union.sorted()
		if run.polled, err = br.NodePollTimes(ctx, run.affected); err != nil {
			return err
		}
		touched, dirty := idSet{}, idSet{}
		touched.add(seeds.nodes...)
		dirty.add(seeds.nodes...)
		dirty.add(seeds.endpoints...)
		bsr := &sideReads{r: br, seedLinks: bLinks, touched: touched}
		if before, err = loadSide(ctx, bsr, seeds, seeds.beforePaths, union); err != nil {
			return err
		}
		asr := &sideReads{r: ar, seedLinks: aLinks, touched: touched, dirty: dirty}
		if impactReuseBefore {
			asr.base = before
		}
		if after, err = loadSide(ctx, asr, seeds, seeds.afterPaths, union); err != nil {
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
		if !ran {
			return impactRun{runErr: err}
		}
		run.err = err
		return run
	}
	progs := newImpactPrograms(s)
	run.impact, run.err = s.impactOf(ctx, m, progs, objs, before, after, affected, total, start)
	run.rules, run.templates = progs.rules, progs.envs
	return run
}

// impactOf evaluates and renders both sides of a dry run and compares them.
func (s *Service) impactOf(ctx context.Context, m mutation, progs *impactPrograms, objs []touched, before, after *impactSide,
	affected, total int, start time.Time) (*unet.Impact, error) {
	imp := &unet.Impact{Objects: objectImpacts(objs), Policy: []unet.PolicyImpact{}, Config: []unet.ConfigImpact{},
		Problems: []unet.ImpactProblem{}}
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
	after.shareDicts()
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
