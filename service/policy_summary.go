package service

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// SummarizePolicyResults counts the stored results the caller may see. A
// caller who sees every object reads the counts kept with the results
// (sqlstore.CountPolicyResults, FailingObjects) and decodes only the
// listed failing nodes; a scoped caller's summary is counted from the
// results of the objects in their scope, every one decoded.
func (s *Service) SummarizePolicyResults(ctx context.Context, f unet.PolicyResultSummaryFilter) (*unet.PolicyResultSummary, error) {
	top := f.Top
	switch {
	case top < 0:
		return nil, unet.Errorf(unet.EINVALID, "top must not be negative")
	case top == 0:
		top = unet.DefaultSummaryTop
	case top > unet.MaxSummaryTop:
		return nil, unet.Errorf(unet.EINVALID, "top must be at most %d", unet.MaxSummaryTop)
	}
	e, err := s.readEval(ctx, unet.PermPoliciesRead)
	if err != nil {
		return nil, err
	}
	r := s.db.Reader()
	if e == nil {
		return storedSummary(ctx, r, top)
	}
	if err := e.preloadNodes(); err != nil {
		return nil, err
	}
	return scopedSummary(ctx, r, top, e.objectIDOK)
}

// storedSummary is the summary of every stored result from the kept
// counts.
func storedSummary(ctx context.Context, r sqlstore.Reader, top int) (*unet.PolicyResultSummary, error) {
	counts, err := r.CountPolicyResults(ctx)
	if err != nil {
		return nil, err
	}
	objs, total, err := r.FailingObjects(ctx, unet.KindNode, top)
	if err != nil {
		return nil, err
	}
	nodes := make([]unet.FailingNode, len(objs))
	at := make(map[sqlstore.ObjectRef]int, len(objs))
	refs := make([]sqlstore.ObjectRef, len(objs))
	for i, o := range objs {
		nodes[i] = unet.FailingNode{ID: o.ID, Name: o.Name, Critical: o.Critical, High: o.High, Rules: []string{}}
		at[o.ObjectRef] = i
		refs[i] = o.ObjectRef
	}
	err = r.StoredObjectsOf(ctx, refs, func(o *sqlstore.StoredObject) error {
		n := &nodes[at[o.ObjectRef]]
		return o.Each(func(row *sqlstore.StoredRow) {
			if failingSevere(row) {
				n.Rules = append(n.Rules, row.Rule)
			}
		})
	})
	if err != nil {
		return nil, err
	}
	for i := range nodes {
		sortRules(&nodes[i])
	}
	sum := summaryOf(counts)
	sum.FailingNodes, sum.FailingNodesTotal = nodes, total
	return sum, nil
}

// scopedSummary counts the results of the objects ok accepts.
func scopedSummary(ctx context.Context, r sqlstore.Reader, top int, ok func(kind, id string) bool) (*unet.PolicyResultSummary, error) {
	counts := map[sqlstore.ResultCount]int{}
	var failing []unet.FailingNode
	err := r.AllStoredObjects(ctx, func(o *sqlstore.StoredObject) error {
		if !ok(o.Kind, o.ID) {
			return nil
		}
		n := unet.FailingNode{ID: o.ID, Name: o.Name, Rules: []string{}}
		err := o.Each(func(row *sqlstore.StoredRow) {
			counts[sqlstore.ResultCount{Rule: row.Rule, Severity: row.Severity, Status: row.Status}]++
			if o.Kind == unet.KindNode && failingSevere(row) {
				if row.Severity == sqlstore.SeverityCritical {
					n.Critical++
				} else {
					n.High++
				}
				n.Rules = append(n.Rules, row.Rule)
			}
		})
		if n.Critical+n.High > 0 {
			failing = append(failing, n)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	list := make([]sqlstore.ResultCount, 0, len(counts))
	for c, n := range counts {
		c.N = n
		list = append(list, c)
	}
	sqlstore.SortResultCounts(list)
	slices.SortFunc(failing, func(a, b unet.FailingNode) int {
		if c := cmp.Compare(b.Critical, a.Critical); c != 0 {
			return c
		}
		if c := cmp.Compare(b.High, a.High); c != 0 {
			return c
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	sum := summaryOf(list)
	sum.FailingNodesTotal = len(failing)
	sum.FailingNodes = failing[:min(top, len(failing))]
	for i := range sum.FailingNodes {
		sortRules(&sum.FailingNodes[i])
	}
	return sum, nil
}

// failingSevere reports whether a result fails a critical or high rule.
func failingSevere(r *sqlstore.StoredRow) bool {
	return r.Status == unet.StatusFail && (r.Severity == sqlstore.SeverityCritical || r.Severity == sqlstore.SeverityHigh)
}

// sortRules orders a failing node's rules by name.
func sortRules(n *unet.FailingNode) { slices.Sort(n.Rules) }

// summaryOf is the summary of counts (ordered by rule, severity and
// status), without failing nodes.
func summaryOf(counts []sqlstore.ResultCount) *unet.PolicyResultSummary {
	sum := &unet.PolicyResultSummary{ByStatus: map[string]int{}, BySeverity: []unet.PolicyResultCount{},
		ByRule: make([]unet.PolicyResultCount, 0, len(counts)), FailingNodes: []unet.FailingNode{}}
	bySev := map[[2]string]int{}
	for _, c := range counts {
		sum.Total += c.N
		sum.ByStatus[c.Status] += c.N
		bySev[[2]string{c.Severity, c.Status}] += c.N
		sum.ByRule = append(sum.ByRule, unet.PolicyResultCount{Rule: c.Rule, Severity: c.Severity, Status: c.Status, Count: c.N})
	}
	for k, n := range bySev {
		sum.BySeverity = append(sum.BySeverity, unet.PolicyResultCount{Severity: k[0], Status: k[1], Count: n})
	}
	slices.SortFunc(sum.BySeverity, func(a, b unet.PolicyResultCount) int {
		if c := cmp.Compare(unet.SeverityRank(a.Severity), unet.SeverityRank(b.Severity)); c != 0 {
			return c
		}
		if c := strings.Compare(a.Severity, b.Severity); c != 0 {
			return c
		}
		return strings.Compare(a.Status, b.Status)
	})
	return sum
}
