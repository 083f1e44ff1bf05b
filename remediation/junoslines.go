package remediation

import (
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// setJunosLines gives the commands of a remediation whose source is a set
// command of a curly-brace JunOS tree the line of the statement it comes
// from (the trees are those the commands were computed from, in either
// order: a removed command's source is only in one of them, an added
// command's only in the other).
func setJunosLines(root *dnode, trees ...*configtree.Tree) {
	need := map[string]int{}
	for _, c := range root.children {
		if c.line == 0 && c.source != "" {
			need[c.source] = 0
		}
	}
	if len(need) == 0 {
		return
	}
	for _, t := range trees {
		if t.Dialect == configtree.DialectJunos {
			junosLines(t, need)
		}
	}
	for _, c := range root.children {
		if c.line == 0 && c.source != "" {
			c.line = need[c.source]
		}
	}
}

// junosLines sets, for the set commands of need found in a curly-brace
// JunOS tree and still without a line, the line of the statement each
// comes from: the leaf for "set" commands, the marked statement for
// "deactivate"/"protect". A statement is converted alone, with its
// ancestors as a chain, by configtree's own conversion, so the commands
// are exactly SetCommands'; only the statements whose last word ends a
// needed command are converted.
func junosLines(t *configtree.Tree, need map[string]int) {
	lastWords := map[string]bool{}
	for c := range need {
		lastWords[c[strings.LastIndexByte(c, ' ')+1:]] = true
	}
	var chain []configtree.Statement
	var walk func(list []*configtree.Statement)
	walk = func(list []*configtree.Statement) {
		for _, st := range list {
			marked := isMarked(st.Text)
			key := strings.TrimSpace(st.Key)
			last := key[strings.LastIndexAny(key, " \t")+1:]
			if marked || len(st.Children) == 0 && (last == "]" || lastWords[last]) {
				one := &configtree.Tree{Dialect: configtree.DialectJunos}
				leaf := configtree.Statement{Key: st.Key, Text: st.Key, Depth: st.Depth}
				if marked {
					leaf.Text = strings.TrimSpace(st.Text)
				}
				var top *configtree.Statement
				var parent *configtree.Statement
				for i := range chain {
					c := chain[i]
					c.Children = nil
					cp := &c
					if parent == nil {
						top = cp
					} else {
						parent.Children = []*configtree.Statement{cp}
					}
					parent = cp
				}
				if parent == nil {
					top = &leaf
				} else {
					parent.Children = []*configtree.Statement{&leaf}
				}
				one.Statements = []*configtree.Statement{top}
				cmds, err := configtree.SetCommands(one)
				if err == nil {
					for _, c := range cmds {
						block := len(st.Children) > 0
						if block && strings.HasPrefix(c, "set ") {
							// A block stands for no set command of its own.
							continue
						}
						if l, ok := need[c]; ok && l == 0 {
							need[c] = st.Line
						}
					}
				}
			}
			if len(st.Children) > 0 {
				chain = append(chain, configtree.Statement{Key: st.Key, Text: st.Key, Depth: st.Depth})
				walk(st.Children)
				chain = chain[:len(chain)-1]
			}
		}
	}
	walk(t.Statements)
}

// isMarked reports whether a JunOS statement is marked inactive: or
// protect:, which adds a deactivate or protect command.
func isMarked(text string) bool {
	s := strings.TrimSpace(text)
	return strings.HasPrefix(s, "inactive:") || strings.HasPrefix(s, "protect:")
}
