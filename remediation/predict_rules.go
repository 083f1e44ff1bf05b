package remediation

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// predRules is a rule table compiled for Predict and Equivalent: every
// regular expression compiled once, the defaults of the dialect filled in.
type predRules struct {
	dialect       string
	indent        int
	negation      string
	substitute    []predSub
	negateDefault []predPath
	negateWith    []predNegateWith
	negateSub     []predNegateSub
	idempotent    []predIdempotent
	avoid         []predPath
	ordered       []predOrdered
	overwriteNN   []predPath
	exits         []predExit
	duplicates    []predPath
}

type predSub struct {
	re      *regexp.Regexp
	replace string
}

type predNegateWith struct {
	path predPath
	use  string
}

type predNegateSub struct {
	path    predPath
	re      *regexp.Regexp
	replace string
}

type predIdempotent struct {
	path predPath
	key  *regexp.Regexp // nil: every matching statement is one setting
}

type predOrdered struct {
	path     predPath
	sequence *regexp.Regexp // nil in rewrite mode
}

type predExit struct {
	path predPath
	exit string
}

// predLevel is one compiled MatchRule.
type predLevel struct {
	rule MatchRule
	re   *regexp.Regexp
}

// predPath is a compiled Path.
type predPath []predLevel

// predIsJunos reports whether a dialect is one of the JunOS ones.
func predIsJunos(dialect string) bool {
	return dialect == configtree.DialectJunos || dialect == configtree.DialectJunosSet
}

// predDefaultRules is the table used when no rules are given and no built-in
// table exists for the dialect: only the dialect's negation.
func predDefaultRules(dialect string) *Rules {
	if r, err := Builtin(dialect); err == nil && r != nil {
		return r
	}
	r := &Rules{Dialect: dialect, Negation: "no ", Indent: 1}
	if predIsJunos(dialect) {
		r.Negation, r.Indent = "delete ", 4
	}
	return r
}

// compilePredRules compiles r for a tree of the given dialect; nil r uses
// the dialect's defaults.
func compilePredRules(r *Rules, dialect string) (*predRules, error) {
	if r == nil {
		r = predDefaultRules(dialect)
	}
	c := &predRules{dialect: dialect, indent: r.Indent, negation: r.Negation}
	if c.negation == "" {
		c.negation = "no "
		if predIsJunos(dialect) {
			c.negation = "delete "
		}
	}
	if c.indent <= 0 {
		c.indent = 1
		if dialect == configtree.DialectJunos {
			c.indent = 4
		}
	}
	var err error
	fail := func(what string, i int, e error) error {
		return fmt.Errorf("rules: %s[%d]: %w", what, i, e)
	}
	for i, s := range r.Substitute {
		re, e := regexp.Compile(s.Regex)
		if e != nil {
			return nil, fail("substitute", i, e)
		}
		c.substitute = append(c.substitute, predSub{re: re, replace: s.Replace})
	}
	if c.negateDefault, err = predCompilePaths(r.NegateDefault); err != nil {
		return nil, fmt.Errorf("rules: negate_default: %w", err)
	}
	for i, n := range r.NegateWith {
		p, e := predCompilePath(n.Match)
		if e != nil {
			return nil, fail("negate_with", i, e)
		}
		c.negateWith = append(c.negateWith, predNegateWith{path: p, use: n.Use})
	}
	for i, n := range r.NegateSub {
		p, e := predCompilePath(n.Match)
		if e != nil {
			return nil, fail("negate_sub", i, e)
		}
		re, e := regexp.Compile(n.Regex)
		if e != nil {
			return nil, fail("negate_sub", i, e)
		}
		c.negateSub = append(c.negateSub, predNegateSub{path: p, re: re, replace: n.Replace})
	}
	for i, n := range r.Idempotent {
		p, e := predCompilePath(n.Match)
		if e != nil {
			return nil, fail("idempotent", i, e)
		}
		id := predIdempotent{path: p}
		if n.KeyRegex != "" {
			if id.key, e = regexp.Compile(n.KeyRegex); e != nil {
				return nil, fail("idempotent", i, e)
			}
		}
		c.idempotent = append(c.idempotent, id)
	}
	if c.avoid, err = predCompilePaths(r.IdempotentAvoid); err != nil {
		return nil, fmt.Errorf("rules: idempotent_avoid: %w", err)
	}
	for i, o := range r.Ordered {
		p, e := predCompilePath(o.Match)
		if e != nil {
			return nil, fail("ordered", i, e)
		}
		po := predOrdered{path: p}
		if o.Mode == "sequence" {
			seq := o.Sequence
			if seq == "" {
				seq = `^(\d+)\s`
			}
			if po.sequence, e = regexp.Compile(seq); e != nil {
				return nil, fail("ordered", i, e)
			}
		}
		c.ordered = append(c.ordered, po)
	}
	if c.overwriteNN, err = predCompilePaths(r.OverwriteNoNegate); err != nil {
		return nil, fmt.Errorf("rules: overwrite_no_negate: %w", err)
	}
	for i, x := range r.SectionalExit {
		p, e := predCompilePath(x.Match)
		if e != nil {
			return nil, fail("sectional_exit", i, e)
		}
		c.exits = append(c.exits, predExit{path: p, exit: x.Exit})
	}
	if c.duplicates, err = predCompilePaths(r.DuplicateChildren); err != nil {
		return nil, fmt.Errorf("rules: duplicate_children: %w", err)
	}
	return c, nil
}

func predCompilePaths(ps []Path) ([]predPath, error) {
	out := make([]predPath, 0, len(ps))
	for i, p := range ps {
		c, err := predCompilePath(p)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func predCompilePath(p Path) (predPath, error) {
	out := make(predPath, len(p))
	for i, m := range p {
		out[i].rule = m
		if m.Regex != "" {
			re, err := regexp.Compile(m.Regex)
			if err != nil {
				return nil, fmt.Errorf("level %d: %w", i+1, err)
			}
			out[i].re = re
		}
	}
	return out, nil
}

// matches reports whether key satisfies every non-empty field of the level.
func (l predLevel) matches(key string) bool {
	m := l.rule
	if len(m.Equals) > 0 && !predAnyOf(m.Equals, func(s string) bool { return key == s }) {
		return false
	}
	if len(m.StartsWith) > 0 && !predAnyOf(m.StartsWith, func(s string) bool { return strings.HasPrefix(key, s) }) {
		return false
	}
	if len(m.EndsWith) > 0 && !predAnyOf(m.EndsWith, func(s string) bool { return strings.HasSuffix(key, s) }) {
		return false
	}
	if len(m.Contains) > 0 && !predAnyOf(m.Contains, func(s string) bool { return strings.Contains(key, s) }) {
		return false
	}
	return l.re == nil || l.re.MatchString(key)
}

func predAnyOf(list []string, f func(string) bool) bool {
	for _, s := range list {
		if f(s) {
			return true
		}
	}
	return false
}

// matches reports whether the statement whose ancestors' keys are parents
// and whose own key is key is selected by the path.
func (p predPath) matches(parents []string, key string) bool {
	if len(p) != len(parents)+1 {
		return false
	}
	for i, k := range parents {
		if !p[i].matches(k) {
			return false
		}
	}
	return p[len(parents)].matches(key)
}

func predAnyPath(ps []predPath, parents []string, key string) bool {
	for _, p := range ps {
		if p.matches(parents, key) {
			return true
		}
	}
	return false
}

// substituteLine applies the Substitute rules to one line; ok is false when
// the line became empty (and is dropped).
func (c *predRules) substituteLine(s string) (string, bool) {
	for _, sub := range c.substitute {
		s = sub.re.ReplaceAllString(s, sub.replace)
	}
	s = strings.TrimRight(s, " \t")
	return s, strings.TrimSpace(s) != ""
}

// orderedFor returns the ordering rule of the section whose path (its
// ancestors then itself) is section, or nil when its children are
// unordered.
func (c *predRules) orderedFor(section []string) *predOrdered {
	if len(section) == 0 {
		return nil
	}
	parents, key := section[:len(section)-1], section[len(section)-1]
	for i := range c.ordered {
		if c.ordered[i].path.matches(parents, key) {
			return &c.ordered[i]
		}
	}
	return nil
}

// sequenceOf returns the sequence number of an entry of a sequence-mode
// section.
func (o *predOrdered) sequenceOf(key string) (int, bool) {
	if o == nil || o.sequence == nil {
		return 0, false
	}
	m := o.sequence.FindStringSubmatch(key)
	if m == nil {
		return 0, false
	}
	s := m[0]
	if len(m) > 1 {
		s = m[1]
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

// idempotentKey returns the index of the idempotent rule selecting the
// statement and the setting key it stands for; ok is false when the
// statement is not idempotent.
func (c *predRules) idempotentKey(parents []string, key string) (rule int, setting string, ok bool) {
	if predAnyPath(c.avoid, parents, key) {
		return 0, "", false
	}
	for i, id := range c.idempotent {
		if !id.path.matches(parents, key) {
			continue
		}
		if id.key == nil {
			return i, "", true
		}
		m := id.key.FindStringSubmatch(key)
		if m == nil {
			continue
		}
		if len(m) > 1 {
			return i, m[1], true
		}
		return i, m[0], true
	}
	return 0, "", false
}

// isExit reports whether key is a sectional exit of the section whose path
// is section (ancestors then itself), or one of the generic exits that
// text output may carry.
func (c *predRules) isExit(section []string, key string) bool {
	if key == "exit" || strings.HasPrefix(key, "exit-") {
		return true
	}
	if len(section) == 0 {
		return false
	}
	parents, own := section[:len(section)-1], section[len(section)-1]
	for _, x := range c.exits {
		if x.exit == key && x.path.matches(parents, own) {
			return true
		}
	}
	return false
}

// isExitText reports whether key is the exit text of any sectional exit
// rule (used for command lines, whose section is not always known when a
// parent-level exit is read).
func (c *predRules) isExitText(key string) bool {
	if key == "exit" || key == "end" || strings.HasPrefix(key, "exit-") || key == "!" {
		return true
	}
	for _, x := range c.exits {
		if x.exit == key {
			return true
		}
	}
	return false
}
