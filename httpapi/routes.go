package httpapi

import (
	"net/http"

	"github.com/unet-dev/unet"
)

// BasePath is the prefix of every API route.
const BasePath = "/api/v1"

// Route is one entry of the route table: everything the mux, the authorizer
// and the OpenAPI document need to know about an endpoint.
type Route struct {
	Method      string
	Path        string // full pattern with {name} wildcards, e.g. /api/v1/nodes/{ref}
	Permission  Permission
	OperationID string
	Summary     string
	Tag         string
	// PathParams describes the {name} wildcards of Path.
	PathParams []Param
	// Query lists the accepted query parameters; any other is refused with 400.
	Query []Param
	// Body is a value of the request body type (nil: the route takes no body).
	Body any
	// BodyLimit overrides the server's body size limit for this route.
	BodyLimit int64
	// Status is the status of a successful answer; Result a value of its body
	// type (nil: no body).
	Status int
	Result any
	// Accepted, when set, documents a second success answer: 202 with
	// AcceptedNote as its description and this body type (an action that
	// was proposed for approval rather than done).
	Accepted     any
	AcceptedNote string
	// ETag marks success answers that carry an ETag; Conditional marks routes
	// that honour If-Match.
	ETag        bool
	Conditional bool
	// Long marks routes that may run for long (import, export): they get the
	// server's long-request deadlines instead of the normal ones.
	Long bool
	// Stream marks a route that answers a request accepting
	// text/event-stream with a Server-Sent Events stream: such a request
	// takes no admission slot and no request deadline (the handler keeps
	// its own write deadlines and ends at shutdown).
	Stream bool

	handle handlerFunc
	// spanName names the span of the route's operation (serviceSpan).
	spanName string
}

// Param is a path or query parameter.
type Param struct {
	Name        string
	Type        string // string, integer, boolean or date-time
	Description string
	// Enum, when set, lists the accepted values.
	Enum []string
}

// handlerFunc serves one request; a returned error is answered as problem+json.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func refParam(what string) []Param {
	return []Param{{Name: "ref", Type: "string", Description: what + " (URL-escaped: '/' as %2F)"}}
}

func pageParams() []Param {
	return []Param{
		{Name: "limit", Type: "integer", Description: "page size (default 100, at most 10000)"},
		{Name: "offset", Type: "integer", Description: "skip this many results (not with cursor)"},
		{Name: "cursor", Type: "string", Description: "continue after this cursor: the `next` of the previous page"},
	}
}

func reasonParam() Param {
	return Param{Name: "reason", Type: "string", Description: "reason recorded in the change log"}
}

// routes builds the route table. It is the single place where endpoints and
// their permissions are declared.
func (s *Server) routes() []Route {
	rs := []Route{
		{Method: http.MethodGet, Path: "/livez", Permission: PermPublic, OperationID: "livez", Tag: "operations",
			Summary: "Liveness: the process answers", Status: http.StatusOK, Result: Health{}, handle: s.livez},
		{Method: http.MethodGet, Path: "/healthz", Permission: PermPublic, OperationID: "healthz", Tag: "operations",
			Summary: "Liveness (older name of /livez)", Status: http.StatusOK, Result: Health{}, handle: s.livez},
		{Method: http.MethodGet, Path: "/readyz", Permission: PermPublic, OperationID: "readyz", Tag: "operations",
			Summary: "Readiness: the database is reachable, migrated and writable, and every background worker made progress within its interval (503 with the details otherwise)",
			Status:  http.StatusOK, Result: Health{}, handle: s.readyz},
		{Method: http.MethodGet, Path: BasePath + "/openapi.json", Permission: PermPublic, OperationID: "getOpenAPI",
			Tag: "operations", Summary: "This API's OpenAPI 3 document", Status: http.StatusOK, Result: map[string]any{},
			handle: s.openapiDoc},
	}
	rs = append(rs, s.authConfigRoutes()...)
	rs = append(rs, crudRoutes(s, crud[unet.Node, unet.NodeFilter]{
		kind: "node", plural: "nodes", read: PermNodesRead, write: PermNodesWrite,
		ref:    "node ID, name or FQDN",
		create: s.svc.CreateNode, get: s.svc.GetNode, list: s.svc.ListNodes, update: s.svc.UpdateNode, del: s.svc.DeleteNode,
		version: func(n *unet.Node) int { return n.Version }, id: func(n *unet.Node) string { return n.ID },
		filter: nodeFilter, filterParams: []Param{
			{Name: "vendor", Type: "string", Description: "only this vendor"},
			{Name: "role", Type: "string", Description: "only this role"},
			{Name: "platform", Type: "string", Description: "only this platform"},
			{Name: "location", Type: "string", Description: "only nodes in this location (path or ID) or below it"},
			{Name: "lifecycle", Type: "string", Description: "only this lifecycle"},
			{Name: "tag", Type: "string", Description: "only nodes with this tag"},
			{Name: "environment", Type: "string", Description: "only nodes of this environment"},
			{Name: "search", Type: "string", Description: "only nodes whose name, FQDN, management address, model, serial number or asset tag contains this text (any case)"},
			{Name: "compliance", Type: "string", Enum: unet.NodeCompliances, Description: "only nodes in this state by their stored policy results: fail (some result fails), error (some result is an error), pass (results, none failing or in error), none (no stored result)"},
			{Name: "sort", Type: "string", Enum: unet.NodeSortOrders(), Description: "order by this field, descending with a leading - (default fqdn); cursors continue the same order"},
		},
		deleteParams: []Param{{Name: "cascade", Type: "boolean", Description: "also delete the node's links"}},
		getParams: []Param{{Name: "eval", Type: "boolean",
			Description: "also evaluate the server's policies for the node: adds results and templates"}},
		getResult: s.nodeWithEval, getSchema: NodeWithEval{}, getAt: s.svc.NodeAt,
	})...)
	// GET /nodes/{ref}?eval=true evaluates the node's policies: an engine
	// request, under the engine limits.
	for i := range rs {
		if rs[i].OperationID == "getNode" {
			rs[i].handle = s.evalLimited(rs[i].handle)
		}
	}
	rs = append(rs, crudRoutes(s, crud[unet.Location, unet.LocationFilter]{
		kind: "location", plural: "locations", read: PermLocationsRead, write: PermLocationsWrite,
		ref:    "location ID or path",
		create: s.svc.CreateLocation, get: s.svc.GetLocation, list: s.svc.ListLocations, update: s.svc.UpdateLocation,
		del:     s.svc.DeleteLocation,
		version: func(l *unet.Location) int { return l.Version }, id: func(l *unet.Location) string { return l.ID },
		getAt: s.svc.LocationAt, filter: locationFilter, filterParams: []Param{
			{Name: "type", Type: "string", Description: "only this location type"},
			{Name: "parent", Type: "string", Description: "only direct children of this location (path or ID)"},
		},
	})...)
	rs = append(rs, crudRoutes(s, crud[unet.Link, unet.LinkFilter]{
		kind: "link", plural: "links", read: PermLinksRead, write: PermLinksWrite,
		ref:    "link ID, name or NODE:INTERFACE of either end",
		create: s.svc.CreateLink, get: s.svc.GetLink, list: s.svc.ListLinks, update: s.svc.UpdateLink, del: s.svc.DeleteLink,
		version: func(l *unet.Link) int { return l.Version }, id: func(l *unet.Link) string { return l.ID },
		getAt: s.svc.LinkAt, filter: linkFilter, filterParams: []Param{
			{Name: "node", Type: "string", Description: "only links of this node (either end)"},
			{Name: "role", Type: "string", Description: "only this role"},
		},
	})...)
	rs = append(rs,
		Route{Method: http.MethodGet, Path: BasePath + "/vendors", Permission: PermVendorsRead, OperationID: "listVendors",
			Tag: "vendors", Summary: "List the vendor registry (not paginated)", Status: http.StatusOK,
			Result: unet.List[unet.Vendor]{}, handle: s.listVendors},
		Route{Method: http.MethodPost, Path: BasePath + "/vendors", Permission: PermVendorsWrite, OperationID: "createVendor",
			Tag: "vendors", Summary: "Add a vendor", Query: writeParams(), Body: unet.Vendor{},
			Status: http.StatusCreated, Result: unet.Vendor{}, handle: s.createVendor},
		Route{Method: http.MethodGet, Path: BasePath + "/changes", Permission: PermChangesRead, OperationID: "listChanges",
			Tag: "changes", Summary: "List the change log, newest first",
			Query: append([]Param{
				{Name: "object", Type: "string", Description: "only changes of this object: KIND/NAME, KIND/ID or an ID"},
				{Name: "actor", Type: "string", Description: "only changes by this actor"},
				{Name: "since", Type: "date-time", Description: "only changes at or after this time (RFC 3339)"},
			}, pageParams()...),
			Status: http.StatusOK, Result: unet.List[unet.Change]{}, handle: s.listChanges},
		Route{Method: http.MethodGet, Path: BasePath + "/changes/{id}", Permission: PermChangesRead, OperationID: "getChange",
			Tag: "changes", Summary: "Show one change with its before and after images",
			PathParams: []Param{{Name: "id", Type: "string", Description: "change ID"}},
			Status:     http.StatusOK, Result: unet.Change{}, handle: s.getChange},
		Route{Method: http.MethodPost, Path: BasePath + "/import", Permission: PermInventoryImport, OperationID: "importInventory",
			Tag: "inventory", Summary: "Upsert a whole inventory by natural keys, in one transaction (all or nothing)",
			Query: []Param{{Name: "dry_run", Type: "boolean", Description: "report what would change, write nothing"}, reasonParam(), emergencyParam()},
			Body:  unet.Bundle{}, BodyLimit: s.opts.MaxImportBytes, Long: true,
			Status: http.StatusOK, Result: unet.ImportReport{}, handle: s.importInventory},
		Route{Method: http.MethodPost, Path: BasePath + "/demo", Permission: PermInventoryImport, OperationID: "markDemo",
			Tag: "inventory", Summary: "Mark the database as holding the demo dataset: it then falls back to the built-in demo policies and templates",
			Status: http.StatusNoContent, handle: s.markDemo},
		Route{Method: http.MethodGet, Path: BasePath + "/export", Permission: PermInventoryExport, OperationID: "exportInventory",
			Tag: "inventory", Summary: "The whole inventory in interchange (by-name) form, ready for import",
			Query: []Param{atParam("inventory")}, Long: true, Status: http.StatusOK, Result: unet.Bundle{}, handle: s.exportInventory},
	)
	rs = append(rs, s.changeSetRoutes()...)
	rs = append(rs, s.engineRoutes()...)
	rs = append(rs, s.gitRoutes()...)
	rs = append(rs, s.clusterRoutes()...)
	rs = append(rs, s.secretRoutes()...)
	rs = append(rs, s.identityRoutes()...)
	rs = append(rs, s.sessionRoutes()...)
	rs = append(rs, s.eventRoutes()...)
	rs = append(rs, s.notificationRoutes()...)
	rs = append(rs, s.canaryRoutes()...)
	return rs
}

// Routes returns a copy of the route table.
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.table))
	copy(out, s.table)
	return out
}
