package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/configcmd"
)

// Exit codes (SPEC §10.1).
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitDifferent   = 2
	ExitUsage       = 64
	ExitPolicyParse = 65
	ExitInvalid     = 66
	ExitUnreachable = 68
	ExitAuth        = 69
)

// usageError marks a mistake in how a command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// ExitError carries an explicit exit code (e.g. 2 for "differences found")
// with an optional message.
type ExitError struct {
	Code int
	Msg  string
}

func (e *ExitError) Error() string { return e.Msg }

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var ce *configcmd.CodeError
	if errors.As(err, &ce) {
		return ce.Code
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	switch unet.ErrorCode(err) {
	case unet.EINVALID:
		return ExitInvalid
	case unet.EUNAVAILABLE:
		return ExitUnreachable
	case unet.EUNAUTHORIZED, unet.EFORBIDDEN:
		return ExitAuth
	}
	return ExitFailure
}

// printError writes err for humans: the message, then one line per field error.
func printError(w io.Writer, err error) {
	var ce *configcmd.CodeError
	if errors.As(err, &ce) {
		if ce.Err != nil {
			fmt.Fprintln(w, "error: "+configcmd.Message(err))
		}
		return
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Msg != "" {
			fmt.Fprintln(w, "error: "+ee.Msg)
		}
		return
	}
	var ue *unet.Error
	if errors.As(err, &ue) {
		msg := ue.Message
		if ue.Code == unet.EINTERNAL && ue.Err != nil {
			msg = "internal error: " + ue.Err.Error()
		}
		if msg == "" && ue.Err != nil {
			msg = ue.Err.Error()
		}
		fmt.Fprintln(w, "error: "+msg)
		for _, f := range ue.Fields {
			fmt.Fprintln(w, "  "+f.String())
		}
		return
	}
	msg := err.Error()
	var us *usageError
	if errors.As(err, &us) && !strings.Contains(msg, "--help") {
		msg += " (see --help)"
	}
	fmt.Fprintln(w, "error: "+msg)
}
