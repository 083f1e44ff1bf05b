package templates

import (
	"errors"

	"github.com/unet-dev/unet/jinja"
)

// Sentinel errors wrapped by [Error] so callers can classify failures with
// errors.Is. Those of the engine are the engine's own (package jinja).
var (
	// ErrNotFound means a template name does not exist in the root.
	ErrNotFound = jinja.ErrNotFound
	// ErrOutsideRoot means a template name tried to leave the template root
	// (a ".." element, an absolute path or a symlink pointing outside).
	ErrOutsideRoot = errors.New("template path leaves the template root")
	// ErrTimeLimit means the render exceeded its time limit.
	ErrTimeLimit = jinja.ErrTimeLimit
	// ErrOutputLimit means the render produced more output than allowed.
	ErrOutputLimit = jinja.ErrOutputLimit
	// ErrDepthLimit means macro calls or include/import/extends chains were
	// nested deeper than allowed (usually unbounded recursion).
	ErrDepthLimit = jinja.ErrDepthLimit
	// ErrValueLimit means a single operation (filter, operator, range)
	// would have produced a string or list larger than allowed.
	ErrValueLimit = jinja.ErrValueLimit
	// ErrSyntax marks template syntax errors.
	ErrSyntax = jinja.ErrSyntax
	// ErrUndefined marks references to undefined variables or attributes.
	ErrUndefined = jinja.ErrUndefined
	// ErrBadHeader marks template-match headers that do not compile.
	ErrBadHeader = errors.New("invalid template-match header")
	// ErrUnknownFilter marks filters or tests that do not exist.
	ErrUnknownFilter = jinja.ErrUnknownFilter
)

// Error is a positioned template error: the template name relative to the
// root, the 1-based line (0 when unknown) and column, and a message. Its
// Error method formats it as "name:line:col: message".
type Error = jinja.Error

// asError returns err as a positioned *Error: the engine's own, or one
// naming template name.
func asError(name string, err error) *Error {
	var te *Error
	if errors.As(err, &te) {
		return te
	}
	return &Error{Template: name, Msg: err.Error(), Err: classify(err, err)}
}

// classify keeps a known sentinel found in err, or returns fallback.
func classify(err error, fallback error) error {
	for _, s := range []error{ErrNotFound, ErrOutsideRoot, ErrDepthLimit, ErrTimeLimit, ErrOutputLimit, ErrValueLimit} {
		if errors.Is(err, s) {
			return s
		}
	}
	return fallback
}
