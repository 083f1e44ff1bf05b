package service

import (
	"context"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/sqlstore"
)

// scopeEval decides which objects a scope reaches. It builds the policy
// inputs the way evaluations do (node.*, location.*, link.*) and caches the
// locations and nodes it reads, so a list is judged without a round trip
// per object once preload has run.
type scopeEval struct {
	ctx   context.Context
	sc    *scope
	r     sqlstore.Reader
	locs  map[string]*unet.Location // by ID
	nodes map[string]*unet.Node     // by ID
	links map[string]*unet.Link     // by ID, loaded on first use
	// nodeIn memoizes node verdicts by ID.
	nodeIn map[string]bool
	// bulk is true once every location was loaded: a miss is then final.
	bulk bool
	// locMaps caches locations as policies see them; byLocation caches, when
	// every selector is over location.* only, the verdict of the nodes of
	// each location (so a node's own fields are never converted).
	locMaps    map[string]map[string]any
	byLocation map[string]bool
	locOnly    bool
}

func newScopeEval(ctx context.Context, r sqlstore.Reader, sc *scope) *scopeEval {
	locOnly := true
	for _, sel := range sc.sels {
		if sel != nil && sel.Kind() != policy.KindLocation {
			locOnly = false
		}
	}
	return &scopeEval{ctx: ctx, sc: sc, r: r, locs: map[string]*unet.Location{},
		nodes: map[string]*unet.Node{}, nodeIn: map[string]bool{},
		locMaps: map[string]map[string]any{}, byLocation: map[string]bool{}, locOnly: locOnly}
}

// preloadLocations reads every location once.
func (e *scopeEval) preloadLocations() error {
	if e.bulk {
		return nil
	}
	err := eachPage(func(p unet.Page) (*unet.List[unet.Location], error) {
		return e.r.ListLocations(e.ctx, unet.LocationFilter{Page: p}, "")
	}, func(l unet.Location) { e.locs[l.ID] = &l })
	e.bulk = err == nil
	return err
}

// preloadNodes judges every node once (for lists of links and changes).
func (e *scopeEval) preloadNodes() error {
	if err := e.preloadLocations(); err != nil {
		return err
	}
	return eachPage(func(p unet.Page) (*unet.List[unet.Node], error) {
		return e.r.ListNodes(e.ctx, sqlstore.NodeQuery{NodeFilter: unet.NodeFilter{Page: p}})
	}, func(n unet.Node) {
		e.nodes[n.ID] = &n
		e.nodeIn[n.ID] = e.nodeOK(&n)
	})
}

// location returns a location by ID from the cache or the database (nil
// when it does not exist).
func (e *scopeEval) location(id string) *unet.Location {
	if id == "" {
		return nil
	}
	if l, ok := e.locs[id]; ok {
		return l
	}
	if e.bulk {
		return nil
	}
	l, err := e.r.FindLocation(e.ctx, id)
	if err != nil {
		e.locs[id] = nil
		return nil
	}
	e.locs[id] = l
	return l
}

// node returns a node by ID from the cache or the database.
func (e *scopeEval) node(id string) *unet.Node {
	if n, ok := e.nodes[id]; ok {
		return n
	}
	n, err := e.r.GetNode(e.ctx, id)
	if err != nil {
		e.nodes[id] = nil
		return nil
	}
	e.nodes[id] = n
	return n
}

// remember records the state of an object written in this transaction so
// later verdicts see it.
func (e *scopeEval) remember(v any) {
	switch o := v.(type) {
	case *unet.Location:
		if o != nil {
			e.locs[o.ID] = o
			delete(e.locMaps, o.ID)
			clear(e.byLocation)
			clear(e.nodeIn)
		}
	case *unet.Node:
		if o != nil {
			e.nodes[o.ID] = o
			delete(e.nodeIn, o.ID)
		}
	}
}

// locationMap is a location as policies see it, with "ancestors" (the
// names above it, root first, from its path).
func locationMap(l *unet.Location) map[string]any {
	m := objectMap(l)
	anc := []any{}
	parts := strings.Split(l.Path, "/")
	for _, p := range parts[:len(parts)-1] {
		anc = append(anc, p)
	}
	m["ancestors"] = anc
	return m
}

func (e *scopeEval) nodeInput(n *unet.Node) policy.Input {
	in := policy.Input{Node: objectMap(n)}
	in.Location = e.locationMapOf(n.LocationID)
	return in
}

// locationMapOf is the cached policy view of a location (nil when none).
func (e *scopeEval) locationMapOf(id string) map[string]any {
	if m, ok := e.locMaps[id]; ok {
		return m
	}
	var m map[string]any
	if l := e.location(id); l != nil {
		m = locationMap(l)
	}
	e.locMaps[id] = m
	return m
}

// nodeOK reports whether a node is in scope: a selector matches its policy
// input (node.*, and location.* of its location).
func (e *scopeEval) nodeOK(n *unet.Node) bool {
	if !e.locOnly {
		return e.sc.match(e.nodeInput(n))
	}
	if v, ok := e.byLocation[n.LocationID]; ok {
		return v
	}
	v := false
	if m := e.locationMapOf(n.LocationID); m != nil {
		v = e.sc.match(policy.Input{Location: m})
	}
	e.byLocation[n.LocationID] = v
	return v
}

// nodeIDOK judges a node by ID (a link endpoint).
func (e *scopeEval) nodeIDOK(id string) bool {
	if v, ok := e.nodeIn[id]; ok {
		return v
	}
	n := e.node(id)
	v := n != nil && e.nodeOK(n)
	e.nodeIn[id] = v
	return v
}

// locationOK reports whether a location is in scope: a selector over
// location.* matches it. A selector over nodes never selects a location.
func (e *scopeEval) locationOK(l *unet.Location) bool {
	return e.sc.match(policy.Input{Location: locationMap(l)})
}

// linkOK reports whether a link is in scope: a selector over link.*
// matches it, or every endpoint node is in scope.
func (e *scopeEval) linkOK(l *unet.Link) bool {
	if e.sc.hasKind(policy.KindLink) {
		m := objectMap(l)
		if a := e.node(l.ANodeID); a != nil {
			m["a"] = map[string]any{"node": objectMap(a), "interface": l.AInterface}
		}
		if l.ZNodeID != "" {
			if z := e.node(l.ZNodeID); z != nil {
				m["z"] = map[string]any{"node": objectMap(z), "interface": l.ZInterface}
			}
		}
		if e.sc.match(policy.Input{Link: m}) {
			return true
		}
	}
	return e.nodeIDOK(l.ANodeID) && (l.ZNodeID == "" || e.nodeIDOK(l.ZNodeID))
}

// objectOK judges an object of the change log's kinds. Vendors are global:
// in every scope for reads (writes are refused separately). Other kinds
// are outside every scope.
func (e *scopeEval) objectOK(kind string, v any) bool {
	switch o := v.(type) {
	case *unet.Node:
		return o != nil && e.nodeOK(o)
	case *unet.Location:
		return o != nil && e.locationOK(o)
	case *unet.Link:
		return o != nil && e.linkOK(o)
	}
	return kind == unet.KindVendor
}
