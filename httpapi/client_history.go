package httpapi

import (
	"context"
	"net/http"
	"net/url"

	"github.com/unet-dev/unet"
)

// atQuery is the query of a time-travel read.
func atQuery(at string) url.Values {
	return url.Values{"at": {at}}
}

// NodeAt fetches a node as it was at a point of the change log (an RFC 3339
// time, a date or a change ID).
func (c *Client) NodeAt(ctx context.Context, ref, at string) (*unet.Node, error) {
	return fetch[unet.Node](ctx, c, call{method: http.MethodGet, path: itemPath("nodes", ref), query: atQuery(at)})
}

// LinkAt fetches a link as it was at a point of the change log.
func (c *Client) LinkAt(ctx context.Context, ref, at string) (*unet.Link, error) {
	return fetch[unet.Link](ctx, c, call{method: http.MethodGet, path: itemPath("links", ref), query: atQuery(at)})
}

// LocationAt fetches a location as it was at a point of the change log.
func (c *Client) LocationAt(ctx context.Context, ref, at string) (*unet.Location, error) {
	return fetch[unet.Location](ctx, c, call{method: http.MethodGet, path: itemPath("locations", ref), query: atQuery(at)})
}

// ExportAt fetches the inventory in interchange form as it was at a point
// of the change log.
func (c *Client) ExportAt(ctx context.Context, at string) (*unet.Bundle, error) {
	return fetch[unet.Bundle](ctx, c, call{method: http.MethodGet, path: BasePath + "/export", query: atQuery(at)})
}
