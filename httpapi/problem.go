package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/telemetry"
)

// ProblemContentType is the media type of error responses (RFC 9457).
const ProblemContentType = "application/problem+json"

// Problem is an RFC 9457 problem document with μNet's extensions: the stable
// error code, the field errors of a validation failure, the request ID and,
// when the request is traced, the trace ID.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Instance  string            `json:"instance,omitempty"`
	Code      string            `json:"code"`
	Errors    []unet.FieldError `json:"errors,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	TraceID   string            `json:"trace_id,omitempty"`
}

// httpError is an error raised by the HTTP layer itself (malformed body, body
// too large, unknown query parameter, failed precondition, …): it carries the
// status to answer with, on top of the μNet error.
type httpError struct {
	status int
	err    *unet.Error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// statusError returns an error that answers with status.
func statusError(status int, code, msg string, fields ...unet.FieldError) error {
	return &httpError{status: status, err: &unet.Error{Code: code, Message: msg, Fields: fields}}
}

// StatusClientClosedRequest is the status of a request whose client went
// away before the answer (nginx's 499): it appears in the access log only,
// since no answer is sent.
const StatusClientClosedRequest = 499

// clientGone reports whether a handler failed because its client
// disconnected: the request's context was cancelled (not timed out) and the
// error is that cancellation.
func clientGone(r *http.Request, err error) bool {
	return errors.Is(r.Context().Err(), context.Canceled) && errors.Is(err, context.Canceled)
}

// StatusOf maps a μNet error to its HTTP status:
//
//	invalid       400, or 422 when the error carries field errors (the request
//	              was well-formed but the object it describes is not valid)
//	not_found     404
//	conflict      409 (412 when an If-Match precondition failed; decided by the
//	              handler, which knows about the header)
//	unauthorized  401
//	forbidden     403
//	unavailable   503
//	internal      500 (and any error that is not a *unet.Error)
//
// A request that ran out of its deadline (RequestTimeout) is 503 too.
func StatusOf(err error) int {
	var he *httpError
	if errors.As(err, &he) {
		return he.status
	}
	var ue *unet.Error
	if !errors.As(err, &ue) {
		if errors.Is(err, context.DeadlineExceeded) {
			return http.StatusServiceUnavailable
		}
		return http.StatusInternalServerError
	}
	switch ue.Code {
	case unet.EINVALID:
		if len(ue.Fields) > 0 {
			return http.StatusUnprocessableEntity
		}
		return http.StatusBadRequest
	case unet.ENOTFOUND:
		return http.StatusNotFound
	case unet.ECONFLICT:
		return http.StatusConflict
	case unet.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case unet.EFORBIDDEN:
		return http.StatusForbidden
	case unet.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// codeOfStatus is the μNet code for a status when a response carries none.
func codeOfStatus(status int) string {
	switch {
	case status == http.StatusNotFound:
		return unet.ENOTFOUND
	case status == http.StatusConflict, status == http.StatusPreconditionFailed:
		return unet.ECONFLICT
	case status == http.StatusUnauthorized:
		return unet.EUNAUTHORIZED
	case status == http.StatusForbidden:
		return unet.EFORBIDDEN
	case status == http.StatusBadGateway, status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		return unet.EUNAVAILABLE
	case status >= 400 && status < 500:
		return unet.EINVALID
	}
	return unet.EINTERNAL
}

// writeProblem answers with err as problem+json. Internal errors are logged
// with their cause and shown only as "internal error (request id …)".
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Instance: r.URL.Path,
		RequestID: w.Header().Get(RequestIDHeader), TraceID: telemetry.TraceID(r.Context())}
	var ue *unet.Error
	if !errors.As(err, &ue) && errors.Is(err, context.DeadlineExceeded) {
		ue = &unet.Error{Code: unet.EUNAVAILABLE, Message: "the request did not finish in time; try again", Err: err}
		s.log.WarnContext(r.Context(), "request deadline exceeded", slog.String("request_id", p.RequestID),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	if ue != nil && status != http.StatusInternalServerError {
		p.Code = ue.Code
		p.Detail = ue.Message
		if p.Detail == "" && ue.Err != nil && len(ue.Fields) == 0 {
			p.Detail = ue.Err.Error()
		}
		p.Errors = ue.Fields
	} else {
		p.Code = unet.EINTERNAL
		p.Detail = "internal error (request id " + p.RequestID + ")"
		s.log.ErrorContext(r.Context(), "internal error", slog.String("request_id", p.RequestID),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	s.writeBody(w, status, ProblemContentType, p)
}
