package policy

import (
	"maps"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Input holds the objects one evaluation sees. Maps use the snake_case
// field names of the inventory. Absent roots make their fields missing.
//
// For node rules: Node is the node, Location its location (with "path",
// "name", "type", "ancestors" ...), Status the polled state (may be nil)
// and Interfaces the derived interfaces (may be nil).
// For link rules: Link is the link with "a" and "z" each
// {"node": map, "interface": string}.
// For location rules: Location is the location.
type Input struct {
	Node       map[string]any
	Location   map[string]any
	Status     map[string]any
	Interfaces []any
	Link       map[string]any
	// GitSource is a promotion of a Git source (selectors of kind
	// git_source only): GitSourceFields lists its keys.
	GitSource map[string]any
}

// EvalOptions tunes an evaluation.
type EvalOptions struct {
	// Explain records, per rule, the evaluated sub-conditions.
	Explain bool
}

const numRoots = int(rootGitSource) + 1

// env is the mutable state of one evaluation; one per goroutine.
type env struct {
	roots       [numRoots]any
	present     [numRoots]bool
	targetRoot  root
	customOwned bool
	warnings    []string
	explain     bool
	trace       []ExplainStep
	depth       int
	phase       string
	verCache    map[string]any
	owned       []uintptr // identities of maps created by this evaluation
	run         ruleRun
	// Field values are cached in slots for the object being evaluated.
	// A slot is valid when its generation equals baseGen (gen for
	// custom_data fields, which a SET invalidates by bumping gen).
	slots   []slotVal
	gen     uint64
	baseGen uint64
	ev      *Evaluation
	rule    *RuleInfo
}

func (e *env) warn(msg string) {
	for _, w := range e.warnings {
		if w == msg {
			return
		}
	}
	e.warnings = append(e.warnings, msg)
}

func (e *env) step(text string, r bool, actual any) {
	e.trace = append(e.trace, ExplainStep{Expr: text, Result: r, Actual: exportValue(actual), Depth: e.depth, Phase: e.phase})
}

const versionCacheSize = 4096

// version parses s, caching results per evaluator goroutine.
func (e *env) version(s string) any {
	if v, ok := e.verCache[s]; ok {
		return v
	}
	var v any = ParseVersion(s)
	if e.verCache == nil || len(e.verCache) >= versionCacheSize {
		e.verCache = make(map[string]any, 64)
	}
	e.verCache[s] = v
	return v
}

// effectiveTarget returns the target object with the effective custom_data.
func (e *env) effectiveTarget(r root) any {
	m, ok := e.roots[r].(map[string]any)
	if !ok {
		return e.roots[r]
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	c["custom_data"] = e.roots[rootCustom]
	return c
}

// set stores v at path under the effective custom_data. The caller's data
// is never changed: maps along the path are copied on their first write
// (copy-on-write), everything else stays shared.
func (e *env) set(path []string, v any) string {
	if !e.customOwned {
		top, errMsg := e.ownedCopy(e.roots[rootCustom], "custom_data")
		if errMsg != "" {
			return errMsg
		}
		e.roots[rootCustom] = top
		e.present[rootCustom] = true
		e.customOwned = true
	}
	cur := e.roots[rootCustom].(map[string]any)
	for i, k := range path[:len(path)-1] {
		next, errMsg := e.ownedCopy(cur[k], "custom_data."+strings.Join(path[:i+1], "."))
		if errMsg != "" {
			return errMsg
		}
		cur[k] = next
		cur = next
	}
	cur[path[len(path)-1]] = v
	e.gen++
	return ""
}

// ownedCopy returns a map this evaluation may write: v itself when this
// evaluation created it, else a shallow copy (or a new map for null).
func (e *env) ownedCopy(v any, name string) (map[string]any, string) {
	switch m := v.(type) {
	case nil:
		return e.own(map[string]any{}), ""
	case map[string]any:
		id := reflect.ValueOf(m).Pointer()
		for _, o := range e.owned {
			if o == id {
				return m, ""
			}
		}
		return e.own(maps.Clone(m)), ""
	case map[string]string:
		c := make(map[string]any, len(m)+1)
		for k, x := range m {
			c[k] = x
		}
		return e.own(c), ""
	}
	return nil, name + " is " + typeName(v) + ", not an object"
}

func (e *env) own(m map[string]any) map[string]any {
	e.owned = append(e.owned, reflect.ValueOf(m).Pointer())
	return m
}

// reset prepares the env for a new object.
func (e *env) reset(nslots int, kind ObjectKind, in *Input, ev *Evaluation, opts EvalOptions) {
	if len(e.slots) < nslots {
		e.slots = make([]slotVal, nslots)
	}
	e.gen++
	e.baseGen = e.gen
	e.roots = [numRoots]any{}
	e.present = [numRoots]bool{}
	e.customOwned = false
	e.owned = e.owned[:0]
	e.warnings = nil
	e.trace = nil
	e.depth = 0
	e.phase = "when"
	e.explain = opts.Explain
	e.ev = ev
	setRoot := func(r root, v any, ok bool) {
		if ok {
			e.roots[r], e.present[r] = v, true
		}
	}
	setRoot(rootNode, in.Node, in.Node != nil)
	setRoot(rootLocation, in.Location, in.Location != nil)
	setRoot(rootStatus, in.Status, in.Status != nil)
	setRoot(rootInterfaces, in.Interfaces, in.Interfaces != nil)
	setRoot(rootLink, in.Link, in.Link != nil)
	setRoot(rootGitSource, in.GitSource, in.GitSource != nil)
	var target map[string]any
	switch kind {
	case KindNode:
		target, e.targetRoot = in.Node, rootNode
	case KindLink:
		target, e.targetRoot = in.Link, rootLink
	case KindLocation:
		target, e.targetRoot = in.Location, rootLocation
	case KindGitSource:
		target, e.targetRoot = in.GitSource, rootGitSource
	}
	if cd, ok := target["custom_data"]; ok {
		setRoot(rootCustom, cd, true)
	}
	ev.Kind = kind
	ev.ObjectID, _ = target["id"].(string)
	ev.ObjectName, _ = target["name"].(string)
	if kind == KindLocation {
		if p, ok := target["path"].(string); ok && p != "" {
			ev.ObjectName = p
		}
	}
}

// Rules describes the compiled rules in evaluation order.
func (p *Program) Rules() []RuleInfo {
	out := make([]RuleInfo, len(p.rules))
	for i, r := range p.rules {
		out[i] = r.info
	}
	return out
}

// Templates lists every template some rule may APPLY, in first-use order.
func (p *Program) Templates() []string { return append([]string(nil), p.templates...) }

// Select returns a program with only the rules for which keep is true.
// Dropped rules no longer contribute SETs to later rules.
func (p *Program) Select(keep func(RuleInfo) bool) *Program {
	q := &Program{nslots: p.nslots, byKind: map[ObjectKind][]*compiledRule{}}
	for _, r := range p.rules {
		if keep(r.info) {
			q.rules = append(q.rules, r)
			q.byKind[r.info.Kind] = append(q.byKind[r.info.Kind], r)
			for _, a := range r.actions {
				if ap, ok := a.(*applyAction); ok {
					q.templates = appendUnique(q.templates, ap.template)
				}
			}
		}
	}
	return q
}

// EvalNode evaluates the node rules for in.Node.
func (p *Program) EvalNode(in Input) *Evaluation {
	return p.Evaluate(KindNode, in, EvalOptions{})
}

// EvalLink evaluates the link rules for in.Link.
func (p *Program) EvalLink(in Input) *Evaluation {
	return p.Evaluate(KindLink, in, EvalOptions{})
}

// EvalLocation evaluates the location rules for in.Location.
func (p *Program) EvalLocation(in Input) *Evaluation {
	return p.Evaluate(KindLocation, in, EvalOptions{})
}

// Evaluate runs the rules of one kind over one object.
func (p *Program) Evaluate(kind ObjectKind, in Input, opts EvalOptions) *Evaluation {
	ev := &Evaluation{}
	p.evaluateInto(&env{}, kind, &in, ev, opts)
	return ev
}

// evaluateInto evaluates into ev, reusing its slices.
func (p *Program) evaluateInto(e *env, kind ObjectKind, in *Input, ev *Evaluation, opts EvalOptions) {
	rules := p.byKind[kind]
	ev.Results = ev.Results[:0]
	ev.Sets = ev.Sets[:0]
	ev.SetValues = 0
	ev.Templates = ev.Templates[:0]
	if ev.Sets == nil {
		ev.Sets = []SetOp{}
	}
	if ev.Templates == nil {
		ev.Templates = []string{}
	}
	if cap(ev.Results) < len(rules) {
		ev.Results = make([]RuleResult, 0, len(rules))
	}
	e.reset(p.nslots, kind, in, ev, opts)
	if !e.present[e.targetRoot] {
		for _, r := range rules {
			ev.Results = append(ev.Results, RuleResult{Rule: &r.info, Status: StatusError, Message: "no " + string(kind) + " in the input"})
		}
		ev.CustomData = nil
		return
	}
	for _, r := range rules {
		ev.Results = append(ev.Results, RuleResult{Rule: &r.info})
		r.run(e, &ev.Results[len(ev.Results)-1])
	}
	ev.CustomData, _ = e.roots[rootCustom].(map[string]any)
}

func (r *compiledRule) run(e *env, res *RuleResult) {
	if r.guard != nil && !e.explain && r.guard.rejects(e) {
		res.Status = StatusNotApplicable
		return
	}
	e.rule = &r.info
	e.warnings = nil
	e.trace = nil
	e.phase = "when"
	if !r.when.eval(e) {
		res.Status = StatusNotApplicable
	} else {
		rr := &e.run
		*rr = ruleRun{}
		for _, a := range r.actions {
			a.run(e, rr)
		}
		switch {
		case rr.errMsg != "":
			res.Status = StatusError
			res.Message = rr.errMsg
		case rr.failed:
			res.Status = StatusFail
			res.Expected, res.Actual = rr.expected, rr.actual
			res.Message = rr.message
		default:
			res.Status = StatusPass
		}
	}
	res.Warnings = e.warnings
	res.Explain = e.trace
	e.warnings, e.trace = nil, nil
}

// EvaluateEach evaluates many objects of one kind in parallel over all
// cores and calls fn for each, in no particular order. fn must not keep ev
// after it returns: its storage is reused. Calls to fn may run
// concurrently.
func (p *Program) EvaluateEach(kind ObjectKind, inputs []Input, opts EvalOptions, fn func(i int, ev *Evaluation)) {
	p.EvaluateWhile(kind, inputs, opts, func(i int, ev *Evaluation) bool {
		fn(i, ev)
		return true
	})
}

// EvaluateWhile is EvaluateEach that stops as soon as fn returns false: no
// worker starts another object after that (those already being evaluated
// finish, and their fn calls still happen). It reports whether every input
// was evaluated and passed to fn with fn returning true.
func (p *Program) EvaluateWhile(kind ObjectKind, inputs []Input, opts EvalOptions, fn func(i int, ev *Evaluation) bool) bool {
	return p.EvaluateBuilt(kind, len(inputs), func(i int) Input { return inputs[i] }, opts, fn)
}

// EvaluateBuilt is EvaluateWhile over n objects whose inputs build makes:
// the worker that evaluates object i calls build(i) just before, so that
// the inputs are never all held at once and building them is spread over
// the workers. build must be safe for concurrent use.
func (p *Program) EvaluateBuilt(kind ObjectKind, n int, build func(i int) Input, opts EvalOptions, fn func(i int, ev *Evaluation) bool) bool {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		e, ev := &env{}, &Evaluation{}
		for i := range n {
			in := build(i)
			p.evaluateInto(e, kind, &in, ev, opts)
			if !fn(i, ev) {
				return false
			}
		}
		return true
	}
	const chunk = 64
	var next atomic.Int64
	var stopped atomic.Bool
	claim := func() (int, int) {
		hi := int(next.Add(chunk))
		return min(hi-chunk, n), min(hi, n)
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			e, ev := &env{}, &Evaluation{}
			for {
				lo, hi := claim()
				if lo >= hi {
					return
				}
				for i := lo; i < hi; i++ {
					if stopped.Load() {
						return
					}
					in := build(i)
					p.evaluateInto(e, kind, &in, ev, opts)
					if !fn(i, ev) {
						stopped.Store(true)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return !stopped.Load()
}

// EvaluateAll evaluates many objects of one kind in parallel and returns
// one Evaluation per input, in input order.
func (p *Program) EvaluateAll(kind ObjectKind, inputs []Input, opts EvalOptions) []*Evaluation {
	out := make([]*Evaluation, len(inputs))
	// One slab for all evaluations and one for all results: a million
	// results are two allocations, not ten thousand.
	k := len(p.byKind[kind])
	evs := make([]Evaluation, len(inputs))
	slab := make([]RuleResult, len(inputs)*k)
	for i := range evs {
		evs[i].Results = slab[i*k : i*k : (i+1)*k]
		out[i] = &evs[i]
	}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	per := (len(inputs) + workers - 1) / max(workers, 1)
	for w := 0; w < len(inputs); w += per {
		lo, hi := w, min(w+per, len(inputs))
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := &env{}
			for i := lo; i < hi; i++ {
				p.evaluateInto(e, kind, &inputs[i], out[i], opts)
			}
		}()
	}
	wg.Wait()
	return out
}
