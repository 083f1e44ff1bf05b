package remediation

// groupedList is one order-sensitive list made of sibling statements (the
// lines of an IOS numbered ACL), on both sides.
type groupedList struct {
	name               string
	src, dst           []*node
	differ             bool
	negDone, addDone   bool
	reasonNeg, reasonA string
}

// groupedLists holds the lists of one section.
type groupedLists struct {
	e      *engine
	member map[*node]*groupedList
}

// groupLists finds the statements of two versions of a section that belong
// to grouped lists, and which lists differ in content or order.
func (e *engine) groupLists(src, dst *node, keys []string) *groupedLists {
	applies := false
	for _, o := range e.cr.grouped {
		if len(o.path) == len(keys)+1 {
			applies = true
			break
		}
	}
	if !applies {
		return nil
	}
	g := &groupedLists{e: e}
	var lists map[string]*groupedList
	lin := extend(keys)
	collect := func(sec *node, isSrc bool) {
		for _, c := range sec.children {
			lin[len(lin)-1] = c.text
			for _, o := range e.cr.grouped {
				if !o.path.matchLineage(lin) {
					continue
				}
				m := o.group.FindStringSubmatch(c.text)
				if m == nil {
					continue
				}
				if lists == nil {
					lists = map[string]*groupedList{}
				}
				l := lists[m[1]]
				if l == nil {
					l = &groupedList{name: m[1]}
					lists[m[1]] = l
				}
				if isSrc {
					l.src = append(l.src, c)
				} else {
					l.dst = append(l.dst, c)
				}
				if g.member == nil {
					g.member = map[*node]*groupedList{}
				}
				g.member[c] = l
				break
			}
		}
	}
	collect(src, true)
	collect(dst, false)
	if lists == nil {
		return nil
	}
	for _, l := range lists {
		l.differ = !sameLines(l.src, l.dst)
		switch {
		case len(l.dst) == 0:
			l.reasonNeg = ReasonRemoved
		case len(l.src) == 0:
			l.reasonA = ReasonAdded
		case sameLineSet(l.src, l.dst):
			l.reasonNeg, l.reasonA = ReasonReordered, ReasonReordered
		default:
			l.reasonNeg, l.reasonA = ReasonReplaced, ReasonReplaced
		}
	}
	return g
}

// left handles a source statement of a grouped list: the first one of a
// list that differs negates the whole list. It reports whether c belongs
// to a list.
func (g *groupedLists) left(c *node, delta *dnode) bool {
	l, ok := g.member[c]
	if !ok {
		return false
	}
	if l.differ && !l.negDone {
		l.negDone = true
		neg := g.e.swap(l.name)
		if !delta.has(neg) {
			delta.add(&dnode{text: neg, reason: l.reasonNeg, source: c.text, line: c.line})
		}
	}
	return true
}

// right handles a target statement of a grouped list: the first one of a
// list that differs writes the whole list again.
func (g *groupedLists) right(t *node, delta *dnode) bool {
	l, ok := g.member[t]
	if !ok {
		return false
	}
	if l.differ && !l.addDone {
		l.addDone = true
		for _, n := range l.dst {
			delta.add(copyNode(n, l.reasonA))
		}
	}
	return true
}

func sameLines(a, b []*node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].text != b[i].text {
			return false
		}
	}
	return true
}

func sameLineSet(a, b []*node) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, n := range a {
		count[n.text]++
	}
	for _, n := range b {
		count[n.text]--
		if count[n.text] < 0 {
			return false
		}
	}
	return true
}
