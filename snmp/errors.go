package snmp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/gosnmp/gosnmp"
)

// Sentinel errors, matched with errors.Is on what Poll returns.
var (
	// ErrConfig reports an invalid profile or target, or a credential
	// reference that cannot be resolved.
	ErrConfig = errors.New("snmp configuration error")
	// ErrTimeout reports an agent that did not answer in time.
	ErrTimeout = errors.New("snmp timeout")
	// ErrAuth reports an SNMPv3 authentication or privacy failure (unknown
	// user, wrong key, unsupported security level).
	ErrAuth = errors.New("snmp authentication failure")
	// ErrUnreachable reports a network error (no route, port unreachable).
	ErrUnreachable = errors.New("snmp agent unreachable")
	// ErrProtocol reports an agent answer that cannot be used (error status,
	// malformed or non-increasing walk).
	ErrProtocol = errors.New("snmp protocol error")
)

// ErrorKind classifies a poll failure.
type ErrorKind string

// Kinds of poll failure.
const (
	KindConfig      ErrorKind = "config"
	KindTimeout     ErrorKind = "timeout"
	KindAuth        ErrorKind = "auth"
	KindUnreachable ErrorKind = "unreachable"
	KindProtocol    ErrorKind = "protocol"
	KindCanceled    ErrorKind = "canceled"
)

// PollError is the error Poll returns: where it happened, what kind of
// failure it is, a hint for the operator, and the underlying cause.
type PollError struct {
	// Addr is the agent address ("host:port").
	Addr string
	// Op is the step that failed ("resolve credentials", "poll", ...).
	Op string
	// Kind classifies the failure.
	Kind ErrorKind
	// Hint tells the operator what to check; may be empty.
	Hint string
	// Err is the underlying cause.
	Err error
}

// Error implements error.
func (e *PollError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "snmp %s %s: ", e.Op, e.Addr)
	b.WriteString(e.Err.Error())
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *PollError) Unwrap() error { return e.Err }

// Is maps the kind to the package's sentinel errors.
func (e *PollError) Is(target error) bool {
	switch target {
	case ErrConfig:
		return e.Kind == KindConfig
	case ErrTimeout:
		return e.Kind == KindTimeout
	case ErrAuth:
		return e.Kind == KindAuth
	case ErrUnreachable:
		return e.Kind == KindUnreachable
	case ErrProtocol:
		return e.Kind == KindProtocol
	}
	return false
}

// classify turns an error from gosnmp or the network into a PollError with
// a kind and an operator hint.
func classify(ctx context.Context, addr, op string, p Profile, err error) *PollError {
	var pe *PollError
	if errors.As(err, &pe) {
		return pe
	}
	e := &PollError{Addr: addr, Op: op, Err: err}
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		e.Kind = KindCanceled
		e.Err = fmt.Errorf("poll canceled: %w", context.Canceled)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		e.Kind = KindTimeout
		e.Err = fmt.Errorf("poll deadline exceeded: %w", context.DeadlineExceeded)
		e.Hint = timeoutHint(p)
	case errors.Is(err, gosnmp.ErrWrongDigest):
		e.Kind = KindAuth
		e.Err = fmt.Errorf("authentication failed for user %q: %w", p.User, err)
		e.Hint = "check auth_proto and the auth key"
	case errors.Is(err, gosnmp.ErrUnknownUsername):
		e.Kind = KindAuth
		e.Err = fmt.Errorf("agent does not know user %q: %w", p.User, err)
		e.Hint = "check the v3 user name"
	case errors.Is(err, gosnmp.ErrUnknownSecurityLevel):
		e.Kind = KindAuth
		e.Err = fmt.Errorf("agent refuses security level %s for user %q: %w", p.SecurityLevel(), p.User, err)
		e.Hint = "the user is configured with another security level on the agent"
	case errors.Is(err, gosnmp.ErrDecryption):
		e.Kind = KindAuth
		e.Err = fmt.Errorf("agent could not decrypt the request: %w", err)
		e.Hint = "check priv_proto and the privacy key"
	case errors.Is(err, gosnmp.ErrUnknownSecurityModels), errors.Is(err, gosnmp.ErrUnknownReportPDU),
		errors.Is(err, gosnmp.ErrInvalidMsgs), errors.Is(err, gosnmp.ErrUnknownPDUHandlers):
		e.Kind = KindAuth
		e.Err = fmt.Errorf("agent rejected the SNMPv3 request: %w", err)
		e.Hint = "check the v3 settings of the profile against the agent"
	case errors.Is(err, gosnmp.ErrMaxRetriesExceeded), errors.As(err, &netErr) && netErr.Timeout():
		e.Kind = KindTimeout
		e.Err = fmt.Errorf("no response after %d attempt(s) of %s: %w", p.Retries+1, p.Timeout, err)
		e.Hint = timeoutHint(p)
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind = KindUnreachable
		e.Err = fmt.Errorf("port unreachable: %w", err)
		e.Hint = "no SNMP agent listens on this port"
	case errors.As(err, &netErr), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		e.Kind = KindUnreachable
	default:
		e.Kind = KindProtocol
	}
	return e
}

func timeoutHint(p Profile) string {
	switch p.SecurityLevel() {
	case "":
		return "check the address, port, community and the agent's access lists"
	case "authPriv":
		return "check the address, port and access lists; a wrong privacy key also looks like a timeout"
	default:
		return "check the address, port and the agent's access lists"
	}
}
