package remediation

import (
	"regexp"
	"slices"
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// differenceClass is a documented class of cases where μNet deliberately
// differs from hier_config because hier_config is wrong; every class is
// listed with an example in docs/remediation.md, "Differences from
// hier_config". A class undoes exactly the flaw it names, and a difference
// is in the documented classes only when undoing the flaws of the classes
// that apply leaves no difference.
type differenceClass struct {
	name string
	// output is the hier_config output the class is about: "commands"
	// (remediation and rollback) or "future".
	output string
	reason string
	// commands, for "commands" classes: μNet's output without the commands
	// hier_config wrongly leaves out, and whether there were any.
	commands func(c corpusCase, unet string) (string, bool)
	// future, for "future" classes: hier_config's future() with the flaw
	// undone (taking the right statements from intended), and whether it
	// changed anything.
	future func(c corpusCase, rules *Rules, hier, intended *configtree.Tree) (*configtree.Tree, bool)
}

// differenceClasses are all the documented classes.
var differenceClasses = []differenceClass{
	{
		name:   "secondary-address-negation",
		output: "commands",
		reason: "hier_config's IOS, EOS and IOS-XR drivers treat every \"ip address\" (\"ipv4 address\") line of an " +
			"interface as one setting, so a secondary address that goes away is never negated; on the device it stays " +
			"until \"no ip address ... secondary\"",
		commands: func(c corpusCase, unet string) (string, bool) {
			if c.dialect != "ios" && c.dialect != "eos" && c.dialect != "iosxr" {
				return "", false
			}
			return dropCommands(unet, secondaryNegation)
		},
	},
	{
		name:   "future-sequence-order",
		output: "future",
		reason: "hier_config's future() puts the entries a remediation adds to an ACL before the existing ones, " +
			"whatever their sequence numbers; the device files them by number, as μNet predicts",
		future: func(c corpusCase, rules *Rules, hier, intended *configtree.Tree) (*configtree.Tree, bool) {
			if c.dialect == "junos-set" {
				return nil, false
			}
			return takeFromIntended(hier, intended, func(st *configtree.Statement) bool {
				return topOrdered(rules, st.Key)
			}, func(h, i *configtree.Statement) bool {
				// Only the order (and IOS's implicit numbers) may differ.
				return slices.Equal(entryKeys(h), entryKeys(i)) && !slices.Equal(childKeys(h), childKeys(i))
			})
		},
	},
	{
		name:   "future-negated-form-replaced",
		output: "future",
		reason: "hier_config's future() removes a stored \"no X\" when X is typed and does not store X; " +
			"the device shows X (\"shutdown\" typed over \"no shutdown\"), as μNet predicts",
		future: func(c corpusCase, rules *Rules, hier, intended *configtree.Tree) (*configtree.Tree, bool) {
			if c.dialect == "junos-set" {
				return nil, false
			}
			// Undo exactly the flaw: put back, under each interface, the
			// toggles (shutdown, switchport) that intended has and
			// hier_config's future() dropped, when its running config had
			// the other form.
			byKey := map[string]*configtree.Statement{}
			for _, st := range intended.Statements {
				byKey[st.Key] = st
			}
			negated := negatedToggles(c)
			out := &configtree.Tree{Dialect: hier.Dialect}
			changed := false
			for _, st := range hier.Statements {
				i := byKey[st.Key]
				if i == nil || !strings.HasPrefix(st.Key, "interface ") {
					out.Statements = append(out.Statements, st)
					continue
				}
				have := map[string]bool{}
				for _, ch := range st.Children {
					have[ch.Key] = true
				}
				cp := *st
				cp.Children = slices.Clone(st.Children)
				for _, ch := range i.Children {
					if toggleLine.MatchString(ch.Key) && !have[ch.Key] && negated[st.Key+"\x00no "+ch.Key] {
						cp.Children = append(cp.Children, ch)
						changed = true
					}
				}
				out.Statements = append(out.Statements, &cp)
			}
			return out, changed
		},
	},
	{
		name:   "future-secondary-address",
		output: "future",
		reason: "hier_config's future() treats a secondary address as replacing the primary one (and keeps a secondary " +
			"its remediation did not negate); the device keeps the primary, as μNet predicts",
		future: func(c corpusCase, rules *Rules, hier, intended *configtree.Tree) (*configtree.Tree, bool) {
			if c.dialect == "junos-set" {
				return nil, false
			}
			return takeFromIntended(hier, intended, func(st *configtree.Statement) bool {
				return strings.HasPrefix(st.Key, "interface ")
			}, func(h, i *configtree.Statement) bool {
				// The interfaces differ only in their address lines, and
				// one of them has a secondary address.
				return slices.Equal(nonAddressKeys(h), nonAddressKeys(i)) &&
					(slices.ContainsFunc(h.Children, isSecondary) || slices.ContainsFunc(i.Children, isSecondary))
			})
		},
	},
	{
		name:   "future-junos-delete",
		output: "future",
		reason: "hier_config's future() of a JunOS set configuration keeps the statements a \"delete\" command removes " +
			"and adds the \"delete\" command itself as a statement; the device removes them, as μNet predicts",
		future: func(c corpusCase, rules *Rules, hier, intended *configtree.Tree) (*configtree.Tree, bool) {
			if c.dialect != "junos-set" {
				return nil, false
			}
			// Statement keys are paths without their verb: compare the text.
			deleted := map[string]bool{}
			for _, st := range hier.Statements {
				if rest, ok := strings.CutPrefix(strings.TrimSpace(st.Text), "delete "); ok {
					deleted["set "+rest] = true
				}
			}
			if len(deleted) == 0 {
				return nil, false
			}
			var kept []string
			for _, st := range hier.Statements {
				text := strings.TrimSpace(st.Text)
				if !deleted[text] && !strings.HasPrefix(text, "delete ") {
					kept = append(kept, text)
				}
			}
			t := parseCaseText(c, strings.Join(kept, "\n")+"\n")
			return t, t != nil
		},
	},
}

var (
	secondaryNegation = regexp.MustCompile(`^\s*no ipv?4? ?address \S+( \S+)? secondary$`)
	addressLine       = regexp.MustCompile(`^ipv?4? ?address `)
	leadingNumber     = regexp.MustCompile(`^\d+ `)
	toggleLine        = regexp.MustCompile(`^(shutdown|switchport)$`)
)

func isSecondary(st *configtree.Statement) bool {
	return addressLine.MatchString(st.Key) && strings.HasSuffix(st.Key, " secondary")
}

// classifyCommands returns the classes that explain the difference between
// μNet's remediation or rollback text and hier_config's, or nil.
func classifyCommands(c corpusCase, unet, hier string) []string {
	var used []string
	for _, dc := range differenceClasses {
		if dc.output != "commands" {
			continue
		}
		if repaired, ok := dc.commands(c, unet); ok {
			unet = repaired
			used = append(used, dc.name)
		}
	}
	if len(used) > 0 && unet == hier {
		return used
	}
	return nil
}

// classifyFuture returns the classes that explain why hier_config's
// future() is not intended, or nil.
func classifyFuture(c corpusCase, rules *Rules, hier, intended *configtree.Tree) []string {
	var used []string
	for _, dc := range differenceClasses {
		if dc.output != "future" {
			continue
		}
		if repaired, ok := dc.future(c, rules, hier, intended); ok {
			hier = repaired
			used = append(used, dc.name)
		}
	}
	if same, _ := Equivalent(hier, intended, rules); len(used) > 0 && same {
		return used
	}
	return nil
}

// dropCommands removes the lines of a hier_config-style text (two spaces a
// level) that match re, and the section lines left without children.
func dropCommands(text string, re *regexp.Regexp) (string, bool) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	depth := func(l string) int { return (len(l) - len(strings.TrimLeft(l, " "))) / 2 }
	keep := make([]bool, len(lines))
	dropped := false
	for i, l := range lines {
		keep[i] = !re.MatchString(l)
		dropped = dropped || !keep[i]
	}
	if !dropped {
		return text, false
	}
	// A section line stays when a kept line follows it deeper before the
	// next line at its own depth or above; sections are resolved from the
	// innermost out.
	for i := len(lines) - 1; i >= 0; i-- {
		if !keep[i] || i+1 >= len(lines) || depth(lines[i+1]) <= depth(lines[i]) {
			continue
		}
		has := false
		for j := i + 1; j < len(lines) && depth(lines[j]) > depth(lines[i]); j++ {
			if keep[j] {
				has = true
				break
			}
		}
		keep[i] = has
	}
	var out []string
	for i, l := range lines {
		if keep[i] {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n") + "\n", true
}

// takeFromIntended returns a copy of hier whose top-level statements that
// pick selects and that intended also has are replaced by intended's when
// ok(hier's, intended's) holds, and whether any was.
func takeFromIntended(hier, intended *configtree.Tree, pick func(*configtree.Statement) bool, ok func(h, i *configtree.Statement) bool) (*configtree.Tree, bool) {
	byKey := map[string]*configtree.Statement{}
	for _, st := range intended.Statements {
		byKey[st.Key] = st
	}
	out := &configtree.Tree{Dialect: hier.Dialect}
	changed := false
	for _, st := range hier.Statements {
		if i := byKey[st.Key]; i != nil && pick(st) && ok(st, i) {
			out.Statements = append(out.Statements, i)
			changed = true
			continue
		}
		out.Statements = append(out.Statements, st)
	}
	return out, changed
}

func childKeys(st *configtree.Statement) []string {
	out := make([]string, 0, len(st.Children))
	for _, ch := range st.Children {
		out = append(out, ch.Key)
	}
	return out
}

// entryKeys are the children's keys without sequence numbers, sorted.
func entryKeys(st *configtree.Statement) []string {
	out := make([]string, 0, len(st.Children))
	for _, ch := range st.Children {
		out = append(out, leadingNumber.ReplaceAllString(ch.Key, ""))
	}
	slices.Sort(out)
	return out
}

// nonAddressKeys are the children's keys but the address lines, sorted.
func nonAddressKeys(st *configtree.Statement) []string {
	var out []string
	for _, ch := range st.Children {
		if !addressLine.MatchString(ch.Key) {
			out = append(out, ch.Key)
		}
	}
	slices.Sort(out)
	return out
}

// parseCaseText parses text in a case's dialect; the corpus parses (a
// test of its own), so an error here is a nil tree.
func parseCaseText(c corpusCase, text string) *configtree.Tree {
	tree, err := configtree.ParseString(text, c.dialect)
	if err != nil {
		return nil
	}
	return tree
}

// topOrdered reports whether a top-level statement is an order-sensitive
// section of the rules.
func topOrdered(rules *Rules, key string) bool {
	for _, o := range rules.Ordered {
		if len(o.Match) == 1 && matchRule(o.Match[0], key) {
			return true
		}
	}
	return false
}

// matchRule is MatchRule's documented semantics: every non-empty field
// matches, a list matches when any entry does.
func matchRule(m MatchRule, key string) bool {
	anyOf := func(list []string, f func(string, string) bool) bool {
		if len(list) == 0 {
			return true
		}
		for _, x := range list {
			if f(key, x) {
				return true
			}
		}
		return false
	}
	if !anyOf(m.Equals, func(a, b string) bool { return a == b }) ||
		!anyOf(m.StartsWith, strings.HasPrefix) || !anyOf(m.EndsWith, strings.HasSuffix) || !anyOf(m.Contains, strings.Contains) {
		return false
	}
	if m.Regex != "" {
		re, err := regexp.Compile(m.Regex)
		return err == nil && re.MatchString(key)
	}
	return true
}

// negatedToggles lists, as "interface\x00no X", the negated toggles of the
// interfaces of a case's running configuration.
func negatedToggles(c corpusCase) map[string]bool {
	out := map[string]bool{}
	tree, err := configtree.ParseString(c.running, c.dialect)
	if err != nil {
		return out
	}
	for _, st := range tree.Statements {
		for _, ch := range st.Children {
			if rest, ok := strings.CutPrefix(ch.Key, "no "); ok && toggleLine.MatchString(rest) {
				out[st.Key+"\x00"+ch.Key] = true
			}
		}
	}
	return out
}
