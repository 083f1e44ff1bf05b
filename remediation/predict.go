package remediation

import (
	"errors"
	"fmt"
	"strings"

	"github.com/unet-dev/unet/configtree"
)

// predict is the body of Predict.
//
// Indentation dialects (ios, nxos, eos, iosxr and the other indented ones):
// the command text is parsed with the running configuration's dialect
// (banners and IOS-XR block ends included), sectional exits ("exit",
// "exit-…", "end", "!" and the rules' exit texts) are dropped, and every
// command is applied to its section in order, as the device does:
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
	state = p.apply(state, cmds, nil, 0)
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
func (p *predictor) apply(list, cmds []*configtree.Statement, parents []string, depth int) []*configtree.Statement {
	for _, cmd := range cmds {
		list = p.applyOne(list, cmd, parents, depth)
	}
	return list
}

func (p *predictor) applyOne(list []*configtree.Statement, cmd *configtree.Statement, parents []string, depth int) []*configtree.Statement {
	key := cmd.Key
	if i := p.negatedBy(list, parents, key); i >= 0 {
		return predRemoveAt(list, i)
	}
	if positive, isDefault, ok := p.negated(key); ok {
		if i := predFindKey(list, positive); i >= 0 {
			return predRemoveAt(list, i)
		}
		if rule, setting, ok := p.c.idempotentKey(parents, key); ok {
			return p.replaceSetting(list, cmd, parents, depth, rule, setting)
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
		return append(list, p.build(cmd, parents, depth, true))
	}
	if i := predFindKey(list, key); i >= 0 {
		if predAnyPath(p.c.overwriteNN, parents, key) {
			list[i] = p.build(cmd, parents, depth, false)
			return list
		}
		st := list[i]
		st.Children = p.apply(st.Children, cmd.Children, predAppendPath(parents, key), depth+1)
		if cmd.Close != "" {
			st.Close = cmd.Close
		}
		return list
	}
	if rule, setting, ok := p.c.idempotentKey(parents, key); ok {
		return p.replaceSetting(list, cmd, parents, depth, rule, setting)
	}
	if i := predFindKey(list, p.c.negation+key); i >= 0 {
		return predRemoveAt(list, i)
	}
	return p.insert(list, p.build(cmd, parents, depth, false), parents)
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
	if len(p.c.negateWith) == 0 && len(p.c.negateSub) == 0 {
		return -1
	}
	for i, st := range list {
		if st.Key == key {
			continue
		}
		for _, n := range p.c.negateWith {
			if n.use == key && n.path.matches(parents, st.Key) {
				return i
			}
		}
		for _, n := range p.c.negateSub {
			if n.path.matches(parents, st.Key) && n.re.MatchString(st.Key) && n.re.ReplaceAllString(st.Key, n.replace) == key {
				return i
			}
		}
	}
	return -1
}

// replaceSetting puts cmd in the place of the statements of list holding
// the same idempotent setting (the first one; the others are removed), or
// inserts it when there is none.
func (p *predictor) replaceSetting(list []*configtree.Statement, cmd *configtree.Statement, parents []string, depth, rule int, setting string) []*configtree.Statement {
	st := p.build(cmd, parents, depth, false)
	out := list[:0]
	placed := false
	for _, old := range list {
		if r, s, ok := p.c.idempotentKey(parents, old.Key); ok && r == rule && s == setting {
			if !placed {
				out = append(out, st)
				placed = true
			}
			continue
		}
		out = append(out, old)
	}
	if placed {
		return out
	}
	return p.insert(out, st, parents)
}

// insert adds st to list: at the end, or by sequence number in a section
// of an ordered rule in sequence mode.
func (p *predictor) insert(list []*configtree.Statement, st *configtree.Statement, parents []string) []*configtree.Statement {
	o := p.c.orderedFor(parents)
	seq, ok := o.sequenceOf(st.Key)
	if !ok {
		return append(list, st)
	}
	for i, old := range list {
		n, has := o.sequenceOf(old.Key)
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

// build makes the statement a command creates at depth: a new section
// gets the command's children applied to it as to an empty section (so a
// "no shutdown" under a new interface stays, a "no X" of a child removes
// an earlier child of the same block). leaf drops the children. The text
// keeps the command's indentation when it was typed at its depth; it is
// indented by the rules' Indent otherwise.
func (p *predictor) build(cmd *configtree.Statement, parents []string, depth int, leaf bool) *configtree.Statement {
	st := &configtree.Statement{
		Text:  strings.Repeat(" ", depth*p.c.indent) + cmd.Key,
		Key:   cmd.Key,
		Depth: depth,
		Close: cmd.Close,
	}
	if cmd.Depth == depth && strings.HasSuffix(cmd.Text, cmd.Key) || strings.Contains(cmd.Key, "\n") {
		// The command keeps its indentation (and a banner body its own
		// line breaks) when it is typed at its depth.
		st.Text = cmd.Text
	}
	if !leaf && len(cmd.Children) > 0 {
		st.Children = p.apply(nil, cmd.Children, predAppendPath(parents, cmd.Key), depth+1)
	}
	return st
}

// normalize returns a copy of list with the rules' substitutions applied
// to every statement key (a statement whose key becomes empty is dropped
// with its children) and the sectional exits left as last children of
// their sections removed, as well as a top-level "end". commands drops
// every exit line, wherever it is.
func (c *predRules) normalize(list []*configtree.Statement, parents []string, commands bool) []*configtree.Statement {
	out := make([]*configtree.Statement, 0, len(list))
	for i, st := range list {
		key := st.Key
		if len(c.substitute) > 0 {
			var ok bool
			if key, ok = c.substituteLine(key); !ok {
				continue
			}
			key = strings.TrimLeft(key, " \t")
		}
		if len(st.Children) == 0 {
			if commands && c.isExitText(key) {
				continue
			}
			if !commands && (i == len(list)-1 && c.isExit(parents, key) || len(parents) == 0 && key == "end") {
				continue
			}
		}
		cp := *st
		cp.Key = key
		if key != st.Key {
			cp.Text = st.Text[:len(st.Text)-len(strings.TrimLeft(st.Text, " \t"))] + key
		}
		cp.Children = nil
		if len(st.Children) > 0 {
			cp.Children = c.normalize(st.Children, predAppendPath(parents, key), commands)
		}
		out = append(out, &cp)
	}
	return out
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
