package remediation

import (
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// junosLines maps the set commands of a curly-brace JunOS tree to the line
// of the statement each comes from: the leaf for "set" commands, the
// marked statement for "deactivate"/"protect". Every statement is
// converted alone, with its ancestors as a chain, by configtree's own
// conversion, so the commands are exactly SetCommands'.
func junosLines(t *configtree.Tree) map[string]int {
	lines := map[string]int{}
	var chain []configtree.Statement
	var walk func(list []*configtree.Statement)
	walk = func(list []*configtree.Statement) {
		for _, st := range list {
			marked := isMarked(st.Text)
			if len(st.Children) == 0 || marked {
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
						if _, ok := lines[c]; !ok {
							lines[c] = st.Line
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
	return lines
}

// isMarked reports whether a JunOS statement is marked inactive: or
// protect:, which adds a deactivate or protect command.
func isMarked(text string) bool {
	s := strings.TrimSpace(text)
	return strings.HasPrefix(s, "inactive:") || strings.HasPrefix(s, "protect:")
}
