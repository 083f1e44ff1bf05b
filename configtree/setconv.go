package configtree

import (
	"fmt"
	"strings"
)

// SetCommands renders a JunOS curly-brace tree as "display set" commands:
// one "set <path>" per leaf (one per element of a "[ ... ]" list), a "set"
// for every empty block, and "deactivate <path>"/"protect <path>" after the
// statements of an "inactive:"/"protect:" statement. The statement path of a
// set command is exactly what match expressions see in both JunOS dialects.
func SetCommands(t *Tree) ([]string, error) {
	if t.Dialect != DialectJunos {
		return nil, fmt.Errorf("set commands need a junos tree, got %s", t.Dialect)
	}
	var out []string
	var walk func(list []*Statement, parent []string)
	walk = func(list []*Statement, parent []string) {
		for _, st := range list {
			paths := wordPaths(parent, []byte(st.Key))
			if len(st.Children) == 0 {
				for _, p := range paths {
					out = append(out, "set "+strings.Join(p, " "))
				}
			} else {
				walk(st.Children, paths[0])
			}
			marker := strings.TrimSpace(st.Text)
			for _, m := range []struct{ prefix, verb string }{{"inactive:", "deactivate"}, {"protect:", "protect"}} {
				if strings.HasPrefix(marker, m.prefix) {
					out = append(out, m.verb+" "+strings.Join(paths[0], " "))
				}
			}
		}
	}
	walk(t.Statements, nil)
	return out, nil
}
