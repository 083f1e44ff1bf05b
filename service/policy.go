package service

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/jinja"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/sqlstore"
)

// PolicySource supplies the rules of an environment when a request carries none
// (the server's policy directory, or the active Git snapshot of that
// environment).
type PolicySource func(ctx context.Context, env string) (files []unet.PolicyFile, source string, err error)

// SetPolicySource configures where rules come from when a request has none.
func (s *Service) SetPolicySource(src PolicySource) { s.policySource = src }

// compilePolicies parses and compiles rule files; syntax and checker errors are
// returned as one invalid error whose field errors carry file:line:col.
func compilePolicies(files []unet.PolicyFile) (*policy.Program, error) {
	var parsed []*policy.File
	var errs policy.ErrorList
	for _, f := range files {
		pf, err := policy.ParseFile(f.Name, []byte(f.Content))
		if err != nil {
			if el, ok := err.(policy.ErrorList); ok {
				errs = append(errs, el...)
				continue
			}
			return nil, unet.Invalid("policy parse error", unet.FieldError{File: f.Name, Message: err.Error()})
		}
		parsed = append(parsed, pf)
	}
	if len(errs) == 0 {
		prog, err := policy.Compile(parsed...)
		if err == nil {
			return prog, nil
		}
		el, ok := err.(policy.ErrorList)
		if !ok {
			return nil, unet.Invalid("policy error", unet.FieldError{Message: err.Error()})
		}
		errs = el
	}
	return nil, PolicyErrors(errs)
}

// PolicyErrors converts positioned policy errors into an invalid error; the
// field of each is "line:col" and the message carries the source line.
func PolicyErrors(errs policy.ErrorList) error {
	fe := make([]unet.FieldError, 0, len(errs))
	for _, e := range errs {
		fe = append(fe, unet.FieldError{File: e.File, Field: fmt.Sprintf("%d:%d", e.Line, e.Col), Message: e.Msg})
	}
	return &unet.Error{Code: unet.EINVALID, Message: "policy errors", Fields: fe, Err: errs}
}

// ValidatePolicies parses and checks rule files without evaluating them.
func (s *Service) ValidatePolicies(ctx context.Context, files []unet.PolicyFile) ([]unet.FieldError, error) {
	if _, err := compilePolicies(files); err != nil {
		if unet.ErrorCode(err) == unet.EINVALID {
			return unet.ErrorFields(err), nil
		}
		return nil, err
	}
	return nil, nil
}

// PolicyWarnings compiles rule files and returns the checker's warnings
// (rules that run but may not mean what was intended, such as a rule that
// reads only location fields and the short form custom_data.<path>) as
// field errors like those of ValidatePolicies: File, Field "line:col" and
// Message. Files that do not compile are an invalid error.
func (s *Service) PolicyWarnings(ctx context.Context, files []unet.PolicyFile) ([]unet.FieldError, error) {
	prog, err := compilePolicies(files)
	if err != nil {
		return nil, err
	}
	warns := prog.Warnings()
	if len(warns) == 0 {
		return nil, nil
	}
	fe := make([]unet.FieldError, 0, len(warns))
	for _, w := range warns {
		fe = append(fe, unet.FieldError{File: w.File, Field: fmt.Sprintf("%d:%d", w.Line, w.Col), Message: w.Msg})
	}
	return fe, nil
}

func (s *Service) rules(ctx context.Context, files []unet.PolicyFile, source, env string) (*policy.Program, string, error) {
	if len(files) == 0 {
		if env == "" {
			env = unet.DefaultEnvironment
		}
		src := s.policySource
		if src == nil {
			src = s.defaultPolicies
		}
		var err error
		files, source, err = src(ctx, env)
		if err != nil {
			return nil, "", err
		}
	}
	prog, err := compilePolicies(files)
	return prog, source, err
}

// objectMap turns an object into the generic map policies see: its JSON form
// without empty strings, so an unset field is missing (IS NULL holds).
func objectMap(v any) map[string]any {
	switch x := v.(type) {
	case *unet.Link:
		return linkMap(x)
	case *unet.Location:
		return locationObjectMap(x)
	}
	return reflectedObjectMap(v)
}

// reflectedObjectMap is objectMap through the object's JSON form.
func reflectedObjectMap(v any) map[string]any {
	m := fullMap(v)
	for k, x := range m {
		if s, ok := x.(string); ok && s == "" {
			delete(m, k)
		}
	}
	return m
}

// inventory is a read snapshot of what evaluations need.
type inventory struct {
	nodes     []unet.Node
	locations map[string]*unet.Location // by ID
	links     []unet.Link
	nodeMaps  map[string]map[string]any
	// byID and linksOf index nodes and links (see indexLinks).
	byID    map[string]*unet.Node
	linksOf map[string][]int
	// statuses and interfaces are the polled state, by node ID.
	statuses   map[string]map[string]any
	interfaces map[string][]any
	// dicts caches the template dicts of nodes and locations (see dict);
	// renders running in parallel share it under dictsMu.
	dictsMu sync.Mutex
	dicts   map[any]*jinja.Dict
}

// dict returns a fresh copy of the template dict of a stored node or
// location: converted once per inventory (a node is the peer of many
// others), cloned for each render so that no render sees what another
// changed.
func (inv *inventory) dict(v any) *jinja.Dict {
	inv.dictsMu.Lock()
	d, ok := inv.dicts[v]
	inv.dictsMu.Unlock()
	if !ok {
		d = templateDict(v)
		inv.dictsMu.Lock()
		if inv.dicts == nil {
			inv.dicts = map[any]*jinja.Dict{}
		}
		inv.dicts[v] = d
		inv.dictsMu.Unlock()
	}
	return jinja.Clone(d).(*jinja.Dict)
}

func (s *Service) loadInventory(ctx context.Context, withLinks bool) (*inventory, error) {
	r := s.db.Reader()
	inv := &inventory{locations: map[string]*unet.Location{}, nodeMaps: map[string]map[string]any{}}
	if err := eachPage(func(p unet.Page) (*unet.List[unet.Location], error) {
		return r.ListLocations(ctx, unet.LocationFilter{Page: p}, "")
	}, func(l unet.Location) { inv.locations[l.ID] = &l }); err != nil {
		return nil, err
	}
	if err := eachPage(func(p unet.Page) (*unet.List[unet.Node], error) {
		return r.ListNodes(ctx, sqlstore.NodeQuery{NodeFilter: unet.NodeFilter{Page: p}})
	}, func(n unet.Node) { inv.nodes = append(inv.nodes, n) }); err != nil {
		return nil, err
	}
	// Links load on a connection of their own while the nodes' policy maps
	// are built.
	var linksErr error
	var loading sync.WaitGroup
	if withLinks {
		loading.Go(func() {
			inv.links, linksErr = r.AllLinks(ctx)
		})
	}
	for i := range inv.nodes {
		inv.nodeMaps[inv.nodes[i].ID] = objectMap(&inv.nodes[i])
	}
	loading.Wait()
	if linksErr != nil {
		return nil, linksErr
	}
	if err := s.loadDerived(ctx, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// loadDerived adds the polled state that policies see as status.* and
// interfaces.
func (s *Service) loadDerived(ctx context.Context, inv *inventory) error {
	r := s.db.Reader()
	sts, err := r.ListNodeStatuses(ctx)
	if err != nil {
		return err
	}
	inv.statuses = make(map[string]map[string]any, len(sts))
	for i := range sts {
		inv.statuses[sts[i].NodeID] = fullMap(&sts[i])
	}
	all, err := r.AllInterfaces(ctx)
	if err != nil {
		return err
	}
	inv.interfaces = make(map[string][]any, len(all))
	addInterfaces(inv.interfaces, all)
	return nil
}

// addInterfaces decodes each node's stored interface documents into the
// policy input's list form (a document that does not decode is left out).
func addInterfaces(into map[string][]any, all map[string][]json.RawMessage) {
	for id, docs := range all {
		list := make([]any, 0, len(docs))
		for _, d := range docs {
			var m map[string]any
			if json.Unmarshal(d, &m) == nil {
				list = append(list, m)
			}
		}
		into[id] = list
	}
}

// indexLinks builds the node and per-node link indexes once.
func (inv *inventory) indexLinks() {
	if inv.byID != nil {
		return
	}
	inv.byID = make(map[string]*unet.Node, len(inv.nodes))
	for i := range inv.nodes {
		inv.byID[inv.nodes[i].ID] = &inv.nodes[i]
	}
	inv.linksOf = map[string][]int{}
	for i := range inv.links {
		l := &inv.links[i]
		inv.linksOf[l.ANodeID] = append(inv.linksOf[l.ANodeID], i)
		if l.ZNodeID != "" && l.ZNodeID != l.ANodeID {
			inv.linksOf[l.ZNodeID] = append(inv.linksOf[l.ZNodeID], i)
		}
	}
}

// locationMap is a location as policies see it, with "ancestors" (names, root
// first).
func (inv *inventory) locationMap(id string) map[string]any {
	l := inv.locations[id]
	if l == nil {
		return nil
	}
	m := objectMap(l)
	var anc []any
	for p := inv.locations[l.ParentID]; p != nil; p = inv.locations[p.ParentID] {
		anc = append([]any{p.Name}, anc...)
	}
	if anc == nil {
		anc = []any{}
	}
	m["ancestors"] = anc
	return m
}

func (inv *inventory) nodeInput(n *unet.Node) policy.Input {
	in := policy.Input{Node: inv.nodeMaps[n.ID], Location: inv.locationMap(n.LocationID), Status: inv.statuses[n.ID]}
	if ifs, ok := inv.interfaces[n.ID]; ok {
		in.Interfaces = ifs
	}
	return in
}

func (inv *inventory) linkInput(l *unet.Link) policy.Input {
	m := objectMap(l)
	m["a"] = map[string]any{"node": inv.nodeMaps[l.ANodeID], "interface": l.AInterface}
	if l.ZNodeID != "" {
		m["z"] = map[string]any{"node": inv.nodeMaps[l.ZNodeID], "interface": l.ZInterface}
	}
	return policy.Input{Link: m}
}

func toResult(r policy.Result, source string) unet.PolicyResult {
	out := unet.PolicyResult{ObjectKind: string(r.ObjectKind), ObjectID: r.ObjectID, ObjectName: r.ObjectName,
		Rule: r.Rule, Severity: string(r.Severity), Status: string(r.Status), Expected: r.Expected, Actual: r.Actual,
		Message: r.Message, File: r.File, Line: r.Line, Warnings: r.Warnings, Source: source}
	if len(r.Explain) > 0 {
		out.Explain = r.Explain
	}
	return out
}

// evaluatePolicies evaluates rules over the inventory (or the selected nodes),
// returns every result, and with req.Store keeps them and their history.
func (s *Service) evaluatePolicies(ctx context.Context, req unet.PolicyEvalRequest) (*unet.PolicyEvalReport, error) {
	// Rules given in the request apply to every node; otherwise each node is
	// evaluated with the rules of its environment (links and locations with
	// those of the default environment).
	type envProgram struct {
		prog   *policy.Program
		source string
	}
	programs := map[string]envProgram{}
	programFor := func(env string, cv *canaryView) (envProgram, error) {
		if len(req.Files) > 0 || env == "" {
			env = unet.DefaultEnvironment
		}
		key := canaryEnvKey(env, cv)
		if ep, ok := programs[key]; ok {
			return ep, nil
		}
		prog, source, err := s.rules(withCanary(ctx, cv), req.Files, req.Source, env)
		if err != nil {
			return envProgram{}, err
		}
		if req.Source != "" {
			source = req.Source
		}
		programs[key] = envProgram{prog, source}
		return programs[key], nil
	}
	base, err := programFor(unet.DefaultEnvironment, nil)
	if err != nil {
		return nil, err
	}
	prog, source := base.prog, base.source
	inv, err := s.loadInventory(ctx, len(req.Nodes) == 0)
	if err != nil {
		return nil, err
	}
	nodes := inv.nodes
	if len(req.Nodes) > 0 {
		nodes = nil
		for _, ref := range req.Nodes {
			n, err := s.findNodeIn(ctx, unet.PermPoliciesEvaluate, ref)
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, *n)
		}
	}
	rep := &unet.PolicyEvalReport{Results: make([]unet.PolicyResult, 0, resultsHint(ctx, prog, req, len(nodes), len(inv.links), len(inv.locations))),
		Templates: map[string][]string{}, Sets: map[string][]unet.PolicySet{}}
	opts := policy.EvalOptions{Explain: req.Explain}
	keep := func(r policy.Result) bool { return req.Rule == "" || r.Rule == req.Rule }
	// The records this evaluation builds are counted as it streams: past
	// the request's budget (max_engine_results on the server) it stops at
	// once, before the memory is spent, instead of failing later on the
	// size of the answer.
	budget := unet.MaxEngineResults(ctx)
	records, evaluated, total := 0, 0, len(nodes)
	if len(req.Nodes) == 0 {
		total += len(inv.links) + len(inv.locations)
	}
	over := false
	var mu sync.Mutex
	collect := func(ev *policy.Evaluation, name, source string, isNode bool) bool {
		mu.Lock()
		defer mu.Unlock()
		if over {
			return false
		}
		evaluated++
		if evaluated%500 == 0 || evaluated == total {
			reportProgress(ctx, "evaluate", evaluated, total)
		}
		n := len(ev.Results)
		if isNode {
			// A SET counts the elements of the value it copied (one for a
			// scalar), as they are kept in the answer.
			n += ev.SetValues + len(ev.Templates)
		}
		if records += n; budget > 0 && records > budget {
			over = true
			return false
		}
		for i := range ev.Results {
			// One result at a time: the whole object's results as a slice
			// would be garbage at once (about 200 MB over a million).
			r := ev.Result(i)
			if keep(r) {
				// Objects are named as everywhere else: node FQDN, link label,
				// location path.
				r.ObjectName = name
				rep.Results = append(rep.Results, toResult(r, source))
			}
		}
		if isNode {
			if len(ev.Templates) > 0 {
				rep.Templates[name] = append([]string(nil), ev.Templates...)
			}
			for _, op := range ev.Sets {
				rep.Sets[name] = append(rep.Sets[name], unet.PolicySet{Rule: op.Rule, Path: op.Path, Value: op.Value, File: op.File, Line: op.Line})
			}
		}
		return true
	}
	tooMany := func() error {
		return &unet.Error{Code: unet.EINVALID, Message: fmt.Sprintf(
			"the evaluation would build more than %d results and SET records (max_engine_results): stopped after %d of %d objects; narrow the request (nodes: fewer nodes, rule: one rule, fewer SETs per rule)",
			budget, evaluated, total),
			Fields: []unet.FieldError{{Field: "nodes", Message: fmt.Sprintf("the rules make more than %d results and SET records over these objects (max_engine_results)", budget)}}}
	}
	// Nodes a canary selects are evaluated with its candidate: one group per
	// environment and canary. The active canaries are read once.
	var router *canaryRouter
	if len(req.Files) == 0 {
		if router, err = s.canaryRouter(ctx); err != nil {
			return nil, err
		}
	}
	byEnv := map[string][]int{}
	canaries := map[string]*canaryView{}
	envOf := map[string]string{}
	var envs []string
	for i := range nodes {
		env := nodes[i].Environment
		if len(req.Files) > 0 {
			env = unet.DefaultEnvironment
		}
		cv := router.pick(inv, &nodes[i])
		key := canaryEnvKey(env, cv)
		if _, ok := byEnv[key]; !ok {
			envs = append(envs, key)
			canaries[key], envOf[key] = cv, env
		}
		byEnv[key] = append(byEnv[key], i)
	}
	sort.Strings(envs)
	for _, key := range envs {
		ep, err := programFor(envOf[key], canaries[key])
		if err != nil {
			return nil, err
		}
		idx := byEnv[key]
		// Inputs are built as the objects are evaluated (EvaluateBuilt):
		// they are not all held at once.
		if !ep.prog.EvaluateBuilt(policy.KindNode, len(idx), func(j int) policy.Input { return inv.nodeInput(&nodes[idx[j]]) }, opts, func(j int, ev *policy.Evaluation) bool {
			return collect(ev, nodes[idx[j]].FQDN, ep.source, true)
		}) {
			return nil, tooMany()
		}
	}
	if len(req.Nodes) == 0 {
		if !prog.EvaluateBuilt(policy.KindLink, len(inv.links), func(i int) policy.Input { return inv.linkInput(&inv.links[i]) }, opts, func(i int, ev *policy.Evaluation) bool {
			return collect(ev, linkLabel(&inv.links[i]), source, false)
		}) {
			return nil, tooMany()
		}
		ids := make([]string, 0, len(inv.locations))
		for id := range inv.locations {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return inv.locations[ids[i]].Path < inv.locations[ids[j]].Path })
		if !prog.EvaluateBuilt(policy.KindLocation, len(ids), func(i int) policy.Input { return policy.Input{Location: inv.locationMap(ids[i])} }, opts, func(i int, ev *policy.Evaluation) bool {
			return collect(ev, inv.locations[ids[i]].Path, source, false)
		}) {
			return nil, tooMany()
		}
	}
	evaluationCounts(ctx, prog, len(nodes), evaluated, len(rep.Results))
	sortResults(rep.Results)
	if req.Store {
		n, err := s.storeResults(ctx, rep.Results, storeScope{full: len(req.Nodes) == 0 && req.Rule == ""})
		if err != nil {
			return nil, err
		}
		rep.Changed = n
	}
	return s.reportInScope(ctx, rep)
}

// sortResults orders results by object kind, object name, then rule order of
// appearance is kept by a stable sort.
func sortResults(rs []unet.PolicyResult) {
	kindRank := map[string]int{unet.KindNode: 0, unet.KindLink: 1, unet.KindLocation: 2}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].ObjectKind != rs[j].ObjectKind {
			return kindRank[rs[i].ObjectKind] < kindRank[rs[j].ObjectKind]
		}
		if rs[i].ObjectName != rs[j].ObjectName {
			return rs[i].ObjectName < rs[j].ObjectName
		}
		return false
	})
}

// ListPolicyResults returns stored results.
func (s *Service) ListPolicyResults(ctx context.Context, f unet.PolicyResultFilter) (*unet.List[unet.PolicyResult], error) {
	q := sqlstore.PolicyResultQuery{PolicyResultFilter: f}
	if f.Node != "" {
		n, err := s.findNodeIn(ctx, unet.PermPoliciesRead, f.Node)
		if err != nil {
			return nil, err
		}
		q.ObjectID = n.ID
	}
	return s.scopedResults(ctx, s.db.Reader(), q)
}

// ListComplianceHistory returns compliance state changes, newest first.
func (s *Service) ListComplianceHistory(ctx context.Context, f unet.ComplianceHistoryFilter) (*unet.List[unet.ComplianceChange], error) {
	q := sqlstore.HistoryQuery{ComplianceHistoryFilter: f}
	if f.Node != "" {
		n, err := s.findNodeIn(ctx, unet.PermPoliciesRead, f.Node)
		if err != nil {
			return nil, err
		}
		q.ObjectID = n.ID
	}
	return s.scopedHistory(ctx, s.db.Reader(), q)
}

// ApplyPolicies evaluates the rules and writes the custom_data their SETs
// produce into the nodes, as one batch of tracked changes.
func (s *Service) ApplyPolicies(ctx context.Context, req unet.PolicyApplyRequest) (*unet.PolicyApplyReport, error) {
	m, err := s.writeMutation(ctx, req.Reason, req.Emergency)
	if err != nil {
		return nil, err
	}
	if m.reason == "" {
		m.reason = "policy apply"
	}
	programs := map[string]*policy.Program{}
	inv, err := s.loadInventory(ctx, false)
	if err != nil {
		return nil, err
	}
	type pending struct {
		node   unet.Node
		custom map[string]any
	}
	var todo []pending
	budget, records := unet.MaxEngineResults(ctx), 0
	for i := range inv.nodes {
		n := &inv.nodes[i]
		prog := programs[n.Environment]
		if prog == nil {
			if prog, _, err = s.rules(ctx, req.Files, req.Source, n.Environment); err != nil {
				return nil, err
			}
			programs[n.Environment] = prog
		}
		ev := prog.EvalNode(inv.nodeInput(n))
		if len(ev.Sets) == 0 {
			continue
		}
		// Each node with SETs keeps its new custom_data until the write:
		// the SET records count against the request's budget as they come.
		if records += ev.SetValues; budget > 0 && records > budget {
			return nil, &unet.Error{Code: unet.EINVALID, Message: fmt.Sprintf(
				"the rules make more than %d SET records (max_engine_results): stopped after %d of %d nodes; use fewer SETs per rule",
				budget, i+1, len(inv.nodes)),
				Fields: []unet.FieldError{{Field: "files", Message: fmt.Sprintf("the rules make more than %d SET records over the inventory (max_engine_results)", budget)}}}
		}
		cd := ev.CustomData
		b1, err := json.Marshal(cd)
		if err != nil {
			return nil, unet.Errorf(unet.EINVALID, "node %s: custom data set by policy: %v", n.FQDN, err)
		}
		b2, err := json.Marshal(n.CustomData)
		if err != nil {
			return nil, unet.Internal(fmt.Errorf("node %s: custom data: %w", n.FQDN, err))
		}
		if string(b1) == string(b2) {
			continue
		}
		var cp map[string]any
		if err := json.Unmarshal(b1, &cp); err != nil {
			return nil, unet.Internal(fmt.Errorf("node %s: custom data set by policy: %w", n.FQDN, err))
		}
		todo = append(todo, pending{node: *n, custom: cp})
	}
	rep := &unet.PolicyApplyReport{Batch: m.batch, Updated: []string{}, DryRun: req.DryRun}
	for _, p := range todo {
		rep.Updated = append(rep.Updated, p.node.FQDN)
		if req.DryRun {
			op, err := policyApplyOp(p.node, p.custom)
			if err != nil {
				return nil, err
			}
			rep.Ops = append(rep.Ops, op)
		}
	}
	if req.DryRun || len(todo) == 0 {
		if len(todo) == 0 {
			rep.Batch = ""
		}
		return rep, nil
	}
	err = s.db.WithTx(ctx, func(tx *sqlstore.Tx) error {
		for _, p := range todo {
			cur, err := tx.Reader().GetNode(ctx, p.node.ID)
			if err != nil {
				return err
			}
			if cur.Version != p.node.Version {
				return unet.Errorf(unet.ECONFLICT, "node %s changed while policies were evaluated; run apply again", cur.FQDN)
			}
			next := *cur
			next.CustomData = p.custom
			if _, err := s.updateNode(ctx, tx, cur, &next, m); err != nil {
				return err
			}
		}
		return s.finishWrite(ctx, tx, m, nil)
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// policyApplyOp is the staged update that writes the custom_data the rules
// SET into one node: a merge patch of the whole new custom_data (SETs only
// add or change keys, so the patch leaves nothing else behind).
func policyApplyOp(n unet.Node, custom map[string]any) (unet.ChangeOp, error) {
	data, err := json.Marshal(map[string]any{"custom_data": custom})
	if err != nil {
		return unet.ChangeOp{}, unet.Internal(fmt.Errorf("node %s: custom data set by policy: %w", n.FQDN, err))
	}
	ref := n.FQDN
	if ref == "" {
		ref = n.ID
	}
	return unet.ChangeOp{Op: unet.OpUpdate, Kind: unet.KindNode, Ref: ref, Data: data}, nil
}
