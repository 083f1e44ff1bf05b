package remediation

import (
	"strconv"
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// node is a statement as the engine compares it: its text after the rules'
// substitutions, without indentation.
type node struct {
	text     string
	line     int
	children []*node
	// index maps a child text to the first child with that text.
	index map[string]*node
}

// smallSection is the number of children up to which a section is
// searched linearly rather than through an index.
const smallSection = 8

func (n *node) child(text string) *node {
	if n.index == nil {
		for _, c := range n.children {
			if c.text == text {
				return c
			}
		}
		return nil
	}
	return n.index[text]
}

func (n *node) add(c *node) {
	n.children = append(n.children, c)
	if n.index == nil {
		if len(n.children) <= smallSection {
			return
		}
		n.index = make(map[string]*node, 2*len(n.children))
		for _, o := range n.children {
			if _, ok := n.index[o.text]; !ok {
				n.index[o.text] = o
			}
		}
		return
	}
	if _, ok := n.index[c.text]; !ok {
		n.index[c.text] = c
	}
}

// builder turns configtree statements into nodes, applying the rules'
// substitutions, merging repeated sections and numbering the entries of
// sequence-ordered sections.
type builder struct {
	rules   *compiledRules
	setForm bool // JunOS set format: the whole line is the text
	keys    []string
	slab    []node
}

func (b *builder) subst(text string) string {
	trimmed := strings.TrimLeft(text, " \t\n\v\f\r")
	if x := b.rules.subIndex; x != nil && text != "" {
		// Only the substitutions that can match this line, in table order;
		// after a change, every later substitution is tried.
		var cand [16]int
		n := x.candidates(text, trimmed, cand[:0])
		for _, i := range n {
			s := &b.rules.subs[i]
			if s.pre.mayMatch(text, trimmed) && s.re.MatchString(text) {
				text = s.re.ReplaceAllString(text, s.repl)
				return b.substFrom(text, i+1)
			}
		}
		return text
	}
	return b.substFrom(text, 0)
}

// substFrom applies the substitutions from the i-th on.
func (b *builder) substFrom(text string, from int) string {
	trimmed := strings.TrimLeft(text, " \t\n\v\f\r")
	for i := from; i < len(b.rules.subs); i++ {
		s := &b.rules.subs[i]
		if !s.pre.mayMatch(text, trimmed) {
			continue
		}
		if s.re.MatchString(text) {
			text = s.re.ReplaceAllString(text, s.repl)
			trimmed = strings.TrimLeft(text, " \t\n\v\f\r")
		}
	}
	return text
}

// newNode allocates nodes in blocks.
func (b *builder) newNode(text string, line int) *node {
	if len(b.slab) == 0 {
		b.slab = make([]node, 256)
	}
	n := &b.slab[0]
	b.slab = b.slab[1:]
	n.text, n.line = text, line
	return n
}

func (b *builder) build(list []*configtree.Statement, parent *node) {
	allowDup := len(b.keys) > 0 && anyLineage(b.rules.dups, b.keys)
	if len(list) > smallSection && parent.index == nil {
		parent.index = make(map[string]*node, len(list))
		for _, o := range parent.children {
			if _, ok := parent.index[o.text]; !ok {
				parent.index[o.text] = o
			}
		}
	}
	for _, st := range list {
		raw := st.Key
		if len(b.rules.subs) > 0 {
			raw = strings.TrimSpace(b.subst(st.Text))
		} else if b.setForm {
			raw = strings.TrimSpace(st.Text)
		}
		if raw == "" {
			continue
		}
		c := parent.child(raw)
		if c == nil || allowDup {
			c = b.newNode(raw, st.Line)
			parent.add(c)
		}
		if len(st.Children) > 0 {
			b.keys = append(b.keys, raw)
			b.build(st.Children, c)
			b.keys = b.keys[:len(b.keys)-1]
		}
	}
	if len(b.keys) > 0 {
		b.number(parent)
	}
}

// number gives sequence numbers to the unnumbered entries of a section
// ordered in sequence mode, as the platform does when they are typed.
func (b *builder) number(sec *node) {
	for i := range b.rules.ordered {
		o := &b.rules.ordered[i]
		if o.rewrite || !o.numbered || !o.path.matchLineage(b.keys) {
			continue
		}
		seq := o.start
		changed := false
		for _, c := range sec.children {
			if !o.number.match(c.text) || o.seq.MatchString(c.text) {
				continue
			}
			c.text = strconv.Itoa(seq) + " " + c.text
			seq += o.step
			changed = true
		}
		if changed {
			sec.index = nil
			kids := sec.children
			sec.children = nil
			for _, c := range kids {
				sec.add(c)
			}
		}
		return
	}
}

// buildTree converts a parsed configuration into the engine's form; it
// also returns the tree it converted (the slice of t when match is given).
func buildTree(t *configtree.Tree, rules *compiledRules, match []*configtree.Match) (*node, *configtree.Tree, error) {
	if len(match) > 0 {
		sliced, err := configtree.SliceTree(t, match...)
		if err != nil {
			return nil, nil, err
		}
		t = sliced
	}
	root := &node{}
	b := &builder{rules: rules}
	switch t.Dialect {
	case configtree.DialectJunos:
		cmds, err := configtree.SetCommands(t)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range cmds {
			if len(rules.subs) > 0 {
				c = strings.TrimSpace(b.subst(c))
			}
			if c != "" && root.child(c) == nil {
				root.add(b.newNode(c, 0))
			}
		}
		return root, t, nil
	case configtree.DialectJunosSet:
		b.setForm = true
	}
	b.build(t.Statements, root)
	return root, t, nil
}
