package service

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/sqlstore"
)

// Changes of a rule between baseline and candidate (CanaryRuleChange).
const (
	canaryNewFailure = "new_failure"
	canaryCleared    = "cleared"
	canaryChanged    = "changed"
)

// abortOnCounts are the names an abort-on condition reads.
var abortOnCounts = []string{"new_failures", "cleared_failures", "changed_results", "changed_configs", "render_errors", "nodes"}

// parseAbortOn compiles an abort-on condition: a condition of the policy
// language over the status counts (abortOnCounts).
func parseAbortOn(text string) (*policy.Selector, error) {
	return policy.ParseCountCondition(text, abortOnCounts)
}

// abortOnHolds evaluates an abort-on condition over a summary.
func abortOnHolds(text string, sum *unet.CanarySummary) (bool, error) {
	sel, err := parseAbortOn(text)
	if err != nil {
		return false, err
	}
	return sel.MatchCounts(map[string]any{"new_failures": sum.NewFailures, "cleared_failures": sum.ClearedFailures,
		"changed_results": sum.ChangedResults, "changed_configs": sum.ChangedConfigs, "render_errors": sum.RenderErrors,
		"nodes": sum.Nodes}), nil
}

func failing(status string) bool {
	return status == string(policy.StatusFail) || status == string(policy.StatusError)
}

// CanaryStatus compares candidate and baseline on the nodes the canary
// selects: the rules whose status changes, whether each rendered
// configuration changes (with its diff when diff is set), the counts and
// the verdict. The summary of an active canary is recorded.
func (s *Service) CanaryStatus(ctx context.Context, name string, diff bool) (*unet.CanaryReport, error) {
	if sc, err := s.scopeOf(ctx, unet.PermGitRead); err != nil {
		return nil, err
	} else if sc != nil {
		return nil, unet.Errorf(unet.EFORBIDDEN, "canary %s: its status reports the nodes it selects in every scope: "+
			"reading it needs an unscoped %s grant (yours is limited to %s)", name, unet.PermGitRead, sc.String())
	}
	c, err := s.db.Reader().GetCanary(ctx, name)
	if err != nil {
		return nil, err
	}
	rep, err := s.canaryReport(ctx, c, diff)
	if err != nil {
		return nil, err
	}
	if c.State == unet.CanaryActive {
		if err := s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
			return tx.SetCanarySummary(ctx, c.Name, &rep.Summary)
		}); err != nil {
			return nil, err
		}
		rep.Canary.Summary = &rep.Summary
	}
	return rep, nil
}

// canaryReport computes the comparison of a canary.
func (s *Service) canaryReport(ctx context.Context, c *unet.Canary, diff bool) (*unet.CanaryReport, error) {
	rep := &unet.CanaryReport{Canary: *c, Nodes: []unet.CanaryNode{}}
	v, err := s.canaryView(ctx, c)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, unet.Errorf(unet.ENOTFOUND, "canary %s: Git source %s no longer exists", c.Name, c.Source)
	}
	nodes, _, err := s.canaryNodes(ctx, c)
	if err != nil {
		return nil, err
	}
	ids := idSet{}
	for _, n := range nodes {
		ids.add(n.ID)
	}
	side, err := loadSide(ctx, &sideReads{r: s.db.Reader()}, impactSeeds{}, nil, ids)
	if err != nil {
		return nil, err
	}
	// Only the selected nodes are compared (loadSide adds their links).
	side.links, side.locations = nil, nil
	if err := s.loadSideDerived(ctx, side); err != nil {
		return nil, err
	}
	base, cand := newImpactPrograms(s), newImpactPrograms(s)
	cctx := withCanary(ctx, v)
	before, _, err := base.evalSide(ctx, side)
	if err != nil {
		return nil, err
	}
	after, _, err := cand.evalSide(cctx, side)
	if err != nil {
		return nil, err
	}
	at := s.now()
	rb, err := base.renderSide(ctx, side, at)
	if err != nil {
		return nil, err
	}
	ra, err := cand.renderSide(cctx, side, at)
	if err != nil {
		return nil, err
	}
	for _, p := range base.problems {
		p.Stage = "baseline"
		rep.Problems = append(rep.Problems, p)
	}
	for _, p := range cand.problems {
		p.Stage = "candidate"
		rep.Problems = append(rep.Problems, p)
	}
	byNode := map[string]*unet.CanaryNode{}
	for _, n := range side.nodes {
		rep.Nodes = append(rep.Nodes, unet.CanaryNode{Node: n.FQDN, Rules: []unet.CanaryRuleChange{}})
	}
	sort.Slice(rep.Nodes, func(i, j int) bool { return rep.Nodes[i].Node < rep.Nodes[j].Node })
	for i := range rep.Nodes {
		byNode[rep.Nodes[i].Node] = &rep.Nodes[i]
	}
	sum := &rep.Summary
	sum.Nodes, sum.At = len(rep.Nodes), at
	for _, pi := range policyImpacts(before, after) {
		cn := byNode[pi.Object]
		if cn == nil {
			continue
		}
		ch := unet.CanaryRuleChange{Rule: pi.Rule, Severity: pi.Severity, Baseline: pi.Before, Candidate: pi.After, Message: pi.Message}
		switch {
		case failing(pi.After) && !failing(pi.Before):
			ch.Change = canaryNewFailure
			sum.NewFailures++
		case failing(pi.Before) && !failing(pi.After):
			ch.Change = canaryCleared
			sum.ClearedFailures++
		default:
			ch.Change = canaryChanged
		}
		sum.ChangedResults++
		cn.Rules = append(cn.Rules, ch)
	}
	configs, _ := configImpacts(rb, ra)
	for _, ci := range configs {
		cn := byNode[ci.Node]
		if cn == nil {
			continue
		}
		cn.ConfigChanged, cn.Added, cn.Removed = true, ci.Added, ci.Removed
		if diff {
			cn.Diff = ci.Diff
		}
		sum.ChangedConfigs++
	}
	for _, r := range ra {
		cn := byNode[r.node.FQDN]
		if cn == nil || len(r.failures) == 0 {
			continue
		}
		keys := make([]string, 0, len(r.failures))
		for k := range r.failures {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			cn.RenderErrors = append(cn.RenderErrors, r.failures[k])
		}
		sum.RenderErrors += len(keys)
	}
	sum.Verdict = unet.CanaryPass
	if sum.NewFailures > 0 {
		sum.Reasons = append(sum.Reasons, fmt.Sprintf("%d new failure(s)", sum.NewFailures))
	}
	if sum.RenderErrors > 0 {
		sum.Reasons = append(sum.Reasons, fmt.Sprintf("%d render error(s) with the candidate", sum.RenderErrors))
	}
	for _, p := range cand.problems {
		sum.Reasons = append(sum.Reasons, "candidate: "+p.Object+": "+p.Message)
	}
	if len(sum.Reasons) > 0 {
		sum.Verdict = unet.CanaryFail
	}
	return rep, nil
}

// loadSideDerived adds the polled state of the side's nodes (status.*,
// interfaces), as a full evaluation sees it.
func (s *Service) loadSideDerived(ctx context.Context, side *impactSide) error {
	full := &inventory{}
	if err := s.loadDerived(ctx, full); err != nil {
		return err
	}
	for _, n := range side.nodes {
		if st, ok := full.statuses[n.ID]; ok {
			side.inv.statuses[n.ID] = st
		}
		if ifs, ok := full.interfaces[n.ID]; ok {
			side.inv.interfaces[n.ID] = ifs
		}
	}
	return nil
}

// CheckCanaries ends the active canaries whose TTL has passed (state
// expired, reason ttl) and those whose abort-on condition holds on a fresh
// status (state aborted, reason abort_on); the status summary of the others
// is recorded. The canary job of the leader runs it every
// --canary-interval.
func (s *Service) CheckCanaries(ctx context.Context, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	list, err := s.db.Reader().ListCanaries(ctx, false)
	if err != nil {
		return err
	}
	ctx = unet.WithActor(ctx, "system")
	var firstErr error
	keep := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	for i := range list {
		c := &list[i]
		if !s.now().Before(c.ExpiresAt) {
			_, err := s.endCanary(ctx, c.Name, unet.CanaryExpired, unet.CanaryReasonTTL, "TTL "+c.TTL+" passed", c.Summary)
			if err == nil {
				logger.Info("canary expired", slog.String("canary", c.Name))
			}
			keep(err)
			continue
		}
		if c.AbortOn == "" {
			continue
		}
		rep, err := s.canaryReport(ctx, c, false)
		if err != nil {
			keep(err)
			continue
		}
		hold, err := abortOnHolds(c.AbortOn, &rep.Summary)
		if err != nil {
			keep(err)
			continue
		}
		if !hold {
			keep(s.db.WithTx(ctx, func(tx *sqlstore.Tx) error { return tx.SetCanarySummary(ctx, c.Name, &rep.Summary) }))
			continue
		}
		_, err = s.endCanary(ctx, c.Name, unet.CanaryAborted, unet.CanaryReasonAbortOn, c.AbortOn, &rep.Summary)
		if err == nil {
			logger.Warn("canary aborted by its abort-on condition", slog.String("canary", c.Name), slog.String("abort_on", c.AbortOn))
		}
		keep(err)
	}
	return firstErr
}

// RunCanaryChecks runs CheckCanaries every interval until ctx ends.
func (s *Service) RunCanaryChecks(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.CheckCanaries(ctx, logger); err != nil && ctx.Err() == nil {
			logger.Error("canary check failed", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
