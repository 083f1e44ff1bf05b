package configcmd

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
)

// openInput opens a file argument; "-" (or no argument) reads standard input.
func openInput(cmd *cobra.Command, name string) (io.ReadCloser, string, error) {
	if name == "" || name == "-" {
		return io.NopCloser(cmd.InOrStdin()), "-", nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, name, failure(err)
	}
	return f, name, nil
}

// useColor decides whether to colour output: "always", "never", or "auto"
// (a terminal and NO_COLOR unset or empty).
func useColor(cmd *cobra.Command, mode string) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		if os.Getenv("NO_COLOR") != "" {
			return false, nil
		}
		f, ok := cmd.OutOrStdout().(*os.File)
		return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())), nil
	}
	return false, usageError("--color must be auto, always or never, got %q", mode)
}

// note prints a diagnostic line on standard error. A diagnostic that cannot
// be written has nowhere else to go: the error is not reported.
func note(cmd *cobra.Command, format string, args ...any) {
	_, _ = fmt.Fprintf(cmd.ErrOrStderr(), format+"\n", args...)
}
