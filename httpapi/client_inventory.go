package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/unet-dev/unet"
)

// CreateNode creates a node on the server.
func (c *Client) CreateNode(ctx context.Context, n *unet.Node, o unet.WriteOptions) (*unet.Node, error) {
	return fetch[unet.Node](ctx, c, call{method: http.MethodPost, path: BasePath + "/nodes", query: writeOptsQuery(o), body: n})
}

// GetNode fetches a node by ID, name or FQDN.
func (c *Client) GetNode(ctx context.Context, ref string) (*unet.Node, error) {
	return fetch[unet.Node](ctx, c, call{method: http.MethodGet, path: itemPath("nodes", ref)})
}

// ListNodes fetches one page of nodes.
func (c *Client) ListNodes(ctx context.Context, f unet.NodeFilter) (*unet.List[unet.Node], error) {
	q := url.Values{}
	setIf(q, "vendor", f.Vendor)
	setIf(q, "role", f.Role)
	setIf(q, "platform", f.Platform)
	setIf(q, "location", f.Location)
	setIf(q, "lifecycle", f.Lifecycle)
	setIf(q, "tag", f.Tag)
	setIf(q, "environment", f.Environment)
	setIf(q, "search", f.Search)
	setIf(q, "compliance", f.Compliance)
	setIf(q, "sort", f.Sort)
	return fetch[unet.List[unet.Node]](ctx, c, call{method: http.MethodGet, path: BasePath + "/nodes", query: pageQuery(q, f.Page)})
}

// UpdateNode applies a merge patch to a node.
func (c *Client) UpdateNode(ctx context.Context, ref string, p unet.Patch, o unet.WriteOptions) (*unet.Node, error) {
	return fetch[unet.Node](ctx, c, call{method: http.MethodPatch, path: itemPath("nodes", ref), query: writeOptsQuery(o), ifMatch: o.IfVersion, body: p})
}

// DeleteNode deletes a node.
func (c *Client) DeleteNode(ctx context.Context, ref string, o unet.DeleteOptions) error {
	return c.do(ctx, call{method: http.MethodDelete, path: itemPath("nodes", ref), query: deleteQuery(o), ifMatch: o.IfVersion})
}

// CreateLocation creates a location on the server.
func (c *Client) CreateLocation(ctx context.Context, l *unet.Location, o unet.WriteOptions) (*unet.Location, error) {
	return fetch[unet.Location](ctx, c, call{method: http.MethodPost, path: BasePath + "/locations", query: writeOptsQuery(o), body: l})
}

// GetLocation fetches a location by ID or path.
func (c *Client) GetLocation(ctx context.Context, ref string) (*unet.Location, error) {
	return fetch[unet.Location](ctx, c, call{method: http.MethodGet, path: itemPath("locations", ref)})
}

// ListLocations fetches one page of locations.
func (c *Client) ListLocations(ctx context.Context, f unet.LocationFilter) (*unet.List[unet.Location], error) {
	q := url.Values{}
	setIf(q, "type", f.Type)
	setIf(q, "parent", f.Parent)
	return fetch[unet.List[unet.Location]](ctx, c, call{method: http.MethodGet, path: BasePath + "/locations", query: pageQuery(q, f.Page)})
}

// UpdateLocation applies a merge patch to a location.
func (c *Client) UpdateLocation(ctx context.Context, ref string, p unet.Patch, o unet.WriteOptions) (*unet.Location, error) {
	return fetch[unet.Location](ctx, c, call{method: http.MethodPatch, path: itemPath("locations", ref), query: writeOptsQuery(o), ifMatch: o.IfVersion, body: p})
}

// DeleteLocation deletes a location.
func (c *Client) DeleteLocation(ctx context.Context, ref string, o unet.DeleteOptions) error {
	return c.do(ctx, call{method: http.MethodDelete, path: itemPath("locations", ref), query: deleteQuery(o), ifMatch: o.IfVersion})
}

// CreateLink creates a link on the server.
func (c *Client) CreateLink(ctx context.Context, l *unet.Link, o unet.WriteOptions) (*unet.Link, error) {
	return fetch[unet.Link](ctx, c, call{method: http.MethodPost, path: BasePath + "/links", query: writeOptsQuery(o), body: l})
}

// GetLink fetches a link by ID, name or NODE:INTERFACE.
func (c *Client) GetLink(ctx context.Context, ref string) (*unet.Link, error) {
	return fetch[unet.Link](ctx, c, call{method: http.MethodGet, path: itemPath("links", ref)})
}

// ListLinks fetches one page of links.
func (c *Client) ListLinks(ctx context.Context, f unet.LinkFilter) (*unet.List[unet.Link], error) {
	q := url.Values{}
	setIf(q, "node", f.Node)
	setIf(q, "role", f.Role)
	return fetch[unet.List[unet.Link]](ctx, c, call{method: http.MethodGet, path: BasePath + "/links", query: pageQuery(q, f.Page)})
}

// UpdateLink applies a merge patch to a link.
func (c *Client) UpdateLink(ctx context.Context, ref string, p unet.Patch, o unet.WriteOptions) (*unet.Link, error) {
	return fetch[unet.Link](ctx, c, call{method: http.MethodPatch, path: itemPath("links", ref), query: writeOptsQuery(o), ifMatch: o.IfVersion, body: p})
}

// DeleteLink deletes a link.
func (c *Client) DeleteLink(ctx context.Context, ref string, o unet.DeleteOptions) error {
	return c.do(ctx, call{method: http.MethodDelete, path: itemPath("links", ref), query: deleteQuery(o), ifMatch: o.IfVersion})
}

// ListVendors fetches the vendor registry.
func (c *Client) ListVendors(ctx context.Context) ([]unet.Vendor, error) {
	var out unet.List[unet.Vendor]
	if err := c.do(ctx, call{method: http.MethodGet, path: BasePath + "/vendors", out: &out}); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// CreateVendor adds a vendor.
func (c *Client) CreateVendor(ctx context.Context, v *unet.Vendor, o unet.WriteOptions) (*unet.Vendor, error) {
	return fetch[unet.Vendor](ctx, c, call{method: http.MethodPost, path: BasePath + "/vendors", query: writeOptsQuery(o), body: v})
}

// ListChanges fetches one page of the change log.
func (c *Client) ListChanges(ctx context.Context, f unet.ChangeFilter) (*unet.List[unet.Change], error) {
	q := url.Values{}
	setIf(q, "object", f.Object)
	setIf(q, "actor", f.Actor)
	if !f.Since.IsZero() {
		q.Set("since", f.Since.Format(time.RFC3339Nano))
	}
	return fetch[unet.List[unet.Change]](ctx, c, call{method: http.MethodGet, path: BasePath + "/changes", query: pageQuery(q, f.Page)})
}

// GetChange fetches one change record.
func (c *Client) GetChange(ctx context.Context, id string) (*unet.Change, error) {
	return fetch[unet.Change](ctx, c, call{method: http.MethodGet, path: itemPath("changes", id)})
}

// Import sends a bundle to the server's import (one transaction there).
func (c *Client) Import(ctx context.Context, b *unet.Bundle, o unet.ImportOptions) (*unet.ImportReport, error) {
	q := writeQuery(o.Reason)
	if o.Emergency {
		q.Set("emergency", "true")
	}
	if o.DryRun {
		q.Set("dry_run", "true")
	}
	return fetch[unet.ImportReport](ctx, c, call{method: http.MethodPost, path: BasePath + "/import", query: q, body: b})
}

// MarkDemo marks the server's database as holding the demo dataset.
func (c *Client) MarkDemo(ctx context.Context) error {
	return c.do(ctx, call{method: http.MethodPost, path: BasePath + "/demo"})
}

// Export fetches the whole inventory in interchange form.
func (c *Client) Export(ctx context.Context) (*unet.Bundle, error) {
	return fetch[unet.Bundle](ctx, c, call{method: http.MethodGet, path: BasePath + "/export"})
}
