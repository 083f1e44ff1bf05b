package service

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/sqlstore"
	"github.com/unet-dev/unet/telemetry"
)

// MaxIncrementalNodes bounds the nodes an incremental evaluation covers:
// past it, evaluating everything costs about the same and is simpler.
const MaxIncrementalNodes = 2000

// IncrementalRequest is what an incremental evaluation covers.
type IncrementalRequest struct {
	// Changes are inventory change rows (nodes, links, locations), oldest
	// first.
	Changes []unet.Change
	// Nodes are node IDs evaluated in addition (the nodes of an environment
	// whose rules changed).
	Nodes []string
}

// IncrementalKind reports whether a change of this kind of object can be
// bounded by an incremental evaluation.
func IncrementalKind(kind string) bool {
	return kind == unet.KindNode || kind == unet.KindLink || kind == unet.KindLocation
}

// evalScope is the part of the inventory an incremental evaluation reads:
// the objects whose results it recomputes and those whose stored results it
// replaces.
type evalScope struct {
	side *impactSide
	// objects are every object whose stored results are replaced: those
	// evaluated, and those named by the changes that no longer exist.
	objects []sqlstore.ObjectRef
}

// EvaluateIncremental evaluates and stores what the changes can affect:
// the changed nodes, links and locations; the links of changed nodes (their
// input holds both ends); the nodes at the ends of changed links and those
// linked to changed nodes; the locations below a changed location and the
// nodes in any of them (their input holds the location and its ancestors);
// and req.Nodes. Results of changed objects that no longer exist are
// removed. A change of another kind, or more than MaxIncrementalNodes nodes
// to evaluate, makes it a full evaluation; full says which ran.
func (s *Service) EvaluateIncremental(ctx context.Context, req IncrementalRequest) (rep *unet.PolicyEvalReport, full bool, err error) {
	for _, c := range req.Changes {
		if !IncrementalKind(c.ObjectKind) {
			rep, err := s.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})
			return rep, true, err
		}
	}
	ctx, span := telemetry.Start(ctx, "policy.evaluate_incremental")
	start := time.Now()
	sc, err := s.incrementalScope(ctx, req)
	if err == nil && sc == nil {
		telemetry.End(span, nil)
		rep, err := s.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true})
		return rep, true, err
	}
	if err == nil {
		rep, err = s.evaluateScope(ctx, sc)
	}
	telemetry.End(span, err)
	if !errors.Is(err, ErrNoPolicies) {
		metrics.ObservePolicyEvaluation(metrics.EvalTrigger(ctx), time.Since(start), err)
	}
	return rep, false, err
}

// incrementalScope reads the part of the inventory the changes affect; nil
// when it is too large to bound.
func (s *Service) incrementalScope(ctx context.Context, req IncrementalRequest) (*evalScope, error) {
	objs := touchedObjects([][]unet.Change{req.Changes})
	seeds := seedsOf(objs)
	r := s.db.Reader()
	affected, seedLinks, err := affectedNodes(ctx, r, seeds, seeds.afterPaths)
	if err != nil {
		return nil, err
	}
	affected.add(req.Nodes...)
	if len(affected) > MaxIncrementalNodes {
		return nil, nil
	}
	touched := idSet{}
	touched.add(seeds.nodes...)
	side, err := loadSide(ctx, &sideReads{r: r, seedLinks: seedLinks, touched: touched}, seeds, seeds.afterPaths, affected)
	if err != nil {
		return nil, err
	}
	sc := &evalScope{side: side}
	seen := map[sqlstore.ObjectRef]bool{}
	add := func(kind, id string) {
		o := sqlstore.ObjectRef{Kind: kind, ID: id}
		if id != "" && !seen[o] {
			seen[o] = true
			sc.objects = append(sc.objects, o)
		}
	}
	for _, o := range objs {
		add(o.Kind, o.ID)
	}
	for _, n := range side.nodes {
		add(unet.KindNode, n.ID)
	}
	for _, l := range side.links {
		add(unet.KindLink, l.ID)
	}
	for _, id := range side.locations {
		add(unet.KindLocation, id)
	}
	return sc, nil
}

// evaluateScope evaluates the objects of a scope with the rules of their
// environment (links and locations: the default environment's) and stores
// the results in place of the scope's stored ones.
func (s *Service) evaluateScope(ctx context.Context, sc *evalScope) (*unet.PolicyEvalReport, error) {
	type envProgram struct {
		prog   *policy.Program
		source string
	}
	programs := map[string]envProgram{}
	programFor := func(env string, cv *canaryView) (envProgram, error) {
		if env == "" {
			env = unet.DefaultEnvironment
		}
		key := canaryEnvKey(env, cv)
		if ep, ok := programs[key]; ok {
			return ep, nil
		}
		prog, source, err := s.rules(withCanary(ctx, cv), nil, "", env)
		if err != nil {
			return envProgram{}, err
		}
		programs[key] = envProgram{prog, source}
		return programs[key], nil
	}
	base, err := programFor(unet.DefaultEnvironment, nil)
	if err != nil {
		return nil, err
	}
	router, err := s.canaryRouter(ctx)
	if err != nil {
		return nil, err
	}
	side, inv := sc.side, sc.side.inv
	rep := &unet.PolicyEvalReport{Results: []unet.PolicyResult{}, Templates: map[string][]string{}, Sets: map[string][]unet.PolicySet{}}
	keep := func(ev *policy.Evaluation, name, source string) {
		for i := range ev.Results {
			r := ev.Result(i)
			r.ObjectName = name
			rep.Results = append(rep.Results, toResult(r, source))
		}
	}
	for _, n := range side.nodes {
		ep, err := programFor(n.Environment, router.pick(inv, n))
		if err != nil {
			return nil, err
		}
		ev := ep.prog.Evaluate(policy.KindNode, inv.nodeInput(n), policy.EvalOptions{})
		keep(ev, n.FQDN, ep.source)
	}
	for _, l := range side.links {
		keep(base.prog.Evaluate(policy.KindLink, inv.linkInput(l), policy.EvalOptions{}), linkLabel(l), base.source)
	}
	locs := append([]string(nil), side.locations...)
	sort.Slice(locs, func(i, j int) bool { return inv.locations[locs[i]].Path < inv.locations[locs[j]].Path })
	for _, id := range locs {
		keep(base.prog.Evaluate(policy.KindLocation, policy.Input{Location: inv.locationMap(id)}, policy.EvalOptions{}), inv.locations[id].Path, base.source)
	}
	sortResults(rep.Results)
	n, err := s.storeResults(ctx, rep.Results, storeScope{objects: sc.objects})
	if err != nil {
		return nil, err
	}
	rep.Changed = n
	return rep, nil
}
