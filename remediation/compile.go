package remediation

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// compileError is a rule that does not compile, with the path of the
// offending value in the table ("ordered[0].match[1].regex").
type compileError struct {
	path, msg string
}

func (e *compileError) Error() string { return e.path + ": " + e.msg }

// cmatch is a compiled MatchRule.
type cmatch struct {
	equals, starts, ends, contains []string
	re                             *regexp.Regexp
	reSrc                          string
	// reTrim is the regex without a trailing ".*"/".+" (for idempotency
	// keys, as hier_config normalises them), nil when there is none.
	reTrim *regexp.Regexp
	any    bool // no field set: matches everything
}

func (m *cmatch) match(s string) bool {
	if m.any {
		return true
	}
	if len(m.equals) > 0 && !inList(m.equals, s) {
		return false
	}
	if len(m.starts) > 0 && longestPrefix(m.starts, s) < 0 {
		return false
	}
	if m.re != nil && !m.re.MatchString(s) {
		return false
	}
	if len(m.ends) > 0 && longestSuffix(m.ends, s) < 0 {
		return false
	}
	if len(m.contains) > 0 && longestContained(m.contains, s) < 0 {
		return false
	}
	return true
}

func inList(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func longestPrefix(list []string, s string) int {
	best := -1
	for i, e := range list {
		if strings.HasPrefix(s, e) && (best < 0 || len(e) > len(list[best])) {
			best = i
		}
	}
	return best
}

func longestSuffix(list []string, s string) int {
	best := -1
	for i, e := range list {
		if strings.HasSuffix(s, e) && (best < 0 || len(e) > len(list[best])) {
			best = i
		}
	}
	return best
}

func longestContained(list []string, s string) int {
	best := -1
	for i, e := range list {
		if strings.Contains(s, e) && (best < 0 || len(e) > len(list[best])) {
			best = i
		}
	}
	return best
}

// cpath is a compiled Path.
type cpath []cmatch

// matchLineage reports whether keys (outermost first, the statement's own
// key last) match the path level by level; the lengths must be equal.
func (p cpath) matchLineage(keys []string) bool {
	if len(p) != len(keys) {
		return false
	}
	for i := len(p) - 1; i >= 0; i-- {
		if !p[i].match(keys[i]) {
			return false
		}
	}
	return true
}

type csub struct {
	re   *regexp.Regexp
	repl string
	pre  prefilter
}

type cnegWith struct {
	path cpath
	use  string
}

type cnegSub struct {
	path cpath
	re   *regexp.Regexp
	repl string
}

type cidem struct {
	path cpath
	key  *regexp.Regexp
}

type cordered struct {
	path     cpath
	rewrite  bool
	group    *regexp.Regexp
	seq      *regexp.Regexp
	number   cmatch
	numbered bool
	start    int
	step     int
}

type cexit struct {
	path        cpath
	exit        string
	parentLevel bool
}

type cweight struct {
	path   cpath
	weight int
}

// compiledRules is the form of Rules the engine uses, built once.
type compiledRules struct {
	subs           []csub
	subIndex       *substIndex
	negDefault     []cpath
	negWith        []cnegWith
	negSub         []cnegSub
	idem           []cidem
	idemAvoid      []cpath
	toggle         []cpath
	hidden         []cpath
	ordered        []cordered
	grouped        []*cordered // the ordered rules with a group
	overwrite      []cpath
	overwriteNoNeg []cpath
	exits          []cexit
	weights        []cweight
	dups           []cpath
}

type compiler struct{ err error }

func (c *compiler) regex(path, src string) *regexp.Regexp {
	if src == "" {
		return nil
	}
	re, err := regexp.Compile(src)
	if err != nil && c.err == nil {
		c.err = &compileError{path: path, msg: "invalid regular expression: " + err.Error()}
	}
	return re
}

func (c *compiler) match(path string, m MatchRule) cmatch {
	cm := cmatch{equals: m.Equals, starts: m.StartsWith, ends: m.EndsWith, contains: m.Contains, reSrc: m.Regex}
	cm.re = c.regex(path+".regex", m.Regex)
	if cm.re != nil {
		trimmed := strings.TrimRight(m.Regex, "$")
		for _, suf := range []string{".*", ".+"} {
			if t, ok := strings.CutSuffix(trimmed, suf); ok && t != "" {
				if re, err := regexp.Compile(t); err == nil {
					cm.reTrim = re
				}
				break
			}
		}
	}
	cm.any = len(m.Equals) == 0 && len(m.StartsWith) == 0 && len(m.EndsWith) == 0 && len(m.Contains) == 0 && m.Regex == ""
	return cm
}

func (c *compiler) path(path string, p Path) cpath {
	if len(p) == 0 && c.err == nil {
		c.err = &compileError{path: path, msg: "a match path needs at least one level"}
	}
	out := make(cpath, len(p))
	for i, m := range p {
		out[i] = c.match(path+"["+strconv.Itoa(i)+"]", m)
	}
	return out
}

func (c *compiler) paths(key string, ps []Path) []cpath {
	out := make([]cpath, len(ps))
	for i, p := range ps {
		out[i] = c.path(idx(key, i), p)
	}
	return out
}

// compileRules checks and compiles every rule of r.
func compileRules(r *Rules) (*compiledRules, error) {
	var c compiler
	cr := &compiledRules{}
	for i, s := range r.Substitute {
		re := c.regex(idx("substitute", i)+".regex", s.Regex)
		if re == nil {
			if c.err == nil {
				c.err = &compileError{path: idx("substitute", i) + ".regex", msg: "regex is required"}
			}
			continue
		}
		cs := csub{re: re, repl: s.Replace, pre: newPrefilter(s.Regex)}
		cr.subs = append(cr.subs, cs)
	}
	if len(cr.subs) > 0 {
		cr.subIndex = newSubstIndex(cr.subs)
	}
	cr.negDefault = c.paths("negate_default", r.NegateDefault)
	for i, n := range r.NegateWith {
		cr.negWith = append(cr.negWith, cnegWith{path: c.path(idx("negate_with", i)+".match", n.Match), use: n.Use})
	}
	for i, n := range r.NegateSub {
		re := c.regex(idx("negate_sub", i)+".regex", n.Regex)
		if re == nil && c.err == nil {
			c.err = &compileError{path: idx("negate_sub", i) + ".regex", msg: "regex is required"}
		}
		cr.negSub = append(cr.negSub, cnegSub{path: c.path(idx("negate_sub", i)+".match", n.Match), re: re, repl: n.Replace})
	}
	for i, n := range r.Idempotent {
		cr.idem = append(cr.idem, cidem{path: c.path(idx("idempotent", i)+".match", n.Match), key: c.regex(idx("idempotent", i)+".key", n.KeyRegex)})
	}
	cr.idemAvoid = c.paths("idempotent_avoid", r.IdempotentAvoid)
	cr.toggle = c.paths("toggle", r.Toggle)
	cr.hidden = c.paths("hidden", r.Hidden)
	for i, o := range r.Ordered {
		p := idx("ordered", i)
		co := cordered{path: c.path(p+".match", o.Match), start: o.Start, step: o.Step}
		switch o.Mode {
		case "sequence":
			co.seq = c.regex(p+".sequence", o.Sequence)
			if co.seq == nil && c.err == nil {
				c.err = &compileError{path: p + ".sequence", msg: "mode \"sequence\" needs a sequence regex"}
			}
			if co.seq != nil && co.seq.NumSubexp() < 1 && c.err == nil {
				c.err = &compileError{path: p + ".sequence", msg: "the sequence regex needs a group for the number"}
			}
		case "rewrite":
			co.rewrite = true
			co.group = c.regex(p+".group", o.Group)
			if co.group != nil && co.group.NumSubexp() < 1 && c.err == nil {
				c.err = &compileError{path: p + ".group", msg: "the group regex needs a group for the list name"}
			}
		default:
			if c.err == nil {
				c.err = &compileError{path: p + ".mode", msg: fmt.Sprintf("mode must be \"sequence\" or \"rewrite\", got %q", o.Mode)}
			}
		}
		co.number = c.match(p+".number", o.Number)
		co.numbered = !co.number.any
		if co.start == 0 {
			co.start = 10
		}
		if co.step == 0 {
			co.step = 10
		}
		cr.ordered = append(cr.ordered, co)
	}
	for i := range cr.ordered {
		if cr.ordered[i].group != nil {
			cr.grouped = append(cr.grouped, &cr.ordered[i])
		}
	}
	cr.overwrite = c.paths("overwrite", r.Overwrite)
	cr.overwriteNoNeg = c.paths("overwrite_no_negate", r.OverwriteNoNegate)
	for i, e := range r.SectionalExit {
		cr.exits = append(cr.exits, cexit{path: c.path(idx("sectional_exit", i)+".match", e.Match), exit: e.Exit, parentLevel: e.ParentLevel})
	}
	for i, w := range r.Weight {
		cr.weights = append(cr.weights, cweight{path: c.path(idx("weight", i)+".match", w.Match), weight: w.Weight})
	}
	cr.dups = c.paths("duplicate_children", r.DuplicateChildren)
	if c.err != nil {
		return nil, c.err
	}
	return cr, nil
}

// compile returns the compiled form of r, compiling it now when r was
// built in Go rather than read by ParseRules.
func (r *Rules) compile() (*compiledRules, error) {
	if r.compiled != nil {
		return r.compiled, nil
	}
	return compileRules(r)
}

func anyLineage(ps []cpath, keys []string) bool {
	for i := range ps {
		if ps[i].matchLineage(keys) {
			return true
		}
	}
	return false
}
