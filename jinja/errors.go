package jinja

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors wrapped by [Error]; classify failures with errors.Is.
var (
	// ErrSyntax marks template syntax errors.
	ErrSyntax = errors.New("template syntax error")
	// ErrUndefined marks the use of an undefined variable or attribute.
	ErrUndefined = errors.New("undefined variable")
	// ErrUnknownFilter marks a filter or test that does not exist.
	ErrUnknownFilter = errors.New("unknown filter")
	// ErrNotFound means a template name does not exist.
	ErrNotFound = errors.New("template not found")
	// ErrTimeLimit means the render exceeded its time limit.
	ErrTimeLimit = errors.New("render time limit exceeded")
	// ErrOutputLimit means the render produced more output than allowed.
	ErrOutputLimit = errors.New("render output size limit exceeded")
	// ErrDepthLimit means macro calls or include/import/extends chains were
	// nested deeper than allowed.
	ErrDepthLimit = errors.New("template nesting limit exceeded")
	// ErrValueLimit means one operation would have produced a string or a
	// list larger than allowed.
	ErrValueLimit = errors.New("template value size limit exceeded")
)

// Error is a positioned template error: the template name, the 1-based line
// (0 when unknown) and column, and a message. Err is the classification
// sentinel or the underlying cause.
type Error struct {
	Template string `json:"template"`
	Line     int    `json:"line,omitempty"`
	Col      int    `json:"column,omitempty"`
	Msg      string `json:"message"`
	Err      error  `json:"-"`
}

// Error formats the error as "name:line:col: message", leaving out unknown
// parts.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Template)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Col))
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the classification sentinel or cause.
func (e *Error) Unwrap() error { return e.Err }
