package configcmd

import (
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet/remediation"
)

// maxCommandsBytes bounds the remediation text predict reads.
const maxCommandsBytes = 256 << 20

// NewPredictCommand returns the "predict" command: print the configuration
// a device would have after a remediation is applied to its running
// configuration. Exit 0 on success, 1 on error.
func NewPredictCommand() *cobra.Command {
	var (
		dialect   string
		rulesFile string
	)
	cmd := &cobra.Command{
		Use:   "predict RUNNING REMEDIATION [--dialect D] [--rules FILE]",
		Short: "Print the configuration that applying commands to a running configuration gives",
		Long: `Apply the commands of REMEDIATION (as config remediate prints them:
indented under their sections, or set/delete commands for JunOS) to RUNNING
the way the device would, and print the configuration that results. Either
file may be - for standard input.

The dialect (auto-detected on RUNNING by default) and --rules FILE select
the rule table, as for config remediate: negations remove what they negate,
idempotent commands replace their old value, order-sensitive sections keep
their order.

Exit status: 0 success, 1 error.`,
		Example: `  unet config remediate running.cfg intended.cfg > fix.txt
  unet config predict running.cfg fix.txt | unet config diff --hierarchical - intended.cfg`,
		Args:          usageArgs(cobra.ExactArgs(2)),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "-" && args[1] == "-" {
				return usageError("only one input can be standard input")
			}
			running, err := parseInput(cmd, args[0], dialect)
			if err != nil {
				return err
			}
			if running.Detection != nil {
				note(cmd, "%s: dialect %s (%s)", args[0], running.Detection.Dialect, running.Detection.Reason)
			}
			commands, err := readText(cmd, args[1])
			if err != nil {
				return err
			}
			rules, err := loadRules(running.Dialect, rulesFile)
			if err != nil {
				return err
			}
			predicted, err := remediation.Predict(running, commands, rules)
			if err != nil {
				return failure(fmtInputErr(args[1], err))
			}
			out := &spool{}
			// Removing the spool's temporary file is cleanup, as in remediate.
			defer func() { _ = out.Close() }()
			if err := predicted.Emit(out); err != nil {
				return failure(err)
			}
			if _, err := out.WriteTo(cmd.OutOrStdout()); err != nil {
				return failure(err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dialect, "dialect", "auto", "configuration dialect: auto, ios, iosxe, nxos, eos, iosxr, junos, junos-set")
	f.StringVar(&rulesFile, "rules", "", "TOML rule table extending the dialect's built-in rules")
	cmd.SetFlagErrorFunc(flagError)
	return cmd
}

// readText reads a whole text input (a file or - for standard input).
func readText(cmd *cobra.Command, name string) (string, error) {
	in, label, err := openInput(cmd, name)
	if err != nil {
		return "", err
	}
	// Read only: closing the input cannot lose anything.
	defer func() { _ = in.Close() }()
	data, err := io.ReadAll(io.LimitReader(in, maxCommandsBytes+1))
	if err != nil {
		return "", failure(fmtInputErr(label, err))
	}
	if len(data) > maxCommandsBytes {
		return "", failure(fmt.Errorf("%s: larger than %d bytes", label, maxCommandsBytes))
	}
	if !utf8.Valid(data) {
		return "", failure(fmt.Errorf("%s: not UTF-8 text", label))
	}
	return string(data), nil
}

// loadRules returns the dialect's built-in rule table, extended by the
// TOML table in file when one is given. A bad table is a positioned error
// (file, line and column).
func loadRules(dialect, file string) (*remediation.Rules, error) {
	rules, err := remediation.Builtin(dialect)
	if err != nil {
		return nil, failure(err)
	}
	if file == "" {
		return rules, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, failure(err)
	}
	extra, err := remediation.ParseRules(data, file)
	if err != nil {
		return nil, failure(err)
	}
	return rules.Extend(extra), nil
}
