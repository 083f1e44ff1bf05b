// Package httpapi is μNet's REST API: an HTTP server over the unet.Service
// interfaces (routes, middleware, problem+json errors, OpenAPI document) and an
// HTTP client that implements the very same interfaces, so that the CLI runs
// every command unchanged against a remote server.
//
// Every route is declared once, in the route table of routes.go, together with
// the one permission it needs, its parameters and its request and response
// types. The mux, the authorizer and the OpenAPI document are all built from
// that table, so they cannot drift apart.
package httpapi
