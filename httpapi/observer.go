package httpapi

import (
	"context"
	"net/http"
)

// RequestObserver sees every request the server answers. Start is called
// before anything else with the request's context (the connection's, with
// what the observers before this one added), the request and the route
// template ("/api/v1/nodes/{ref}"; "" when no route matched). It returns
// the context to go on with (ctx with values added, such as a span; never
// a new cancellation or deadline) and a function that is called with the
// final status once the answer is complete (after the access log line).
// The request is not to be kept: its context is not yet the one returned.
type RequestObserver interface {
	Start(ctx context.Context, r *http.Request, route string) (context.Context, func(status int))
}
