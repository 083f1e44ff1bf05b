// Package webui is μNet's web interface: pages rendered on the server with
// html/template from the same service the HTTP API serves, under /ui/.
//
// Every page works without JavaScript; a few kilobytes of hand-written
// JavaScript (static/app.js) add live updates and copy buttons. Static
// assets are embedded in the binary and served under names that carry a hash
// of their content, so that a browser may cache them for ever.
//
// Permissions are the API's: each page and each form declares the
// permission it needs, checked by the same Authorizer the API uses, and the
// service calls run with the caller's principal, so scoped users see only
// their scope (docs/ui.md).
package webui
