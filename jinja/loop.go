package jinja

import (
	"errors"
	"fmt"
	"strconv"
)

// loopObj is the loop variable of a for loop (Jinja2's LoopContext).
type loopObj struct {
	items   []Value
	i       int
	depth   int // 1-based
	changed []Value
	seen    bool
	// recurse renders the loop body over another iterable (recursive
	// loops only).
	recurse func(v Value) (Value, error)
}

// TypeName is "LoopContext".
func (l *loopObj) TypeName() string { return "LoopContext" }

// Attr returns the loop attributes.
func (l *loopObj) Attr(name string) (Value, bool) {
	n := len(l.items)
	switch name {
	case "index":
		return int64(l.i + 1), true
	case "index0":
		return int64(l.i), true
	case "revindex":
		return int64(n - l.i), true
	case "revindex0":
		return int64(n - l.i - 1), true
	case "first":
		return l.i == 0, true
	case "last":
		return l.i == n-1, true
	case "length":
		return int64(n), true
	case "depth":
		return int64(l.depth), true
	case "depth0":
		return int64(l.depth - 1), true
	case "previtem":
		if l.i == 0 {
			return Undefined{Hint: "there is no previous item"}, true
		}
		return l.items[l.i-1], true
	case "nextitem":
		if l.i+1 >= n {
			return Undefined{Hint: "there is no next item"}, true
		}
		return l.items[l.i+1], true
	case "cycle":
		i := l.i
		return &Func{Name: "cycle", Call: func(_ *State, a Args) (Value, error) {
			if len(a.Kw) > 0 {
				return nil, fmt.Errorf("cycle() got an unexpected keyword argument '%s'", a.Kw[0].Name)
			}
			if len(a.Pos) == 0 {
				return nil, errors.New("no items for cycling given")
			}
			return a.Pos[i%len(a.Pos)], nil
		}}, true
	case "changed":
		return &Func{Name: "changed", Call: func(_ *State, a Args) (Value, error) {
			if l.seen && len(a.Pos) == len(l.changed) {
				same := true
				for i := range a.Pos {
					// Comparing an undefined value fails, as in Python.
					eq, err := equalChecked(a.Pos[i], l.changed[i])
					if err != nil {
						return nil, err
					}
					if !eq {
						same = false
						break
					}
				}
				if same {
					return false, nil
				}
			}
			l.seen = true
			l.changed = append(l.changed[:0], a.Pos...)
			return true, nil
		}}, true
	}
	return nil, false
}

// String is how Jinja2 prints a loop: <LoopContext 1/3>.
func (l *loopObj) String() string {
	return "<LoopContext " + strconv.Itoa(l.i+1) + "/" + strconv.Itoa(len(l.items)) + ">"
}

func (c *compiler) forStmt(n *For) (stmtFn, error) {
	iter, err := c.expr(n.Iter)
	if err != nil {
		return nil, err
	}
	outer := c.sc
	var els stmtFn
	var elsSlots []int
	if len(n.Else) > 0 {
		if els, elsSlots, err = c.inScope(n.Else); err != nil {
			return nil, err
		}
	}
	fn := outer.fn
	if n.Recursive {
		fn = &fnScope{parent: outer.fn, block: outer.fn.block}
	}
	c.sc = newScope(outer, fn)
	defer func() { c.sc = outer }()
	defer c.hard()()
	target, err := c.store(n.Target)
	if err != nil {
		return nil, err
	}
	declareStores(c.sc, n.Body)
	if _, ok := c.sc.names["loop"]; ok {
		return nil, c.errorf(n.Pos, ErrSyntax, "Can't assign to special loop variable in for-loop target")
	}
	loopSlot := c.sc.declare("loop")
	var filter exprFn
	if n.Filter != nil {
		if filter, err = c.expr(n.Filter); err != nil {
			return nil, err
		}
	}
	c.loops++
	body, err := c.body(n.Body)
	c.loops--
	if err != nil {
		return nil, err
	}
	slots := slotsOf(c.sc)
	tn, pos, ipos := c.name_, n.Pos, n.Iter.Position()

	// run iterates v in frame f (the loop's own frame for recursive
	// loops) and reports whether an iteration of the body completed
	var run func(f *frame, v Value, depth int) (bool, error)
	run = func(f *frame, v Value, depth int) (bool, error) {
		s := f.r.s
		var items []Value
		if !isCondUndefined(v) {
			var err error
			if items, err = Iterate(v); err != nil {
				// Reported at the expression that cannot be iterated.
				return false, posError(tn, ipos, err)
			}
		}
		if filter != nil {
			kept := make([]Value, 0, len(items))
			for _, it := range items {
				if err := s.Tick(); err != nil {
					return false, posError(tn, pos, err)
				}
				resetSlots(f, slots)
				if err := target(f, it); err != nil {
					return false, posError(tn, pos, err)
				}
				cv, err := filter(f)
				if err != nil {
					return false, posError(tn, pos, err)
				}
				t, err := Truth(cv)
				if err != nil {
					return false, posError(tn, pos, err)
				}
				if t {
					kept = append(kept, it)
				}
			}
			items = kept
		}
		if len(items) == 0 {
			return false, nil
		}
		lo := &loopObj{items: items, depth: depth}
		if n.Recursive {
			lo.recurse = func(v Value) (Value, error) {
				if err := enter(s); err != nil {
					return nil, err
				}
				defer leave(s)
				sub := &frame{r: f.r, ctx: f.ctx, slots: newSlots(len(f.slots)), up: f.up, blk: f.blk, parent: f.parent}
				return f.r.capture(func() error {
					ran, err := run(sub, v, depth+1)
					if err != nil || ran || els == nil {
						return err
					}
					// Each level of a recursive loop has the else
					// clause, in the scope enclosing the loop.
					resetSlots(f.up, elsSlots)
					return els(f.up)
				})
			}
		}
		// Jinja2 marks the loop as run at the end of the body: the else
		// clause runs when no iteration completed (each one ended in
		// break or continue).
		completed := false
		for i, it := range items {
			if err := s.Tick(); err != nil {
				return true, posError(tn, pos, err)
			}
			resetSlots(f, slots)
			if err := target(f, it); err != nil {
				return true, posError(tn, pos, err)
			}
			lo.i = i
			f.slots[loopSlot] = lo
			if err := body(f); err != nil {
				if err == errBreak {
					break
				}
				if err == errContinue {
					continue
				}
				return true, err
			}
			completed = true
		}
		return completed, nil
	}
	recursive := n.Recursive
	return func(f *frame) error {
		v, err := iter(f)
		if err != nil {
			return posError(tn, pos, err)
		}
		lf := f
		if recursive {
			lf = &frame{r: f.r, ctx: f.ctx, slots: newSlots(fn.nslots), up: f, blk: f.blk, parent: f.parent}
		}
		ran, err := run(lf, v, 1)
		if err != nil {
			return err
		}
		if !ran && els != nil {
			resetSlots(f, elsSlots)
			return els(f)
		}
		return nil
	}, nil
}

// newSlots returns n unset slots.
func newSlots(n int) []Value {
	s := make([]Value, n)
	for i := range s {
		s[i] = unset
	}
	return s
}

// enter counts one more level of macro call or template nesting.
func enter(s *State) error {
	s.depth++
	if s.depth > s.limits.MaxDepth {
		s.depth--
		return &limitError{err: ErrDepthLimit, msg: fmt.Sprintf("more than %d nested macro calls, includes, imports or extends (a template or macro calling itself?)", s.limits.MaxDepth)}
	}
	return nil
}

func leave(s *State) { s.depth-- }
