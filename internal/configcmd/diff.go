package configcmd

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/spf13/cobra"

	"github.com/unet-dev/unet/configdiff"
	"github.com/unet-dev/unet/configtree"
)

// NewDiffCommand returns the "diff" command: compare two configurations as
// lines or as statement trees. Exit 0 when equal, 2 when different, 1 on
// error.
func NewDiffCommand() *cobra.Command {
	var (
		dialect      string
		hierarchical bool
		format       string
		context      int
		color        string
		width        int
	)
	cmd := &cobra.Command{
		Use:   "diff A B [--dialect D] [--hierarchical] [--format unified|side-by-side|json|stats] [--context N]",
		Short: "Compare two configurations",
		Long: `Compare two configurations (either may be - for standard input).

Both are parsed with the dialect (auto-detected on A by default), so comment
and blank lines and trailing blanks never count as differences. The default
is a line diff of the statements; --hierarchical compares the statement trees
instead: it reports added, removed and changed statements with their parent
path and ignores pure reordering where the device does not care about order
(access lists, route policies and JunOS filters keep their order).

Exit status: 0 equal, 2 different, 1 error.`,
		Example: `  unet config diff intended.cfg running.cfg
  unet config diff --hierarchical --format json a.conf b.conf`,
		Args:          usageArgs(cobra.ExactArgs(2)),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "unified", "side-by-side", "json", "stats":
			default:
				return usageError("--format must be unified, side-by-side, json or stats, got %q", format)
			}
			if hierarchical && format == "side-by-side" {
				return usageError("--format side-by-side is a line format; use unified, json or stats with --hierarchical")
			}
			if args[0] == "-" && args[1] == "-" {
				return usageError("only one input can be standard input")
			}
			colorOn, err := useColor(cmd, color)
			if err != nil {
				return err
			}
			a, err := parseInput(cmd, args[0], dialect)
			if err != nil {
				return err
			}
			if a.Detection != nil {
				note(cmd, "%s: dialect %s (%s)", args[0], a.Detection.Dialect, a.Detection.Reason)
			}
			b, err := parseInput(cmd, args[1], a.Dialect)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			opts := configdiff.RenderOptions{Color: colorOn, Width: width}
			var equal bool
			if hierarchical {
				d := configdiff.Hierarchical(args[0], args[1], a, b)
				equal = d.Equal
				switch format {
				case "json":
					err = writeJSON(out, d)
				case "stats":
					err = d.WriteStats(out)
				default:
					err = d.WriteText(out, opts)
				}
			} else {
				d := configdiff.Lines(args[0], args[1], a.String(), b.String(), context)
				equal = d.Equal
				switch format {
				case "json":
					err = writeJSON(out, d)
				case "stats":
					err = d.WriteStats(out)
				case "side-by-side":
					err = d.WriteSideBySide(out, opts)
				default:
					err = d.WriteUnified(out, opts)
				}
			}
			if err != nil {
				return failure(err)
			}
			if !equal {
				return &CodeError{Code: ExitDifferent}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dialect, "dialect", "auto", dialectHelp())
	f.BoolVar(&hierarchical, "hierarchical", false, "compare statement trees instead of lines")
	f.StringVar(&format, "format", "unified", "output format: unified, side-by-side, json or stats")
	f.IntVar(&context, "context", configdiff.DefaultContext, "unchanged lines shown around each change")
	f.StringVar(&color, "color", "auto", "colour output: auto (terminal and no NO_COLOR), always or never")
	f.IntVar(&width, "width", 160, "total width of side-by-side output")
	cmd.SetFlagErrorFunc(flagError)
	return cmd
}

func parseInput(cmd *cobra.Command, name, dialect string) (*configtree.Tree, error) {
	in, label, err := openInput(cmd, name)
	if err != nil {
		return nil, err
	}
	// Read only: closing the input cannot lose anything.
	defer func() { _ = in.Close() }()
	t, err := configtree.Parse(in, dialect)
	if err != nil {
		return nil, failure(fmtInputErr(label, err))
	}
	return t, nil
}

func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
