package remediation

import (
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// predJunosKeywords are JunOS statements that take one argument ("unit 0",
// "family inet", "neighbor 10.0.0.1"): a block made of them groups two
// words when the running tree does not tell.
var predJunosKeywords = map[string]bool{
	"unit": true, "family": true, "group": true, "neighbor": true,
	"term": true, "policy-statement": true, "filter": true, "prefix-list": true,
	"area": true, "community": true, "as-path": true, "host": true,
	"server": true, "user": true, "zone": true, "security-zone": true,
	"instance": true, "route": true, "interface": true,
}

// predJunosNode is a statement of a curly-brace tree being built.
type predJunosNode struct {
	words    []string
	children []*predJunosNode
	inactive bool
	protect  bool
}

// predSetTree builds a curly-brace JunOS tree from set statements. Word
// grouping follows running where it has the same statement (see
// predictJunos); indent is the number of spaces per level.
func predSetTree(lines []predSetLine, running *configtree.Tree, indent int) *configtree.Tree {
	groups := predJunosGroups(running)
	root := &predJunosNode{}
	var markers []predSetLine
	for _, l := range lines {
		if l.verb != "set" {
			markers = append(markers, l)
			continue
		}
		root.add(nil, l.words, groups)
	}
	for _, m := range markers {
		n := root.find(m.words)
		switch {
		case n == nil || n == root:
		case m.verb == "deactivate":
			n.inactive = true
		case m.verb == "protect":
			n.protect = true
		}
	}
	t := &configtree.Tree{Dialect: configtree.DialectJunos}
	line := 0
	var emit func(n *predJunosNode, depth int) *configtree.Statement
	emit = func(n *predJunosNode, depth int) *configtree.Statement {
		line++
		pad := strings.Repeat(" ", depth*indent)
		key := strings.Join(n.words, " ")
		marker := ""
		if n.protect {
			marker = "protect: "
		}
		if n.inactive {
			marker += "inactive: "
		}
		st := &configtree.Statement{Key: key, Line: line, Depth: depth}
		if len(n.children) == 0 {
			st.Text = pad + marker + key + ";"
			return st
		}
		st.Text = pad + marker + key + " {"
		for _, c := range n.children {
			st.Children = append(st.Children, emit(c, depth+1))
		}
		line++
		st.Close, st.CloseLine = pad+"}", line
		return st
	}
	for _, c := range root.children {
		t.Statements = append(t.Statements, emit(c, 0))
	}
	return t
}

// add inserts the statement path rest under n, whose own path is at.
func (n *predJunosNode) add(at, rest []string, groups map[string]int) {
	for len(rest) > 0 {
		var next *predJunosNode
		for _, c := range n.children {
			if predHasPrefix(rest, c.words) {
				next = c
				break
			}
		}
		if next == nil {
			size := predGroupSize(at, rest, groups)
			next = &predJunosNode{words: rest[:size:size]}
			n.children = append(n.children, next)
		}
		at = append(at[:len(at):len(at)], next.words...)
		rest = rest[len(next.words):]
		n = next
	}
}

// find returns the node whose full path is path, or nil.
func (n *predJunosNode) find(path []string) *predJunosNode {
	if len(path) == 0 {
		return n
	}
	for _, c := range n.children {
		if predHasPrefix(path, c.words) {
			return c.find(path[len(c.words):])
		}
	}
	return nil
}

// predGroupSize returns how many words of rest make the next statement
// under the path at.
func predGroupSize(at, rest []string, groups map[string]int) int {
	if n, ok := groups[predGroupKey(at, rest[0])]; ok && n <= len(rest) {
		return n
	}
	if len(rest) <= 2 {
		return len(rest)
	}
	if predJunosKeywords[rest[0]] {
		return 2
	}
	return 1
}

func predGroupKey(at []string, first string) string {
	return strings.Join(at, " ") + "\x00" + first
}

// predJunosGroups records, for every statement of a curly-brace tree, the
// number of words it groups, by its parent's path and first word.
func predJunosGroups(t *configtree.Tree) map[string]int {
	groups := map[string]int{}
	if t == nil || t.Dialect != configtree.DialectJunos {
		return groups
	}
	var walk func(list []*configtree.Statement, at []string)
	walk = func(list []*configtree.Statement, at []string) {
		for _, st := range list {
			w := predSplitWords(st.Key)
			if len(w) == 0 {
				continue
			}
			if w[len(w)-1] == "]" {
				// A list leaf ("members [ a b ]") stands for one
				// statement per element: its keyword and one value.
				for i, x := range w {
					if x == "[" {
						w = append(w[:i:i], "")
						break
					}
				}
			}
			groups[predGroupKey(at, w[0])] = len(w)
			if len(st.Children) > 0 {
				walk(st.Children, append(at[:len(at):len(at)], w...))
			}
		}
	}
	walk(t.Statements, nil)
	return groups
}
