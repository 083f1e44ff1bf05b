package remediation

import (
	"errors"
	"fmt"

	"github.com/unet-dev/unet/configtree"
)

// Remediate returns the commands that turn running into intended (or, with
// opts.Rollback, intended into running). Both trees must be of opts.Dialect.
//
// In every section, statements of the source that the target lacks are
// negated (unless an idempotent command of the target replaces them in
// place), statements of the target that the source lacks are added, and
// sections on both sides are compared in depth, their command printed as
// context. Overwrite and rewrite-ordered sections that differ are negated
// and written again whole. Siblings are then ordered by weight (stable).
func Remediate(running, intended *configtree.Tree, opts Options) (*Result, error) {
	if running == nil || intended == nil {
		return nil, errors.New("remediation: nil configuration")
	}
	dialect, err := resolveDialect(opts.Dialect, running, intended)
	if err != nil {
		return nil, err
	}
	rules := opts.Rules
	if rules == nil {
		if rules, err = Builtin(dialect); err != nil {
			return nil, err
		}
	}
	cr, err := rules.compile()
	if err != nil {
		return nil, fmt.Errorf("remediation: rules: %w", err)
	}
	src, srcTree, err := buildTree(running, cr, opts.Match)
	if err != nil {
		return nil, fmt.Errorf("remediation: running: %w", err)
	}
	dst, dstTree, err := buildTree(intended, cr, opts.Match)
	if err != nil {
		return nil, fmt.Errorf("remediation: intended: %w", err)
	}
	if opts.Rollback {
		src, dst = dst, src
	}
	e := &engine{r: rules, cr: cr, negation: rules.Negation, decl: rules.Declaration}
	root := &dnode{}
	e.diff(src, dst, nil, root)
	e.finish(root, nil)
	setJunosLines(root, srcTree, dstTree)
	indent := rules.Indent
	if indent == 0 {
		indent = 2
	}
	res := &Result{Dialect: dialect, Commands: []Command{}, Stats: map[string]int{}, indent: indent}
	var parents []string
	var flatten func(d *dnode)
	flatten = func(d *dnode) {
		for _, c := range d.children {
			cmd := Command{
				Text: c.text, Parents: append([]string{}, parents...), Depth: len(parents),
				Reason: c.reason, Line: c.line, exit: c.exit, exitUp: c.exitUp,
			}
			if c.reason != ReasonContext {
				cmd.Source = c.source
				res.Stats[c.reason]++
			}
			res.Commands = append(res.Commands, cmd)
			if len(c.children) > 0 {
				parents = append(parents, c.text)
				flatten(c)
				parents = parents[:len(parents)-1]
			}
		}
	}
	flatten(root)
	return res, nil
}

// resolveDialect checks that both trees are of the requested dialect
// ("auto" or empty: the running tree's).
func resolveDialect(name string, running, intended *configtree.Tree) (string, error) {
	d, err := configtree.NormalizeDialect(name)
	if err != nil {
		return "", fmt.Errorf("remediation: %w", err)
	}
	if d == configtree.DialectAuto {
		d = running.Dialect
	}
	if family(running.Dialect) != family(d) || family(intended.Dialect) != family(d) {
		return "", fmt.Errorf("remediation: dialect %s, but running is %s and intended is %s", d, running.Dialect, intended.Dialect)
	}
	return d, nil
}

// family maps both JunOS forms to one name: a curly-brace configuration
// and a set-format one are remediated alike, as set commands (the JunOS
// parser reads a file of set commands as set format).
func family(dialect string) string {
	if dialect == configtree.DialectJunosSet {
		return configtree.DialectJunos
	}
	return dialect
}
