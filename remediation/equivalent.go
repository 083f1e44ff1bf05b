package remediation

import (
	"fmt"
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// equivalent is the body of Equivalent.
//
// Both trees are first normalised as Predict normalises the running
// configuration: the rules' substitutions applied to every statement key
// (a statement left empty is dropped with its children), sectional exits
// that end a section and a top-level "end" removed.
//
// Indentation dialects are compared section by section. Siblings are
// compared as multisets of keys (their order does not matter, repeated
// statements must repeat as often on both sides), except in the sections
// of an ordered rule, whose children are compared position by position.
// Block-closing lines, indentation and line numbers are not compared.
//
// JunOS trees (junos and junos-set, in any combination) are compared in
// their "display set" form: the set statements of a curly-brace tree, the
// evaluated lines of a set-format one (its delete lines applied, empty
// containers that other statements fill dropped), as multisets of lines.
//
// The difference reported is the first one in the order of a, then of b:
// the statement path joined with " > " and what differs ("only in a",
// "only in b", a count, or the two statements found at one position of an
// ordered section).
func equivalent(a, b *configtree.Tree, rules *Rules) (bool, string) {
	if a == nil || b == nil {
		if a == b {
			return true, ""
		}
		return false, "one configuration is missing"
	}
	if predIsJunos(a.Dialect) && predIsJunos(b.Dialect) {
		return equivalentJunos(a, b, rules)
	}
	if a.Dialect != b.Dialect {
		return false, fmt.Sprintf("dialects differ: %s and %s", a.Dialect, b.Dialect)
	}
	c, err := compilePredRules(rules, a.Dialect)
	if err != nil {
		return false, err.Error()
	}
	la := c.normalize(a.Statements, nil, false)
	lb := c.normalize(b.Statements, nil, false)
	if msg := c.compare(la, lb, nil); msg != "" {
		return false, msg
	}
	return true, ""
}

// compare returns the first difference between two sibling lists of the
// section at path parents, or "".
func (c *predRules) compare(la, lb []*configtree.Statement, parents []string) string {
	if c.orderedFor(parents) != nil {
		for i := 0; i < len(la) || i < len(lb); i++ {
			switch {
			case i >= len(la):
				return equivPath(parents, lb[i].Key) + ": only in b"
			case i >= len(lb):
				return equivPath(parents, la[i].Key) + ": only in a"
			case la[i].Key != lb[i].Key:
				return fmt.Sprintf("%s: entry %d is %q in a, %q in b", equivPath(parents, ""), i+1, la[i].Key, lb[i].Key)
			}
			if msg := c.compare(la[i].Children, lb[i].Children, predAppendPath(parents, la[i].Key)); msg != "" {
				return msg
			}
		}
		return ""
	}
	byKey := make(map[string][]*configtree.Statement, len(lb))
	for _, st := range lb {
		byKey[st.Key] = append(byKey[st.Key], st)
	}
	countA := make(map[string]int, len(la))
	for _, st := range la {
		countA[st.Key]++
	}
	used := make(map[string]int, len(la))
	for _, st := range la {
		cands := byKey[st.Key]
		n := used[st.Key]
		if n >= len(cands) {
			if len(cands) == 0 {
				return equivPath(parents, st.Key) + ": only in a"
			}
			return fmt.Sprintf("%s: %d times in a, %d in b", equivPath(parents, st.Key), countA[st.Key], len(cands))
		}
		used[st.Key] = n + 1
		if msg := c.compare(st.Children, cands[n].Children, predAppendPath(parents, st.Key)); msg != "" {
			return msg
		}
	}
	for _, st := range lb {
		if n := countA[st.Key]; n < len(byKey[st.Key]) {
			if n == 0 {
				return equivPath(parents, st.Key) + ": only in b"
			}
			return fmt.Sprintf("%s: %d times in a, %d in b", equivPath(parents, st.Key), n, len(byKey[st.Key]))
		}
	}
	return ""
}

// equivPath joins a statement path for a difference report; key "" names
// the section itself.
func equivPath(parents []string, key string) string {
	p := parents
	if key != "" {
		p = predAppendPath(parents, key)
	}
	if len(p) == 0 {
		return "(top level)"
	}
	return strings.Join(p, " > ")
}

// equivalentJunos compares two JunOS trees in display-set form.
func equivalentJunos(a, b *configtree.Tree, rules *Rules) (bool, string) {
	c, err := compilePredRules(rules, a.Dialect)
	if err != nil {
		return false, err.Error()
	}
	sa, err := predSetStateOf(a, c)
	if err != nil {
		return false, "a: " + err.Error()
	}
	sb, err := predSetStateOf(b, c)
	if err != nil {
		return false, "b: " + err.Error()
	}
	la, lb := sa.live(), sb.live()
	count := make(map[string]int, len(lb))
	for _, l := range lb {
		count[l.text()]++
	}
	for _, l := range la {
		t := l.text()
		if count[t] == 0 {
			return false, t + ": only in a"
		}
		count[t]--
	}
	for _, l := range lb {
		t := l.text()
		if count[t] > 0 {
			return false, t + ": only in b"
		}
	}
	return true, ""
}
