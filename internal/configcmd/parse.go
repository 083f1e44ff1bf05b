package configcmd

import (
	"bufio"
	"fmt"

	"github.com/spf13/cobra"
)

// NewParseCommand returns the "parse" command: print the statements of a
// configuration with their line number, depth and parents.
func NewParseCommand() *cobra.Command {
	var (
		dialect string
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "parse FILE|- [--dialect D] [--json]",
		Short: "Show how a configuration is parsed into statements",
		Long: `Parse a configuration and print every statement. With --json each
statement is {"line": text as written, "parents": [ancestor texts],
"lineno": N, "depth": D}; block-closing lines ("}", "end-policy") carry
"close": true. Without --json the statements are printed with their line
numbers.`,
		Args:          usageArgs(cobra.ExactArgs(1)),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := parseInput(cmd, args[0], dialect)
			if err != nil {
				return err
			}
			if t.Detection != nil {
				note(cmd, "%s: dialect %s (%s)", args[0], t.Detection.Dialect, t.Detection.Reason)
			}
			entries := t.Entries()
			if jsonOut {
				if entries == nil {
					return writeJSON(cmd.OutOrStdout(), []any{})
				}
				return writeJSON(cmd.OutOrStdout(), entries)
			}
			w := bufio.NewWriter(cmd.OutOrStdout())
			for _, e := range entries {
				if _, err := fmt.Fprintf(w, "%6d  %s\n", e.LineNo, e.Line); err != nil {
					return err
				}
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&dialect, "dialect", "auto", dialectHelp())
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	cmd.SetFlagErrorFunc(flagError)
	return cmd
}

// NewConfigCommand groups slice, diff, parse, remediate and predict under
// "config".
func NewConfigCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Slice, compare, parse and remediate device configurations",
	}
	cmd.AddCommand(NewSliceCommand(), NewDiffCommand(), NewParseCommand(), NewRemediateCommand(), NewPredictCommand())
	return cmd
}
