package configtree

import (
	"io"
)

// treeEvents replays a tree as an event stream.
func treeEvents(t *Tree) func() (Event, error) {
	var evs []Event
	var walk func([]*Statement)
	walk = func(list []*Statement) {
		for _, st := range list {
			evs = append(evs, Event{Kind: EventStatement, Text: []byte(st.Text), Key: []byte(st.Key), Line: st.Line, Depth: st.Depth})
			walk(st.Children)
			if st.Close != "" {
				evs = append(evs, Event{Kind: EventClose, Text: []byte(st.Close), Key: []byte(st.Close), Line: st.CloseLine, Depth: st.Depth})
			}
		}
	}
	walk(t.Statements)
	i := 0
	return func() (Event, error) {
		if i >= len(evs) {
			return Event{}, io.EOF
		}
		i++
		return evs[i-1], nil
	}
}

// selectedOrdinals runs the slicer over t and returns which statements
// (numbered in document order) it selects.
func selectedOrdinals(t *Tree, ms []*Match) []bool {
	sel := make([]bool, t.Len())
	s := newSlicer(nil, t.Dialect, false, ms)
	s.mark = func(o int) { sel[o] = true }
	// Without output, run fails only for an event deeper than its
	// context, and the events of a parsed tree never are.
	_ = s.run(treeEvents(t))
	return sel
}

// pruneTree copies the statements of t that are selected, or have a
// selected descendant.
func pruneTree(t *Tree, sel []bool) *Tree {
	out := &Tree{Dialect: t.Dialect, Detection: t.Detection}
	ord := 0
	var walk func([]*Statement) []*Statement
	walk = func(list []*Statement) []*Statement {
		var kept []*Statement
		for _, st := range list {
			me := sel[ord]
			ord++
			kids := walk(st.Children)
			if me || len(kids) > 0 {
				c := *st
				c.Children = kids
				kept = append(kept, &c)
			}
		}
		return kept
	}
	out.Statements = walk(t.Statements)
	return out
}

// sliceWithContext selects as Slice does, then adds up to opts.Context
// siblings before and after each selected statement.
func sliceWithContext(w io.Writer, r io.Reader, opts SliceOptions, ms []*Match) (*SliceResult, error) {
	t, err := Parse(r, opts.Dialect)
	if err != nil {
		return nil, err
	}
	sel := make([]bool, t.Len())
	s := newSlicer(nil, t.Dialect, false, ms)
	s.mark = func(o int) { sel[o] = true }
	if err := s.run(treeEvents(t)); err != nil {
		return nil, err
	}
	matched := s.res.Matched
	// Number the statements and extend the selection to siblings.
	first := make(map[*Statement]int)
	ord := 0
	t.Walk(func(st *Statement, _ []*Statement) bool { first[st] = ord; ord++; return true })
	size := func(st *Statement) int {
		n := 0
		var c func(*Statement)
		c = func(x *Statement) {
			n++
			for _, k := range x.Children {
				c(k)
			}
		}
		c(st)
		return n
	}
	extra := make([]bool, len(sel))
	var visit func([]*Statement)
	visit = func(list []*Statement) {
		for i, st := range list {
			if sel[first[st]] {
				for j := max(0, i-opts.Context); j <= min(len(list)-1, i+opts.Context); j++ {
					o := first[list[j]]
					for k := 0; k < size(list[j]); k++ {
						extra[o+k] = true
					}
				}
				continue
			}
			visit(st.Children)
		}
	}
	visit(t.Statements)
	for i := range sel {
		sel[i] = sel[i] || extra[i]
	}
	pruned := pruneTree(t, sel)
	// Write the pruned tree through a selecting slicer with "*" so the output
	// format is the same as the streaming path.
	all := newSlicer(w, t.Dialect, opts.JSON, []*Match{MustParseMatch("*")})
	if err := all.run(treeEvents(pruned)); err != nil {
		return nil, err
	}
	all.res.Matched = matched
	all.res.Detection = t.Detection
	return &all.res, nil
}
