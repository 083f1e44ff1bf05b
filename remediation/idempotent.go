package remediation

import "strings"

// idemKey is the setting an idempotent command sets, or "" when rule i does
// not apply to it.
func (e *engine) idemKey(i int, keys []string) string {
	rule := &e.cr.idem[i]
	if !rule.path.matchLineage(keys) {
		return ""
	}
	text := keys[len(keys)-1]
	norm := strings.TrimPrefix(text, e.negation)
	if rule.key != nil {
		m := rule.key.FindStringSubmatch(norm)
		if m == nil {
			return "text|" + norm
		}
		if len(m) > 1 {
			return "key|" + m[1]
		}
		return "key|" + m[0]
	}
	last := &rule.path[len(rule.path)-1]
	var parts []string
	switch len(last.equals) {
	case 0:
	case 1:
		parts = append(parts, "equals|"+last.equals[0])
	default:
		parts = append(parts, "equals|"+text)
	}
	if j := longestPrefix(last.starts, norm); j >= 0 {
		parts = append(parts, "startswith|"+last.starts[j])
	}
	if j := longestSuffix(last.ends, norm); j >= 0 {
		parts = append(parts, "endswith|"+last.ends[j])
	}
	if j := longestContained(last.contains, norm); j >= 0 {
		parts = append(parts, "contains|"+last.contains[j])
	}
	if last.re != nil {
		if k, ok := regexKey(last, norm); ok {
			parts = append(parts, "re|"+k)
		} else if k, ok := regexKey(last, text); ok {
			parts = append(parts, "re|"+k)
		}
	}
	if len(parts) == 0 {
		return "text|" + norm
	}
	return strings.Join(parts, ";")
}

// regexKey normalises a regex match the way hier_config does: the
// non-empty groups, or the match of the regex without its trailing ".*".
func regexKey(m *cmatch, s string) (string, bool) {
	loc := m.re.FindStringSubmatch(s)
	if loc == nil {
		return "", false
	}
	if len(loc) > 1 {
		var groups []string
		nonEmpty := false
		for _, g := range loc[1:] {
			g = strings.TrimSpace(g)
			groups = append(groups, g)
			if g != "" {
				nonEmpty = true
			}
		}
		if nonEmpty {
			return strings.Join(groups, "|"), true
		}
	}
	if m.reTrim != nil {
		if t := strings.TrimSpace(m.reTrim.FindString(s)); t != "" {
			return t, true
		}
	}
	return strings.TrimSpace(loc[0]), true
}

// idemIndex maps, per idempotent rule, the settings of a section's
// children to the first child setting it; built lazily per section.
type idemIndex struct {
	e     *engine
	sec   *node
	keys  []string
	built []map[string]*node
}

func (x *idemIndex) lookup(rule int, key string) *node {
	if x.built == nil {
		x.built = make([]map[string]*node, len(x.e.cr.idem))
	}
	m := x.built[rule]
	if m == nil {
		m = map[string]*node{}
		lin := extend(x.keys)
		for _, c := range x.sec.children {
			lin[len(lin)-1] = c.text
			if k := x.e.idemKey(rule, lin); k != "" {
				if _, ok := m[k]; !ok {
					m[k] = c
				}
			}
		}
		x.built[rule] = m
	}
	return m[key]
}

// idempotentWith returns the statement of other that a statement (path
// keys) replaces in place, or nil.
func (e *engine) idempotentWith(keys []string, other *idemIndex) *node {
	if len(e.cr.idem) == 0 || anyLineage(e.cr.idemAvoid, keys) {
		return nil
	}
	for i := range e.cr.idem {
		k := e.idemKey(i, keys)
		if k == "" {
			continue
		}
		if n := other.lookup(i, k); n != nil {
			return n
		}
	}
	return nil
}
