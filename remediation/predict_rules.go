package remediation

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// predRules is a rule table prepared for Predict and Equivalent. It uses
// the engine's compiled form of the table, so that what Remediate and
// Predict call a match, an idempotent setting or a sequence number is one
// and the same.
type predRules struct {
	dialect  string
	indent   int
	negation string
	cr       *compiledRules
	e        *engine
	subs     *builder
}

// predIsJunos reports whether a dialect is one of the JunOS ones.
func predIsJunos(dialect string) bool {
	return dialect == configtree.DialectJunos || dialect == configtree.DialectJunosSet
}

// predDefaultRules is the table used when no rules are given: the built-in
// table of the dialect, or, for a dialect without one, only its negation.
func predDefaultRules(dialect string) *Rules {
	if r, err := Builtin(dialect); err == nil && r != nil {
		return r
	}
	r := &Rules{Dialect: dialect, Negation: "no ", Indent: 1}
	if predIsJunos(dialect) {
		r.Negation, r.Declaration, r.Indent = "delete ", "set ", 4
	}
	return r
}

// compilePredRules prepares r for a tree of the given dialect; nil r uses
// predDefaultRules.
func compilePredRules(r *Rules, dialect string) (*predRules, error) {
	if r == nil {
		r = predDefaultRules(dialect)
	}
	cr, err := r.compile()
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	c := &predRules{dialect: dialect, indent: r.Indent, negation: r.Negation, cr: cr}
	if c.negation == "" {
		c.negation = "no "
		if predIsJunos(dialect) {
			c.negation = "delete "
		}
	}
	if c.indent <= 0 {
		c.indent = 2
		if dialect == configtree.DialectJunos {
			c.indent = 4
		}
	}
	c.e = &engine{r: r, cr: cr, negation: c.negation, decl: r.Declaration}
	c.subs = &builder{rules: cr}
	return c, nil
}

// substituteLine applies the Substitute rules to one input line
// (indentation included); ok is false when the line became empty.
func (c *predRules) substituteLine(s string) (string, bool) {
	if len(c.cr.subs) > 0 {
		s = c.subs.subst(s)
	}
	s = strings.TrimRight(s, " \t")
	return s, strings.TrimSpace(s) != ""
}

// orderedFor returns the ordering rule of the section whose path (its
// ancestors then itself) is section, or nil when its children are
// unordered.
func (c *predRules) orderedFor(section []string) *cordered {
	if len(section) == 0 {
		return nil
	}
	return c.e.orderedRule(section)
}

// predSequenceOf returns the sequence number of an entry of a section
// ordered in sequence mode (o nil or in rewrite mode: none).
func predSequenceOf(o *cordered, key string) (int, bool) {
	if o == nil || o.rewrite || o.seq == nil {
		return 0, false
	}
	m := o.seq.FindStringSubmatch(key)
	if len(m) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(m[1]))
	return n, err == nil
}

// sameSetting returns the indexes of the statements of list (the
// section at parents) that hold the setting an idempotent statement key
// sets, by the first idempotent rule that finds one, as the engine pairs
// them; nil when key is not idempotent or nothing holds its setting.
func (c *predRules) sameSetting(list []*configtree.Statement, parents []string, key string) (idempotent bool, same []int) {
	if len(c.cr.idem) == 0 {
		return false, nil
	}
	lin := predAppendPath(parents, key)
	if anyLineage(c.cr.idemAvoid, lin) {
		return false, nil
	}
	other := predAppendPath(parents, "")
	for i := range c.cr.idem {
		k := c.e.idemKey(i, lin)
		if k == "" {
			continue
		}
		idempotent = true
		for j, st := range list {
			if st.Key == key {
				continue
			}
			other[len(other)-1] = st.Key
			if c.e.idemKey(i, other) == k {
				same = append(same, j)
			}
		}
		if len(same) > 0 {
			return true, same
		}
	}
	return idempotent, nil
}

// isExit reports whether key is a sectional exit of the section whose path
// is section (ancestors then itself), or one of the generic exits that a
// configuration may carry ("exit", "exit-…").
func (c *predRules) isExit(section []string, key string) bool {
	if key == "exit" || strings.HasPrefix(key, "exit-") {
		return true
	}
	if len(section) == 0 {
		return false
	}
	for _, x := range c.cr.exits {
		if x.exit == key && x.path.matchLineage(section) {
			return true
		}
	}
	return false
}

// isExitText reports whether a command line is a sectional exit: "exit",
// "exit-…", "end", "!" or the exit text of any rule (a parent-level exit
// is read at its parent's indentation, so its section is not known).
func (c *predRules) isExitText(key string) bool {
	if key == "exit" || key == "end" || key == "!" || strings.HasPrefix(key, "exit-") || key == c.e.r.Exit {
		return true
	}
	for _, x := range c.cr.exits {
		if x.exit == key {
			return true
		}
	}
	return false
}
