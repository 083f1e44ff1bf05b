package httpapi

import (
	"context"
	"net/http"
	"time"
)

// RequestObserver sees every request the server answers.
//
// Start is called before anything else with the request's context (the
// connection's, with what the observers before this one added), the
// request and the route template ("/api/v1/nodes/{ref}"; "" when no route
// matched). It returns the context to go on with: ctx with values added
// (a span), never a new cancellation or deadline. The request's own
// context may not be that one yet.
//
// End is called once the answer is complete (after the access log line),
// the observers in the reverse order of their Start, with the context the
// observer's Start returned, the request and the route again, the final
// status (0 when nothing was written: net/http answers 200) and the time
// since the request reached the server.
type RequestObserver interface {
	Start(ctx context.Context, r *http.Request, route string) context.Context
	End(ctx context.Context, r *http.Request, route string, status int, elapsed time.Duration)
}
