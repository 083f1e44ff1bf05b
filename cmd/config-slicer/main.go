// Command config-slicer prints the part of a network device configuration
// selected by match expressions. It is the same command as "unet config
// slice". Exit status: 0 success (even when nothing matched, unless
// --fail-on-empty), 1 error.
package main

import (
	"fmt"
	"os"

	"github.com/unet-dev/unet/internal/configcmd"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	cmd := configcmd.NewSliceCommand()
	cmd.Use = "config-slicer -m EXPR [-m EXPR]... [--dialect D] [--context N] [--json] [--fail-on-empty] [FILE|-]"
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err == nil {
		return 0
	}
	if msg := configcmd.Message(err); msg != "" {
		fmt.Fprintln(os.Stderr, "config-slicer:", msg)
	}
	return 1
}
