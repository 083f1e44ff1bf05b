package configcmd

import (
	"github.com/spf13/cobra"

	"github.com/unet-dev/unet/configtree"
)

// NewSliceCommand returns the "slice" command: print the statements of a
// configuration selected by match expressions. Exit 0 on success (even when
// nothing matched, unless --fail-on-empty), 1 on error.
func NewSliceCommand() *cobra.Command {
	var (
		exprs       []string
		dialect     string
		context     int
		jsonOut     bool
		failOnEmpty bool
	)
	cmd := &cobra.Command{
		Use:   "slice -m EXPR [-m EXPR]... [--dialect D] [--context N] [--json] [--fail-on-empty] [FILE|-]",
		Short: "Print the part of a configuration selected by match expressions",
		Long: `Print every statement selected by a match expression, with all its
descendants and its ancestors as context, in original order.

A match expression is level||level||...; each level is * or a regular
expression that must match the whole statement at that depth, e.g.
  interface GigabitEthernet.*||.*
  router bgp .*||neighbor 10\..*
Several -m expressions select the union of their slices.

Dialects: auto (default), ios (iosxe), nxos, eos, iosxr, junos, junos-set, flat,
fortios, sros, rad-etx, onyx, comware, panos, exos, routeros, netiron.`,
		Example: `  config-slicer -m 'interface .*||.*' running.cfg
  unet config slice -m 'system||ntp' --dialect junos router.conf --json`,
		Args:          usageArgs(cobra.MaximumNArgs(1)),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(exprs) == 0 {
				return usageError("at least one -m EXPR is required")
			}
			if context < 0 {
				return usageError("--context must be >= 0")
			}
			var ms []*configtree.Match
			for _, e := range exprs {
				m, err := configtree.ParseMatch(e)
				if err != nil {
					return failure(err)
				}
				ms = append(ms, m)
			}
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			in, label, err := openInput(cmd, name)
			if err != nil {
				return err
			}
			// Read only: closing the input cannot lose anything.
			defer func() { _ = in.Close() }()
			// The slice goes to a spool first: the slicer stops at the first
			// error, and then nothing at all is written.
			out := &spool{}
			// Removing the spool's temporary file is cleanup: by then the
			// slice is written, or the command fails for another reason.
			defer func() { _ = out.Close() }()
			res, err := configtree.Slice(out, in, configtree.SliceOptions{Dialect: dialect, JSON: jsonOut, Context: context}, ms...)
			if err != nil {
				return failure(fmtInputErr(label, err))
			}
			if res.Detection != nil {
				note(cmd, "%s: dialect %s (%s)", label, res.Detection.Dialect, res.Detection.Reason)
			}
			if _, err := out.WriteTo(cmd.OutOrStdout()); err != nil {
				return failure(err)
			}
			if failOnEmpty && res.Matched == 0 {
				return failure(errNoMatch)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&exprs, "match", "m", nil, "match expression (repeatable)")
	f.StringVar(&dialect, "dialect", "auto", dialectHelp())
	f.IntVar(&context, "context", 0, "also print N sibling statements before and after each match")
	f.BoolVar(&jsonOut, "json", false, "print statements as JSON with line numbers, depth and parents")
	f.BoolVar(&failOnEmpty, "fail-on-empty", false, "exit 1 when nothing matched")
	cmd.SetFlagErrorFunc(flagError)
	return cmd
}
