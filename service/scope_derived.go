package service

import (
	"context"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// findNodeIn resolves a node reference for a read of perm that follows the
// node (SNMP state, policy results): a node outside the reader's scope is
// not found.
func (s *Service) findNodeIn(ctx context.Context, perm unet.Permission, ref string) (*unet.Node, error) {
	n, err := s.db.Reader().FindNode(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := s.hideOutOfScope(ctx, perm, unet.KindNode, ref, n); err != nil {
		return nil, err
	}
	return n, nil
}

// objectIDOK judges an object by kind and ID (a policy result or a
// compliance change): nodes and locations from the preloaded sets, links
// from a set loaded on first use. Objects that no longer exist are out of
// scope.
func (e *scopeEval) objectIDOK(kind, id string) bool {
	switch kind {
	case unet.KindNode:
		return e.nodeIDOK(id)
	case unet.KindLocation:
		l := e.location(id)
		return l != nil && e.locationOK(l)
	case unet.KindLink:
		if e.links == nil {
			e.links = map[string]*unet.Link{}
			if err := eachPage(func(p unet.Page) (*unet.List[unet.Link], error) {
				return e.r.ListLinks(e.ctx, unet.LinkFilter{Page: p}, "")
			}, func(l unet.Link) { e.links[l.ID] = &l }); err != nil {
				return false
			}
		}
		l := e.links[id]
		return l != nil && e.linkOK(l)
	}
	return false
}

// scopedResults pages stored policy results within the reader's scope.
func (s *Service) scopedResults(ctx context.Context, r sqlstore.Reader, q sqlstore.PolicyResultQuery) (*unet.List[unet.PolicyResult], error) {
	e, err := s.readEval(ctx, unet.PermPoliciesRead)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return r.ListPolicyResults(ctx, q)
	}
	if err := e.preloadNodes(); err != nil {
		return nil, err
	}
	return scopedPage(q.Page, func(p unet.Page) (*unet.List[unet.PolicyResult], error) {
		q.Page = p
		return r.ListPolicyResults(ctx, q)
	}, func(res *unet.PolicyResult) bool { return e.objectIDOK(res.ObjectKind, res.ObjectID) },
		func(res *unet.PolicyResult) string {
			return sqlstore.Cursor(res.ObjectName+"\x01"+res.Rule, res.ObjectKind+res.ObjectID)
		})
}

// scopedHistory pages the compliance history within the reader's scope.
func (s *Service) scopedHistory(ctx context.Context, r sqlstore.Reader, q sqlstore.HistoryQuery) (*unet.List[unet.ComplianceChange], error) {
	e, err := s.readEval(ctx, unet.PermPoliciesRead)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return r.ListComplianceHistory(ctx, q)
	}
	if err := e.preloadNodes(); err != nil {
		return nil, err
	}
	return scopedPage(q.Page, func(p unet.Page) (*unet.List[unet.ComplianceChange], error) {
		q.Page = p
		return r.ListComplianceHistory(ctx, q)
	}, func(c *unet.ComplianceChange) bool { return e.objectIDOK(c.ObjectKind, c.ObjectID) },
		func(c *unet.ComplianceChange) string { return sqlstore.Cursor("", c.ID) })
}

// driftInScope filters drift entries to the nodes in the reader's scope.
func (s *Service) driftInScope(ctx context.Context, entries []unet.DriftEntry) ([]unet.DriftEntry, error) {
	e, err := s.readEval(ctx, unet.PermSNMPRead)
	if err != nil || e == nil {
		return entries, err
	}
	if err := e.preloadNodes(); err != nil {
		return nil, err
	}
	in := e.fqdnsInScope()
	out := []unet.DriftEntry{}
	for _, d := range entries {
		if in[d.Node] {
			out = append(out, d)
		}
	}
	return out, nil
}

// reportInScope keeps the results, templates and SETs of an evaluation
// report that concern objects in the evaluator's scope. Rules still see
// the whole inventory (a rule may compare a node with its neighbours), and
// stored results are those of every object: they follow from the intent,
// whoever asked for the evaluation.
func (s *Service) reportInScope(ctx context.Context, rep *unet.PolicyEvalReport) (*unet.PolicyEvalReport, error) {
	e, err := s.readEval(ctx, unet.PermPoliciesEvaluate)
	if err != nil || e == nil {
		return rep, err
	}
	if err := e.preloadNodes(); err != nil {
		return nil, err
	}
	results := []unet.PolicyResult{}
	for _, r := range rep.Results {
		if e.objectIDOK(r.ObjectKind, r.ObjectID) {
			results = append(results, r)
		}
	}
	rep.Results = results
	fqdns := e.fqdnsInScope()
	for k := range rep.Templates {
		if !fqdns[k] {
			delete(rep.Templates, k)
		}
	}
	for k := range rep.Sets {
		if !fqdns[k] {
			delete(rep.Sets, k)
		}
	}
	return rep, nil
}

// fqdnsInScope is the set of FQDNs of the preloaded nodes in scope.
func (e *scopeEval) fqdnsInScope() map[string]bool {
	out := map[string]bool{}
	for id, ok := range e.nodeIn {
		if n := e.nodes[id]; ok && n != nil {
			out[n.FQDN] = true
		}
	}
	return out
}
