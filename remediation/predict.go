package remediation

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// predict is the body of Predict.
//
// Indentation dialects (ios, nxos, eos, iosxr and the other indented ones):
// the command text is parsed with the running configuration's dialect
// (banners and IOS-XR block ends included), sectional exits ("exit",
// "exit-…", "end", "!" and the rules' exit texts) are dropped, the running
// configuration is normalised as the engine reads it (substitutions, merged
// sections, implicit sequence numbers: see normalize), and every command is
// applied to its section in order, as the device does:
//
//   - a command that a negate_with or negate_sub rule gives as the negation
//     of a statement of the section removes that statement;
//   - "no X" (the rules' negation) and "default X" remove the statement X
//     with its children; with no such statement, they remove every statement
//     starting with "X " ("no description" removes "description foo", "no
//     neighbor 10.0.0.1" every line of that neighbour); a "no X" that negates
//     nothing stays in the configuration as a statement of its own ("no ip
//     http server"), unless an idempotent rule selects it, in which case it
//     replaces the statement with the same setting ("no logging console");
//   - a command already present enters its section: its children are applied
//     to the existing section (a section of an overwrite_no_negate rule is
//     replaced whole instead, as IOS-XR does for route policies and sets);
//   - an idempotent command replaces, in place, the statement of the section
//     holding the same setting;
//   - "X" when "no X" is present removes "no X" (hier_config's semantics: X
//     is the platform default and is not shown);
//   - anything else is added at the end of its section, or, in a section of
//     an ordered rule in sequence mode, at the place of its sequence number
//     (replacing an entry with the same number); a command under a section
//     that does not exist creates the section.
//
// Where hier_config's future() differs, this does what the device does:
// future() lists the commands of a section before its untouched running
// statements, where the device keeps its order and appends (or, for
// sequence-numbered entries, places by number); it fails with a duplicate
// section when a remediation re-enters an overwrite_no_negate section (an
// IOS-XR route policy), which the device replaces whole.
//
// JunOS (junos and junos-set): see predictJunos.
//
// The running tree is not modified; the result's statements are numbered
// from 1 in document order.
func predict(running *configtree.Tree, commands string, rules *Rules) (*configtree.Tree, error) {
	if running == nil {
		return nil, errors.New("predict: no running configuration")
	}
	c, err := compilePredRules(rules, running.Dialect)
	if err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	if predIsJunos(running.Dialect) {
		return predictJunos(running, commands, c)
	}
	cmdTree, err := configtree.ParseString(commands, running.Dialect)
	if err != nil {
		return nil, fmt.Errorf("predict: commands: %w", err)
	}
	p := &predictor{c: c}
	state := c.normalize(running.Statements, nil, false)
	cmds := c.normalize(cmdTree.Statements, nil, true)
	state = p.apply(state, cmds, nil, 0, "")
	out := &configtree.Tree{Dialect: running.Dialect, Statements: state}
	predRenumber(out.Statements)
	return out, nil
}

// predictor applies commands to a configuration.
type predictor struct {
	c *predRules
}

// apply applies the commands cmds to the statements list of the section
// whose path is parents and returns the new list. list is owned by the
// predictor (a copy of the running statements) and is modified.
//
// New statements are indented like the first statement of their section;
// in an empty section, like the command when it was typed at its depth,
// or by fallback (the parent's indentation plus the rules' Indent).
func (p *predictor) apply(list, cmds []*configtree.Statement, parents []string, depth int, fallback string) []*configtree.Statement {
	for _, cmd := range cmds {
		pad := fallback
		switch {
		case len(list) > 0:
			pad = predPad(list[0])
		case cmd.Depth == depth && strings.HasSuffix(cmd.Text, cmd.Key):
			pad = predPad(cmd)
		}
		list = p.applyOne(list, cmd, parents, depth, pad)
	}
	return list
}

// predPad is the indentation of a statement.
func predPad(st *configtree.Statement) string {
	return st.Text[:len(st.Text)-len(strings.TrimLeft(st.Text, " \t"))]
}

func (p *predictor) applyOne(list []*configtree.Statement, cmd *configtree.Statement, parents []string, depth int, pad string) []*configtree.Statement {
	key := cmd.Key
	if i := p.negatedBy(list, parents, key); i >= 0 {
		return predRemoveAt(list, i)
	}
	if positive, isDefault, ok := p.negated(key); ok {
		if i := predFindKey(list, positive); i >= 0 {
			if !isDefault && p.shown(parents, positive, key) {
				// A toggle shows its negated form ("no shutdown").
				list[i] = p.build(cmd, parents, depth, pad, false)
				return list
			}
			return predRemoveAt(list, i)
		}
		idem, same := p.c.sameSetting(list, parents, key)
		if idem {
			return p.replaceSetting(list, cmd, parents, depth, pad, same)
		}
		kept := list[:0]
		removed := false
		for _, st := range list {
			if strings.HasPrefix(st.Key, positive+" ") {
				removed = true
				continue
			}
			kept = append(kept, st)
		}
		list = kept
		if removed || isDefault || predFindKey(list, key) >= 0 {
			return list
		}
		return append(list, p.build(cmd, parents, depth, pad, true))
	}
	if i := predFindKey(list, key); i >= 0 {
		if anyLineage(p.c.cr.overwriteNoNeg, predAppendPath(parents, key)) {
			list[i] = p.build(cmd, parents, depth, pad, false)
			return list
		}
		st := list[i]
		st.Children = p.apply(st.Children, cmd.Children, predAppendPath(parents, key), depth+1, predPad(st)+p.step())
		if cmd.Close != "" {
			st.Close = cmd.Close
		}
		return list
	}
	if idem, same := p.c.sameSetting(list, parents, key); idem && len(same) > 0 {
		return p.replaceSetting(list, cmd, parents, depth, pad, same)
	}
	if i := predFindKey(list, p.c.negation+key); i >= 0 {
		// X and "no X" are one setting: a toggle shows the form typed
		// ("shutdown" over "no shutdown"); otherwise X is the default,
		// which the device does not show ("ip redirects").
		if p.shown(parents, key, key) {
			list[i] = p.build(cmd, parents, depth, pad, false)
			return list
		}
		return predRemoveAt(list, i)
	}
	return p.insert(list, p.build(cmd, parents, depth, pad, false), parents)
}

// shown reports whether typing form (X or "no X") of the toggle whose
// positive form is positive leaves form in the configuration: the setting
// is a toggle and form is not a hidden default.
func (p *predictor) shown(parents []string, positive, form string) bool {
	cr := p.c.cr
	return anyLineage(cr.toggle, predAppendPath(parents, positive)) && !anyLineage(cr.hidden, predAppendPath(parents, form))
}

// negated splits a negation ("no X", "default X") into X.
func (p *predictor) negated(key string) (positive string, isDefault, ok bool) {
	if neg := p.c.negation; neg != "" && strings.HasPrefix(key, neg) && len(key) > len(neg) {
		return strings.TrimSpace(key[len(neg):]), false, true
	}
	if strings.HasPrefix(key, "default ") && len(key) > len("default ") {
		return strings.TrimSpace(key[len("default "):]), true, true
	}
	return "", false, false
}

// negatedBy returns the index of the statement of list that a negate_with
// or negate_sub rule negates with exactly the command key, or -1.
func (p *predictor) negatedBy(list []*configtree.Statement, parents []string, key string) int {
	cr := p.c.cr
	if len(cr.negWith) == 0 && len(cr.negSub) == 0 {
		return -1
	}
	withUse := false
	for _, n := range cr.negWith {
		withUse = withUse || n.use == key
	}
	if !withUse && len(cr.negSub) == 0 {
		return -1
	}
	lin := predAppendPath(parents, "")
	for i, st := range list {
		if st.Key == key {
			continue
		}
		lin[len(lin)-1] = st.Key
		for _, n := range cr.negWith {
			if n.use == key && n.path.matchLineage(lin) {
				return i
			}
		}
		for _, n := range cr.negSub {
			if n.re != nil && n.path.matchLineage(lin) && n.re.ReplaceAllString(p.c.negation+st.Key, n.repl) == key {
				return i
			}
		}
	}
	return -1
}

// replaceSetting puts cmd in the place of the statements of list at the
// indexes same (the first one; the others are removed), or inserts it
// when same is empty.
func (p *predictor) replaceSetting(list []*configtree.Statement, cmd *configtree.Statement, parents []string, depth int, pad string, same []int) []*configtree.Statement {
	st := p.build(cmd, parents, depth, pad, false)
	if len(same) == 0 {
		return p.insert(list, st, parents)
	}
	drop := make(map[int]bool, len(same))
	for _, i := range same[1:] {
		drop[i] = true
	}
	list[same[0]] = st
	out := list[:0]
	for i, old := range list {
		if !drop[i] {
			out = append(out, old)
		}
	}
	return out
}

// insert adds st to list: at the end, or by sequence number in a section
// of an ordered rule in sequence mode. There, an entry typed without a
// number that the rule numbers gets the highest number plus the rule's
// step, as the platform does; an entry whose number is taken replaces the
// entry holding it.
func (p *predictor) insert(list []*configtree.Statement, st *configtree.Statement, parents []string) []*configtree.Statement {
	o := p.c.orderedFor(parents)
	if o == nil || o.rewrite {
		return append(list, st)
	}
	seq, ok := predSequenceOf(o, st.Key)
	if !ok {
		if o.numbered && o.number.match(st.Key) {
			last := o.start - o.step
			for _, old := range list {
				if n, has := predSequenceOf(o, old.Key); has && n > last {
					last = n
				}
			}
			st.Key = strconv.Itoa(last+o.step) + " " + st.Key
			st.Text = st.Text[:len(st.Text)-len(strings.TrimLeft(st.Text, " \t"))] + st.Key
		}
		return append(list, st)
	}
	for i, old := range list {
		n, has := predSequenceOf(o, old.Key)
		if !has {
			continue
		}
		if n == seq {
			list[i] = st
			return list
		}
		if n > seq {
			list = append(list, nil)
			copy(list[i+1:], list[i:])
			list[i] = st
			return list
		}
	}
	return append(list, st)
}

// build makes the statement a command creates at depth, indented by pad:
// a new section gets the command's children applied to it as to an empty
// section (so a "no shutdown" under a new interface stays, a "no X" of a
// child removes an earlier child of the same block). leaf drops the
// children.
func (p *predictor) build(cmd *configtree.Statement, parents []string, depth int, pad string, leaf bool) *configtree.Statement {
	st := &configtree.Statement{
		Text:  pad + cmd.Key,
		Key:   cmd.Key,
		Depth: depth,
		Close: cmd.Close,
	}
	if strings.Contains(cmd.Key, "\n") {
		// A banner body keeps its own line breaks and indentation.
		st.Text = cmd.Text
	}
	if !leaf && len(cmd.Children) > 0 {
		st.Children = p.apply(nil, cmd.Children, predAppendPath(parents, cmd.Key), depth+1, pad+p.step())
	}
	return st
}

// step is one level of indentation.
func (p *predictor) step() string {
	return strings.Repeat(" ", p.c.indent)
}

// normalize returns a copy of list, the section at path parents, in the
// form the remediation engine compares: the rules' substitutions applied
// to every line, indentation included (a statement left empty is dropped
// with its children), sectional exits that end a section and a top-level
// "end" removed, repeated sections merged and repeated lines kept once
// (except in the sections of a duplicate_children rule), and the entries
// of a sequence-ordered section that carry no number numbered as the
// platform numbers them. Command text (commands true) is taken as the
// engine prints it: only its exit lines are dropped, wherever they are.
func (c *predRules) normalize(list []*configtree.Statement, parents []string, commands bool) []*configtree.Statement {
	type entry struct {
		st  *configtree.Statement
		raw []*configtree.Statement
	}
	allowDup := commands || len(parents) > 0 && anyLineage(c.cr.dups, parents)
	entries := make([]entry, 0, len(list))
	seen := map[string]int{}
	for i, st := range list {
		key := st.Key
		if !commands && len(c.cr.subs) > 0 && !strings.Contains(st.Text, "\n") {
			text, ok := c.substituteLine(st.Text)
			if !ok {
				continue
			}
			key = strings.TrimLeft(text, " \t")
		}
		if len(st.Children) == 0 {
			if !commands && len(c.cr.hidden) > 0 && anyLineage(c.cr.hidden, predAppendPath(parents, key)) {
				continue // a default the device does not show
			}
			if commands && c.isExitText(key) {
				continue
			}
			if !commands && (i == len(list)-1 && c.isExit(parents, key) || len(parents) == 0 && key == "end") {
				continue
			}
		}
		if j, ok := seen[key]; ok && !allowDup {
			entries[j].raw = append(entries[j].raw, st.Children...)
			continue
		}
		cp := *st
		cp.Key = key
		if key != st.Key {
			cp.Text = st.Text[:len(st.Text)-len(strings.TrimLeft(st.Text, " \t"))] + key
		}
		seen[key] = len(entries)
		entries = append(entries, entry{st: &cp, raw: st.Children})
	}
	out := make([]*configtree.Statement, len(entries))
	for i, e := range entries {
		e.st.Children = nil
		if len(e.raw) > 0 {
			e.st.Children = c.normalize(e.raw, predAppendPath(parents, e.st.Key), commands)
		}
		out[i] = e.st
	}
	if !commands {
		c.number(out, parents)
	}
	return out
}

// number gives sequence numbers to the entries of a sequence-ordered
// section that the rule numbers and that carry none (Start, Start+Step...).
func (c *predRules) number(list []*configtree.Statement, section []string) {
	o := c.orderedFor(section)
	if o == nil || o.rewrite || !o.numbered {
		return
	}
	seq := o.start
	for _, st := range list {
		if !o.number.match(st.Key) || o.seq.MatchString(st.Key) {
			continue
		}
		indent := st.Text[:len(st.Text)-len(strings.TrimLeft(st.Text, " \t"))]
		st.Key = strconv.Itoa(seq) + " " + st.Key
		st.Text = indent + st.Key
		seq += o.step
	}
}

// predFindKey returns the index of the statement of list with the given key,
// or -1.
func predFindKey(list []*configtree.Statement, key string) int {
	for i, st := range list {
		if st.Key == key {
			return i
		}
	}
	return -1
}

func predRemoveAt(list []*configtree.Statement, i int) []*configtree.Statement {
	return append(list[:i], list[i+1:]...)
}

// predAppendPath returns parents followed by key, never sharing the backing
// array of parents.
func predAppendPath(parents []string, key string) []string {
	out := make([]string, len(parents), len(parents)+1)
	copy(out, parents)
	return append(out, key)
}

// predRenumber sets the line numbers of a predicted tree in document order
// (block-closing lines counted) and the depths of its statements.
func predRenumber(list []*configtree.Statement) {
	line := 0
	var walk func([]*configtree.Statement, int)
	walk = func(list []*configtree.Statement, depth int) {
		for _, st := range list {
			line++
			st.Line, st.Depth = line, depth
			line += strings.Count(st.Text, "\n")
			walk(st.Children, depth+1)
			if st.Close != "" {
				line++
				st.CloseLine = line
			}
		}
	}
	walk(list, 0)
}
