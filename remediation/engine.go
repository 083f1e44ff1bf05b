package remediation

import (
	"sort"
	"strings"
)

// defaultWeight is the weight of commands no Weight rule matches.
const defaultWeight = 500

// dnode is a command of the remediation being built.
type dnode struct {
	text     string
	reason   string
	source   string
	line     int
	weight   int
	exit     string
	exitUp   bool
	children []*dnode
	index    map[string]*dnode
}

func (d *dnode) has(text string) bool {
	if d.index == nil {
		for _, c := range d.children {
			if c.text == text {
				return true
			}
		}
		return false
	}
	_, ok := d.index[text]
	return ok
}

func (d *dnode) add(c *dnode) *dnode {
	d.children = append(d.children, c)
	if d.index == nil {
		if len(d.children) > smallSection {
			d.index = make(map[string]*dnode, 2*len(d.children))
			for _, o := range d.children {
				if _, ok := d.index[o.text]; !ok {
					d.index[o.text] = o
				}
			}
		}
		return c
	}
	if _, ok := d.index[c.text]; !ok {
		d.index[c.text] = c
	}
	return c
}

// engine computes the remediation between two node trees.
type engine struct {
	r        *Rules
	cr       *compiledRules
	negation string
	decl     string
}

// negate returns the command that removes a statement.
func (e *engine) negate(keys []string) string {
	text := keys[len(keys)-1]
	for i := range e.cr.negWith {
		if e.cr.negWith[i].path.matchLineage(keys) {
			return e.cr.negWith[i].use
		}
	}
	if anyLineage(e.cr.negDefault, keys) {
		return "default " + strings.TrimPrefix(text, e.negation)
	}
	for i := range e.cr.negSub {
		if e.cr.negSub[i].path.matchLineage(keys) {
			return e.cr.negSub[i].re.ReplaceAllString(e.negation+text, e.cr.negSub[i].repl)
		}
	}
	return e.swap(text)
}

// swap toggles the negation of a command.
func (e *engine) swap(text string) string {
	if rest, ok := strings.CutPrefix(text, e.negation); ok && e.negation != "" {
		return e.decl + rest
	}
	if e.decl != "" {
		if rest, ok := strings.CutPrefix(text, e.decl); ok {
			return e.negation + rest
		}
	}
	return e.negation + text
}

func (e *engine) orderedRule(keys []string) *cordered {
	for i := range e.cr.ordered {
		if e.cr.ordered[i].group == nil && e.cr.ordered[i].path.matchLineage(keys) {
			return &e.cr.ordered[i]
		}
	}
	return nil
}

// diff adds to delta the commands that turn src into dst, two versions of
// the section whose path is keys (empty at the top).
func (e *engine) diff(src, dst *node, keys []string, delta *dnode) {
	lin := extend(keys)
	var groups *groupedLists
	if len(e.cr.grouped) > 0 {
		groups = e.groupLists(src, dst, keys)
	}
	// Left: what src has and dst has not is negated, unless a command of
	// dst replaces it in place.
	dstIdem := &idemIndex{e: e, sec: dst, keys: keys}
	for _, c := range src.children {
		if groups != nil && groups.left(c, delta) {
			continue
		}
		if dst.child(c.text) != nil {
			continue
		}
		lin[len(lin)-1] = c.text
		if e.idempotentWith(lin, dstIdem) != nil {
			continue
		}
		neg := e.negate(lin)
		if delta.has(neg) {
			continue
		}
		delta.add(&dnode{text: neg, reason: ReasonRemoved, source: c.text, line: c.line})
	}
	// Right: what dst has and src has not is added; sections on both sides
	// are compared in depth.
	var srcIdem *idemIndex
	for _, t := range dst.children {
		if groups != nil && groups.right(t, delta) {
			continue
		}
		lin[len(lin)-1] = t.text
		s := src.child(t.text)
		if s == nil {
			if delta.has(t.text) {
				continue
			}
			d := copyNode(t, ReasonAdded)
			if len(e.cr.idem) > 0 {
				if srcIdem == nil {
					srcIdem = &idemIndex{e: e, sec: src, keys: keys}
				}
				if old := e.idempotentWith(lin, srcIdem); old != nil && dst.child(old.text) == nil {
					d.reason = ReasonReplaced
					d.source, d.line = old.text, old.line
				}
			}
			delta.add(d)
			continue
		}
		if len(s.children) == 0 && len(t.children) == 0 {
			continue
		}
		sectionKeys := append(make([]string, 0, len(lin)+1), lin...)
		if anyLineage(e.cr.overwrite, sectionKeys) {
			e.overwrite(s, t, sectionKeys, delta, true)
			continue
		}
		if anyLineage(e.cr.overwriteNoNeg, sectionKeys) {
			e.overwrite(s, t, sectionKeys, delta, false)
			continue
		}
		o := e.orderedRule(sectionKeys)
		if o != nil && o.rewrite {
			e.overwrite(s, t, sectionKeys, delta, true)
			continue
		}
		sub := &dnode{text: t.text, reason: ReasonContext, line: t.line}
		e.diff(s, t, sectionKeys, sub)
		if len(sub.children) > 0 {
			if o != nil {
				markResequenced(sub, o, e.negation)
			}
			delta.add(sub)
		}
	}
}

// overwrite rewrites a section whose children differ: negated (unless
// negate is false), then written again whole.
func (e *engine) overwrite(s, t *node, keys []string, delta *dnode, negate bool) {
	if sameChildren(s, t) {
		return
	}
	reason := ReasonReplaced
	if sameContent(s, t) {
		reason = ReasonReordered
	}
	if negate {
		neg := e.negate(keys)
		if !delta.has(neg) {
			delta.add(&dnode{text: neg, reason: reason, source: s.text, line: s.line})
		}
	}
	d := copyNode(t, reason)
	d.source = t.text
	delta.add(d)
}

// markResequenced marks, in a sequence-ordered section, the entries that
// are removed and added again with the same content under another number.
func markResequenced(sub *dnode, o *cordered, negation string) {
	content := func(s string) string {
		if m := o.seq.FindStringSubmatchIndex(s); m != nil && m[2] >= 0 {
			return strings.TrimSpace(s[:m[2]] + s[m[3]:])
		}
		return s
	}
	removed := map[string]bool{}
	for _, c := range sub.children {
		if c.reason == ReasonRemoved {
			removed[content(c.source)] = true
		}
	}
	added := map[string]bool{}
	for _, c := range sub.children {
		if c.reason == ReasonAdded && removed[content(c.text)] {
			c.reason = ReasonReordered
			added[content(c.text)] = true
		}
	}
	for _, c := range sub.children {
		if c.reason == ReasonRemoved && added[content(c.source)] {
			c.reason = ReasonReordered
		}
	}
}

func copyNode(n *node, reason string) *dnode {
	d := &dnode{text: n.text, reason: reason, source: n.text, line: n.line}
	for _, c := range n.children {
		d.add(copyNode(c, reason))
	}
	return d
}

// sameChildren reports whether two sections have the same children in the
// same order, in depth.
func sameChildren(a, b *node) bool {
	if len(a.children) != len(b.children) {
		return false
	}
	for i, c := range a.children {
		if c.text != b.children[i].text || !sameChildren(c, b.children[i]) {
			return false
		}
	}
	return true
}

// sameContent reports whether two sections have the same children in some
// order.
func sameContent(a, b *node) bool {
	if len(a.children) != len(b.children) {
		return false
	}
	count := map[string]int{}
	for _, c := range a.children {
		count[c.text]++
	}
	for _, c := range b.children {
		count[c.text]--
		if count[c.text] < 0 {
			return false
		}
	}
	return true
}

// finish sets weights and exits and sorts every level by weight (stable).
func (e *engine) finish(d *dnode, keys []string) {
	lin := extend(keys)
	for _, c := range d.children {
		lin[len(lin)-1] = c.text
		c.weight = defaultWeight
		for i := range e.cr.weights {
			if e.cr.weights[i].path.matchLineage(lin) {
				c.weight = e.cr.weights[i].weight
			}
		}
		if len(c.children) > 0 {
			c.exit = e.r.Exit
			if c.exit == "" {
				c.exit = "exit"
			}
			for i := range e.cr.exits {
				if e.cr.exits[i].path.matchLineage(lin) {
					c.exit = e.cr.exits[i].exit
					c.exitUp = e.cr.exits[i].parentLevel
					break
				}
			}
			e.finish(c, append(make([]string, 0, len(lin)+1), lin...))
		}
	}
	sort.SliceStable(d.children, func(i, j int) bool { return d.children[i].weight < d.children[j].weight })
}

// extend returns a new slice holding keys and one empty slot after them.
func extend(keys []string) []string {
	out := make([]string, len(keys)+1)
	copy(out, keys)
	return out
}
