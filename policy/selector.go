package policy

import (
	"fmt"
	"strings"
)

// Selector is a standalone condition of the policy language, such as the
// node selector of a canary ("node.role == \"leaf\" AND location.path
// CONTAINS \"Frankfurt\""). It is safe for concurrent use.
type Selector struct {
	text  string
	kind  ObjectKind
	cond  cond
	slots int
}

// ParseSelector parses and checks a condition. Errors are positioned in a
// pseudo-file named "selector".
func ParseSelector(src string) (*Selector, error) {
	return parseSelector(src, nil)
}

// ParseCountCondition parses a condition over named counts, such as the
// abort-on condition of a canary ("new_failures > 0 AND nodes >= 1"): each
// of names is a field of its own. Match it with MatchCounts.
func ParseCountCondition(src string, names []string) (*Selector, error) {
	known := map[string]bool{}
	for _, n := range names {
		known[n] = true
	}
	list := strings.Join(names, ", ")
	return parseSelector(src, func(f *FieldRef) string {
		if len(f.Path) == 1 && known[f.Path[0]] {
			f.Path = []string{"status", f.Path[0]}
			return ""
		}
		return fmt.Sprintf("unknown count %q, expected one of %s", strings.Join(f.Path, "."), list)
	})
}

// MatchCounts evaluates a condition of ParseCountCondition over counts.
func (s *Selector) MatchCounts(counts map[string]any) bool {
	ok, _ := s.Match(Input{Node: map[string]any{}, Status: counts})
	return ok
}

// parseSelector parses and checks a condition; rewrite, when set, may
// change each field reference before the check, or refuse it with a
// message.
func parseSelector(src string, rewrite func(*FieldRef) string) (*Selector, error) {
	const name = "selector"
	p := &parser{file: name, src: src}
	p.lx = newLexer(src, Pos{Line: 1, Col: 1})
	p.next()
	x := p.parseOr()
	if !p.bad && p.tok.kind != tokEOF {
		p.errorExpected("AND, OR or end of selector")
	}
	if p.bad {
		return nil, p.errs
	}
	f := &File{Name: name, Source: src}
	c := &checker{file: f, selector: true}
	r := &Rule{When: x}
	fields := collectFields(r)
	if rewrite != nil {
		for _, f := range fields {
			if msg := rewrite(f); msg != "" {
				c.errorf(f.FieldPos, "%s", msg)
			}
		}
		if len(c.errs) > 0 {
			return nil, c.errs
		}
	}
	kind, _ := c.ruleKind(r, fields)
	if gk, ok := c.gitSourceKind(fields); ok {
		kind = gk
	}
	rc := &ruleCompiler{checker: c, kind: kind, ok: true, kindOK: true, slots: map[string]int{}}
	for _, fr := range fields {
		rc.checkField(fr)
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	s := &Selector{text: ExprString(x), kind: kind, cond: rc.cond(x)}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	s.slots = len(rc.slots)
	return s, nil
}

// String returns the canonical text of the selector.
func (s *Selector) String() string { return s.text }

// Kind is the kind of object the selector applies to.
func (s *Selector) Kind() ObjectKind { return s.kind }

// Match reports whether the object of the selector's kind in the input
// satisfies the condition, with any type-mismatch warnings.
func (s *Selector) Match(in Input) (bool, []string) {
	e := &env{}
	e.reset(s.slots, s.kind, &in, &Evaluation{}, EvalOptions{})
	if !e.present[e.targetRoot] {
		return false, nil
	}
	ok := s.cond.eval(e)
	return ok, e.warnings
}
