// Package unet holds μNet's domain: the inventory types (Node, Link, Location,
// Vendor), the change log, their validation, the error type shared by every layer,
// and the service interfaces that the local (database) and remote (HTTP)
// implementations both satisfy.
package unet

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. They are stable: the HTTP layer maps them to status codes, the CLI
// to exit codes, and scripts match on them in JSON output.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EUNAVAILABLE  = "unavailable"
	EINTERNAL     = "internal"
)

// FieldError names one field of one record that failed validation. File and
// Record are set for imported records (Record is 1-based).
type FieldError struct {
	File    string `json:"file,omitempty"`
	Record  int    `json:"record,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (f FieldError) String() string {
	var b strings.Builder
	if f.File != "" {
		b.WriteString(f.File)
		if f.Record > 0 {
			fmt.Fprintf(&b, " record %d", f.Record)
		}
		b.WriteString(": ")
	}
	if f.Field != "" {
		b.WriteString(f.Field)
		b.WriteString(": ")
	}
	b.WriteString(f.Message)
	return b.String()
}

// Error is the one error type of μNet: a machine code, a message for humans, and
// optional field errors. Err keeps the cause for logs; it is never shown to users
// for internal errors.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if len(e.Fields) == 0 {
		return msg
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	if msg == "" {
		return strings.Join(parts, "; ")
	}
	return msg + ": " + strings.Join(parts, "; ")
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a validation error carrying field errors.
func Invalid(msg string, fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: msg, Fields: fields}
}

// Internal wraps an unexpected failure; its message is generic, its cause kept.
func Internal(err error) *Error {
	return &Error{Code: EINTERNAL, Message: "internal error", Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorFields returns the field errors of the first *Error in err's chain.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// fieldErrors accumulates validation problems of one object.
type fieldErrors []FieldError

func (fe *fieldErrors) add(field, format string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (fe fieldErrors) err(kind string) error {
	if len(fe) == 0 {
		return nil
	}
	return Invalid("invalid "+kind, fe...)
}
