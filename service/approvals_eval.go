package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/sqlstore"
)

// approvalRequirement evaluates the approval rules on the objects a set
// touches and counts approvals (decision approve, not dismissed) against
// them. A rule matches when its condition holds on the before or the after
// image of one object of its kind (in its environment, when it names one);
// the set then needs, for every matching rule, Require approvals from
// holders of the rule's role (any approver when it names none), and at
// least one approval when no rule matches.
func (s *Service) approvalRequirement(ctx context.Context, r sqlstore.Reader, objs []touched, approvals []unet.Approval) (unet.ApprovalRequirement, error) {
	live := 0
	for _, a := range approvals {
		if countsFor(a, "") {
			live++
		}
	}
	req := unet.ApprovalRequirement{Required: 1, Rules: []unet.RuleMatch{}, Approvals: live}
	rules, err := r.ListApprovalRules(ctx)
	if err != nil {
		return req, err
	}
	var ev *ruleEval
	if len(rules) > 0 && len(objs) > 0 {
		if ev, err = newRuleEval(ctx, r, objs); err != nil {
			return req, err
		}
	}
	satisfied := live >= 1
	maxReq := 0
	for _, rule := range rules {
		if ev == nil {
			break
		}
		sel, err := s.ruleSelector(rule.When)
		if err != nil {
			// A stored rule that no longer parses fails closed: it matches
			// every change set until it is fixed.
			sel = nil
		}
		matched, err := ev.match(rule, sel)
		if err != nil {
			return req, err
		}
		if len(matched) == 0 {
			continue
		}
		n := 0
		for _, a := range approvals {
			if countsFor(a, rule.Role) {
				n++
			}
		}
		req.Rules = append(req.Rules, unet.RuleMatch{Rule: rule.Name, Require: rule.Require, Role: rule.Role, Objects: matched, Approvals: n})
		maxReq = max(maxReq, rule.Require)
		if n < rule.Require {
			satisfied = false
		}
	}
	if maxReq > 0 {
		req.Required = maxReq
	}
	req.Satisfied = satisfied
	return req, nil
}

// countsFor reports whether an approval counts for a rule that asks for
// role ("" for any approver).
func countsFor(a unet.Approval, role string) bool {
	if a.Decision != unet.DecisionApprove || a.DismissedAt != nil {
		return false
	}
	return role == "" || slices.Contains(a.Roles, role)
}

// ruleSelector returns the compiled condition of a rule, compiling each
// distinct condition once per service.
func (s *Service) ruleSelector(when string) (*policy.Selector, error) {
	st := &s.review
	st.mu.Lock()
	defer st.mu.Unlock()
	if sel, ok := st.sels[when]; ok {
		return sel, nil
	}
	sel, err := policy.ParseSelector(when)
	if err != nil {
		return nil, err
	}
	if st.sels == nil || len(st.sels) >= 1024 {
		st.sels = map[string]*policy.Selector{}
	}
	st.sels[when] = sel
	return sel, nil
}

// ruleEval builds the policy inputs of the images of a set's objects: a
// node sees its location, a link its endpoint nodes, on the same side of
// the change (the set's own images first, then the store).
type ruleEval struct {
	ctx  context.Context
	r    sqlstore.Reader
	objs []touched
	// nodes, locs and links hold the images of the set's objects per side
	// (index 0 before the set, 1 after it; nil: the object does not exist
	// on that side).
	nodes [2]map[string]*unet.Node
	locs  [2]map[string]*unet.Location
	links [2]map[string]*unet.Link
	// promos holds the promotions of Git sources (after side only).
	promos [2]map[string]*unet.GitPromotion
	// stored caches the store's nodes and locations by ID (nil: missing).
	storedNodes map[string]*unet.Node
	storedLocs  map[string]*unet.Location
	// locEnvs caches the environments of the nodes below a location path.
	locEnvs map[string][]string
	// err is the first failure to read the store: the evaluation then
	// fails rather than miss a rule.
	err error
}

func newRuleEval(ctx context.Context, r sqlstore.Reader, objs []touched) (*ruleEval, error) {
	e := &ruleEval{ctx: ctx, r: r, objs: objs, storedNodes: map[string]*unet.Node{}, storedLocs: map[string]*unet.Location{},
		locEnvs: map[string][]string{}}
	for side := range 2 {
		e.nodes[side], e.locs[side], e.links[side] = map[string]*unet.Node{}, map[string]*unet.Location{}, map[string]*unet.Link{}
		e.promos[side] = map[string]*unet.GitPromotion{}
	}
	for _, o := range objs {
		for side, img := range [2]json.RawMessage{o.Before, o.After} {
			var err error
			switch o.Kind {
			case unet.KindNode:
				e.nodes[side][o.ID], err = ruleImage[unet.Node](img)
			case unet.KindLocation:
				e.locs[side][o.ID], err = ruleImage[unet.Location](img)
			case unet.KindLink:
				e.links[side][o.ID], err = ruleImage[unet.Link](img)
			case unet.KindGitSource:
				e.promos[side][o.ID], err = promotionImage(img)
			}
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", o.Kind, o.Name, err)
			}
		}
	}
	return e, nil
}

// ruleImage decodes a change-log image; JSON null (or nothing) is nil.
func ruleImage[T any](img json.RawMessage) (*T, error) {
	if nullImage(img) {
		return nil, nil
	}
	v := new(T)
	if err := json.Unmarshal(img, v); err != nil {
		return nil, fmt.Errorf("read image: %w", err)
	}
	return v, nil
}

// match returns the objects (KIND/NAME) on which a rule matches; a nil
// selector (a stored condition that no longer parses) matches every object.
func (e *ruleEval) match(rule unet.ApprovalRule, sel *policy.Selector) ([]string, error) {
	var out []string
	for _, o := range e.objs {
		if sel != nil && string(sel.Kind()) != o.Kind {
			continue
		}
		ok := false
		for side := range 2 {
			hit, err := e.matchSide(rule, sel, o, side)
			if err != nil {
				return nil, err
			}
			if hit {
				ok = true
				break
			}
		}
		if ok {
			ref := o.Kind + "/" + o.Name
			if !slices.Contains(out, ref) {
				out = append(out, ref)
			}
		}
	}
	return out, nil
}

// matchSide evaluates a rule on one image of an object.
func (e *ruleEval) matchSide(rule unet.ApprovalRule, sel *policy.Selector, o touched, side int) (bool, error) {
	var in policy.Input
	switch o.Kind {
	case unet.KindNode:
		n := e.nodes[side][o.ID]
		if n == nil || (rule.Environment != "" && n.Environment != rule.Environment) {
			return false, nil
		}
		in.Node = objectMap(n)
		if l := e.location(side, n.LocationID); l != nil {
			in.Location = locationMap(l)
		}
	case unet.KindLink:
		l := e.links[side][o.ID]
		if l == nil {
			return false, nil
		}
		a, z := e.node(side, l.ANodeID), e.node(side, l.ZNodeID)
		if rule.Environment != "" && !(a != nil && a.Environment == rule.Environment) && !(z != nil && z.Environment == rule.Environment) {
			return false, nil
		}
		m := objectMap(l)
		if a != nil {
			m["a"] = map[string]any{"node": objectMap(a), "interface": l.AInterface}
		}
		if z != nil {
			m["z"] = map[string]any{"node": objectMap(z), "interface": l.ZInterface}
		}
		in.Link = m
	case unet.KindLocation:
		l := e.locs[side][o.ID]
		if l == nil {
			return false, nil
		}
		if rule.Environment != "" {
			has, err := e.locationHasEnv(side, l, rule.Environment)
			if err != nil || !has {
				return false, err
			}
		}
		in.Location = locationMap(l)
	case unet.KindGitSource:
		p := e.promos[side][o.ID]
		if p == nil || (rule.Environment != "" && p.To != rule.Environment) {
			return false, nil
		}
		in.GitSource = map[string]any{"name": p.Name, "from": p.From, "to": p.To, "branch": p.Branch, "commit": p.Commit, "prefer": p.Prefer}
	default:
		return false, nil
	}
	if e.err != nil {
		return false, e.err
	}
	if sel == nil {
		return true, nil
	}
	ok, _ := sel.Match(in)
	return ok, nil
}

// fail keeps the first store error other than a missing object.
func (e *ruleEval) fail(err error) {
	if e.err == nil && unet.ErrorCode(err) != unet.ENOTFOUND {
		e.err = err
	}
}

// node returns a node on one side of the change: the set's image, else
// the stored node (nil when it does not exist).
func (e *ruleEval) node(side int, id string) *unet.Node {
	if id == "" {
		return nil
	}
	if n, ok := e.nodes[side][id]; ok {
		return n
	}
	if n, ok := e.storedNodes[id]; ok {
		return n
	}
	n, err := e.r.GetNode(e.ctx, id)
	if err != nil {
		e.fail(err)
		n = nil
	}
	e.storedNodes[id] = n
	return n
}

// location returns a location on one side of the change, as node does.
func (e *ruleEval) location(side int, id string) *unet.Location {
	if id == "" {
		return nil
	}
	if l, ok := e.locs[side][id]; ok {
		return l
	}
	if l, ok := e.storedLocs[id]; ok {
		return l
	}
	l, err := e.r.FindLocation(e.ctx, id)
	if err != nil {
		e.fail(err)
		l = nil
	}
	e.storedLocs[id] = l
	return l
}

// locationHasEnv reports whether a location holds (in its subtree) a node
// of env: a stored node, or one of the set's nodes placed in it on that
// side.
func (e *ruleEval) locationHasEnv(side int, l *unet.Location, env string) (bool, error) {
	for _, n := range e.nodes[side] {
		if n != nil && n.LocationID == l.ID && n.Environment == env {
			return true, nil
		}
	}
	envs, ok := e.locEnvs[l.Path]
	if !ok {
		var err error
		if envs, err = e.r.LocationEnvironments(e.ctx, l.Path); err != nil {
			return false, err
		}
		e.locEnvs[l.Path] = envs
	}
	return slices.Contains(envs, env), nil
}

// promotionImage decodes the image of a git_source change as a promotion;
// other changes of a source (activations, pins) are not promotions (nil).
func promotionImage(img json.RawMessage) (*unet.GitPromotion, error) {
	if nullImage(img) {
		return nil, nil
	}
	// A promotion's change row holds its result (source rather than name).
	var p struct {
		unet.GitPromotion
		Source string `json:"source"`
	}
	if err := json.Unmarshal(img, &p); err != nil || p.From == "" || p.To == "" {
		return nil, nil
	}
	if p.Name == "" {
		p.Name = p.Source
	}
	return &p.GitPromotion, nil
}
