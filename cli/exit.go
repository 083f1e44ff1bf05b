package cli

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/configcmd"
	"github.com/unet-dev/unet/policy"
	"github.com/unet-dev/unet/sqlstore"
)

// Exit codes of every unet command (SPEC §10.1; docs/cli.md has the table).
// They follow the spirit of sysexits.h: one code, one meaning, whatever the
// command and whether it runs locally or against a server.
const (
	// ExitOK: success.
	ExitOK = 0
	// ExitFailure: the command failed: an object not found, a conflict (stale
	// version, duplicate), failing rule tests, unformatted files.
	ExitFailure = 1
	// ExitDifferent: differences found (diff commands, drift).
	ExitDifferent = 2
	// ExitUsage: the command was called wrongly (unknown flag or command,
	// bad arguments, a missing source of policies or templates for validate).
	ExitUsage = 64
	// ExitPolicyParse: a rule file does not parse or check, whichever command
	// read it (policy validate, eval, report, apply, fmt, test).
	ExitPolicyParse = 65
	// ExitInvalid: input or data failed validation (bad records, template
	// errors, nothing provides the policies or templates a command needs).
	ExitInvalid = 66
	// ExitUnreachable: the μNet server of --server could not be reached.
	// Nothing else exits 68.
	ExitUnreachable = 68
	// ExitAuth: authentication or authorisation failed.
	ExitAuth = 69
	// ExitInternal: an internal (software) error: a bug.
	ExitInternal = 70
	// ExitListen: the server cannot listen on its address (in use, not
	// available on this host, not permitted).
	ExitListen = 71
	// ExitDatabase: the database file is corrupt, is not a μNet/SQLite
	// database, or cannot be read or written (I/O error).
	ExitDatabase = 74
	// ExitUnavailable: temporarily unavailable, retrying later may help: the
	// server answered 503, the database cannot be reached or is busy or held
	// by another server, or its schema is not current.
	ExitUnavailable = 75
)

// codedError gives an error an explicit exit code while keeping its message
// and its chain (a *unet.Error inside is still printed with its fields).
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// WithExitCode makes err exit with code. Commands use it for failures whose
// code the error's chain does not determine, e.g. a second server on a SQLite
// file already served: WithExitCode(ExitUnavailable, err).
func WithExitCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &codedError{code: code, err: err}
}

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

// exitCode maps an error to the process exit code; remote is true when the
// command worked against a server (--server).
func exitCode(err error, remote bool) int {
	if err == nil {
		return ExitOK
	}
	var cd *codedError
	if errors.As(err, &cd) {
		return cd.code
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
	var pe policy.ErrorList
	if errors.As(err, &pe) {
		return ExitPolicyParse
	}
	if isListenError(err) {
		return ExitListen
	}
	if isCorruptDatabase(err) {
		return ExitDatabase
	}
	switch unet.ErrorCode(err) {
	case unet.EINVALID:
		return ExitInvalid
	case unet.EUNAVAILABLE:
		// Only a request that never reached the server is "unreachable"; a
		// server answering 503 is temporarily unavailable.
		var ur *url.Error
		if remote && errors.As(err, &ur) {
			return ExitUnreachable
		}
		return ExitUnavailable
	case unet.EUNAUTHORIZED, unet.EFORBIDDEN:
		return ExitAuth
	case unet.EINTERNAL:
		var uerr *unet.Error
		if errors.As(err, &uerr) {
			return ExitInternal
		}
	}
	return ExitFailure
}

// corruptDatabase is the error of a database file that SQLite cannot use.
func corruptDatabase(dbURL string, err error) error {
	cause := err
	var se *sqlite.Error
	if errors.As(err, &se) {
		cause = se
	}
	return &unet.Error{Code: unet.EUNAVAILABLE, Err: err,
		Message: fmt.Sprintf("%s is not a usable μNet database (damaged, not a SQLite file, or unreadable): %v", sqlstore.RedactURL(dbURL), cause)}
}

// isListenError reports a failure to listen on an address.
func isListenError(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "listen" ||
		errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EADDRNOTAVAIL)
}

// isCorruptDatabase reports a SQLite file that is damaged, not a database,
// or cannot be read or written.
func isCorruptDatabase(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_IOERR:
		return true
	}
	return false
}

// printError writes err for humans: the message, then one line per field error.
func printError(w io.Writer, err error) {
	// Standard error is the last place to report to: a failed write there
	// has nowhere to go.
	_, _ = io.WriteString(w, errorText(err))
}

// errorText is the text printError writes.
func errorText(err error) string {
	var b strings.Builder
	var ce *configcmd.CodeError
	if errors.As(err, &ce) {
		if ce.Err != nil {
			fmt.Fprintln(&b, "error: "+configcmd.Message(err))
		}
		return b.String()
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Msg != "" {
			fmt.Fprintln(&b, "error: "+ee.Msg)
		}
		return b.String()
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
		fmt.Fprintln(&b, "error: "+msg)
		for _, f := range ue.Fields {
			fmt.Fprintln(&b, "  "+f.String())
		}
		return b.String()
	}
	msg := err.Error()
	var us *usageError
	if errors.As(err, &us) && !strings.Contains(msg, "--help") {
		msg += " (see --help)"
	}
	fmt.Fprintln(&b, "error: "+msg)
	return b.String()
}
