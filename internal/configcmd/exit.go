// Package configcmd holds the cobra commands that slice, diff, parse and
// remediate configurations. The standalone config-slicer binary and "unet config"
// mount the same commands, so both behave identically.
package configcmd

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Exit codes used by the commands.
const (
	ExitOK        = 0
	ExitError     = 1
	ExitDifferent = 2  // config diff: the inputs differ; remediate: there are commands
	ExitUsage     = 64 // bad arguments or flag values
)

// CodeError carries the process exit code of a command. Err is nil when the
// code is not a failure to report (config diff exiting 2 because the inputs
// differ): callers print Err only when it is non-nil.
type CodeError struct {
	Code int
	Err  error
}

func (e *CodeError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *CodeError) Unwrap() error { return e.Err }

// ExitCode maps an error returned by a command to its process exit code:
// 0 for nil, the code of a *CodeError, 1 otherwise.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ce *CodeError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return ExitError
}

// Message returns the text to print for an error returned by a command, or
// "" when there is nothing to print.
func Message(err error) string {
	var ce *CodeError
	if errors.As(err, &ce) && ce.Err == nil {
		return ""
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

func usageError(format string, args ...any) error {
	return &CodeError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

func failure(err error) error {
	return &CodeError{Code: ExitError, Err: err}
}

// usageArgs turns an argument-count error into a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &CodeError{Code: ExitUsage, Err: err}
		}
		return nil
	}
}

// flagError turns a flag parsing error into a usage error.
func flagError(_ *cobra.Command, err error) error {
	return &CodeError{Code: ExitUsage, Err: err}
}
