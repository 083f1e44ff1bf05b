package httpapi

import "net/http"

// RequestObserver sees every request the server answers. Start is called
// before anything else with the route template ("/api/v1/nodes/{ref}"; ""
// when no route matched) and returns the request to go on with (its context
// may carry a span) and a function that is called with the final status
// once the answer is complete (after the access log line).
type RequestObserver interface {
	Start(r *http.Request, route string) (*http.Request, func(status int))
}
