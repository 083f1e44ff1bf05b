package configcmd

import (
	"github.com/spf13/cobra"

	"github.com/unet-dev/unet/configtree"
	"github.com/unet-dev/unet/remediation"
)

// NewRemediateCommand returns the "remediate" command: print the commands
// that turn one configuration into another. Exit 0 when there is nothing
// to do, 2 when there are commands, 1 on error.
func NewRemediateCommand() *cobra.Command {
	var (
		dialect   string
		rollback  bool
		exprs     []string
		rulesFile string
		output    string
	)
	cmd := &cobra.Command{
		Use:   "remediate RUNNING INTENDED [--dialect D] [--rollback] [-m EXPR]... [--rules FILE] [-o text|json]",
		Short: "Print the commands that turn a running configuration into the intended one",
		Long: `Print the commands that take RUNNING to INTENDED (either may be - for
standard input), in the dialect's own syntax: parents before their children,
children indented, sectional exits where the dialect has them; JunOS
configurations (curly braces or set commands) give set and delete commands.
--rollback prints the commands that take INTENDED back to RUNNING.

The dialect (auto-detected on RUNNING by default) selects a built-in rule
table: how commands are negated, which ones replace their old value in
place, which sections are order-sensitive, in what order commands go.
--rules FILE extends it with a table of your own (TOML, see
docs/remediation.md). -m EXPR restricts the remediation to the statements a
match expression selects, as in config slice (repeatable).

With -o json every command comes with its parents, its depth and why it is
there (added, removed, replaced, reordered, or context for a parent printed
only to enter its section).

Exit status: 0 nothing to do, 2 commands printed, 1 error.`,
		Example: `  unet config remediate running.cfg intended.cfg
  unet config remediate --rollback -m 'interface .*' running.cfg intended.cfg
  unet config remediate --dialect junos -o json running.conf intended.conf`,
		Args:          usageArgs(cobra.ExactArgs(2)),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageError("-o must be text or json, got %q", output)
			}
			if args[0] == "-" && args[1] == "-" {
				return usageError("only one input can be standard input")
			}
			ms, err := parseMatches(exprs)
			if err != nil {
				return err
			}
			running, err := parseInput(cmd, args[0], dialect)
			if err != nil {
				return err
			}
			if running.Detection != nil {
				note(cmd, "%s: dialect %s (%s)", args[0], running.Detection.Dialect, running.Detection.Reason)
			}
			intended, err := parseInput(cmd, args[1], running.Dialect)
			if err != nil {
				return err
			}
			rules, err := loadRules(running.Dialect, rulesFile)
			if err != nil {
				return err
			}
			res, err := remediation.Remediate(running, intended, remediation.Options{
				Dialect: running.Dialect, Rules: rules, Rollback: rollback, Match: ms})
			if err != nil {
				return failure(err)
			}
			out := &spool{}
			// Removing the spool's temporary file is cleanup: by then the
			// output is written, or the command fails for another reason.
			defer func() { _ = out.Close() }()
			if output == "json" {
				err = writeJSON(out, res)
			} else {
				err = res.WriteText(out)
			}
			if err != nil {
				return failure(err)
			}
			if _, err := out.WriteTo(cmd.OutOrStdout()); err != nil {
				return failure(err)
			}
			if len(res.Commands) > 0 {
				return &CodeError{Code: ExitDifferent}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dialect, "dialect", "auto", "configuration dialect: auto, ios, iosxe, nxos, eos, iosxr, junos, junos-set")
	f.BoolVar(&rollback, "rollback", false, "print the commands that take INTENDED back to RUNNING")
	f.StringArrayVarP(&exprs, "match", "m", nil, "restrict to the statements selected by a match expression (repeatable)")
	f.StringVar(&rulesFile, "rules", "", "TOML rule table extending the dialect's built-in rules")
	f.StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.SetFlagErrorFunc(flagError)
	return cmd
}

// parseMatches compiles match expressions; a bad one is a positioned
// error (level and column).
func parseMatches(exprs []string) ([]*configtree.Match, error) {
	var ms []*configtree.Match
	for _, e := range exprs {
		m, err := configtree.ParseMatch(e)
		if err != nil {
			return nil, failure(err)
		}
		ms = append(ms, m)
	}
	return ms, nil
}
