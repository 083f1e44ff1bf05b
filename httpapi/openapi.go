package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"

	"github.com/unet-dev/unet"
)

// apiDescription is the top of the OpenAPI document: the conventions every
// route shares.
const apiDescription = `μNet's REST API: the network inventory (nodes, links, locations, vendors),
its change log, and whole-inventory import/export.

Errors are RFC 9457 application/problem+json documents with a stable "code"
(invalid, not_found, conflict, unauthorized, forbidden, unavailable, internal)
and, for validation failures, "errors": [{field, message, file, record}].
Statuses: 400 malformed request (bad JSON, unknown field, bad parameter),
404 not found, 405 method not allowed, 409 conflict, 412 If-Match is stale,
413 body too large, 415 not JSON, 422 validation failed, 428 If-Match required
(only when the server is configured so), 503 unavailable, 500 internal.

Lists answer {"items": [...], "next": CURSOR, "total": N}; pass next back as
cursor for the following page. Single objects carry ETag: "VERSION"; send it
as If-Match on PATCH and DELETE to refuse lost updates. X-Request-ID is
accepted or generated, and echoed.

Authentication: every operation but the public ones (health probes, this
document, the Git webhook receiver and login) needs one of the security
schemes: a JWT access token from login, an API token (unet_<id>_<secret>), or
an OpenID Connect token of the configured issuer, each sent as
"Authorization: Bearer ...". Each operation names the one permission it needs
(x-permission); without valid credentials the answer is 401, without the
permission 403, over a rate limit 429 with Retry-After. In auth mode none
(loopback only) no credentials are needed and X-Unet-Actor names the author
recorded in the change log.`

// buildOpenAPI renders the OpenAPI 3 document of the route table; discovery
// is the OpenID Connect discovery URL of the oidc security scheme.
func buildOpenAPI(table []Route, discovery string) ([]byte, error) {
	g := &schemaGen{comps: map[string]any{}}
	problem := g.schema(reflect.TypeFor[Problem]())
	paths := map[string]any{}
	for _, rt := range table {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		op := operation(g, rt)
		secureOperation(op, rt)
		item[lower(rt.Method)] = op
	}
	responses := authResponses(problem)
	responses["Problem"] = map[string]any{
		"description": "an error (RFC 9457 problem document)",
		"content":     map[string]any{ProblemContentType: map[string]any{"schema": problem}},
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "μNet API",
			"version":     "1",
			"description": apiDescription,
		},
		"servers": []any{map[string]any{"url": "/",
			"description": "the server that serves this document (its address, or the proxy's in front of it)"}},
		"security": anyScheme(),
		"tags":     tags(table),
		"paths":    paths,
		"components": map[string]any{
			"schemas":         g.comps,
			"responses":       responses,
			"securitySchemes": securitySchemes(discovery),
			"headers": map[string]any{
				"RequestID": map[string]any{"description": "the request ID (echoed or generated)", "schema": map[string]any{"type": "string"}},
				"ETag":      map[string]any{"description": "the object's version as an entity tag, e.g. \"3\"", "schema": map[string]any{"type": "string"}},
			},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func paramSchema(typ string) map[string]any {
	switch typ {
	case "integer":
		return map[string]any{"type": "integer"}
	case "boolean":
		return map[string]any{"type": "boolean"}
	case "date-time":
		return map[string]any{"type": "string", "format": "date-time"}
	}
	return map[string]any{"type": "string"}
}

func operation(g *schemaGen, rt Route) map[string]any {
	op := map[string]any{
		"operationId": rt.OperationID,
		"summary":     rt.Summary,
		"tags":        []string{rt.Tag},
	}
	var params []any
	for _, p := range rt.PathParams {
		params = append(params, map[string]any{"name": p.Name, "in": "path", "required": true,
			"description": p.Description, "schema": paramSchema(p.Type)})
	}
	for _, p := range rt.Query {
		schema := paramSchema(p.Type)
		if len(p.Enum) > 0 {
			schema["enum"] = p.Enum
		}
		params = append(params, map[string]any{"name": p.Name, "in": "query",
			"description": p.Description, "schema": schema})
	}
	if rt.Conditional {
		params = append(params, map[string]any{"name": "If-Match", "in": "header",
			"description": "the ETag of the version this write applies to; stale: 412; absent: unconditional write (428 when the server requires it)",
			"schema":      map[string]any{"type": "string"}})
	}
	if rt.ETag && rt.Method == http.MethodGet {
		params = append(params, map[string]any{"name": "If-None-Match", "in": "header",
			"description": "answer 304 when the object is still at this ETag", "schema": map[string]any{"type": "string"}})
	}
	params = append(params,
		map[string]any{"name": RequestIDHeader, "in": "header", "description": "request ID to use (printable ASCII, at most 128 characters)",
			"schema": map[string]any{"type": "string"}})
	if rt.Stream {
		params = append(params, map[string]any{"name": LastEventIDHeader, "in": "header",
			"description": "text/event-stream: resume after this event ID (the id of the last event received)",
			"schema":      map[string]any{"type": "integer", "minimum": 0}})
	}
	if rt.Permission != PermPublic {
		params = append(params, map[string]any{"name": ActorHeader, "in": "header",
			"description": "auth mode none: the actor recorded in the change log", "schema": map[string]any{"type": "string"}})
	}
	op["parameters"] = params
	if rt.Body != nil {
		ct := "application/json"
		content := map[string]any{ct: map[string]any{"schema": g.schema(reflect.TypeOf(rt.Body))}}
		if rt.Method == http.MethodPatch {
			content["application/merge-patch+json"] = content[ct]
		}
		op["requestBody"] = map[string]any{"required": true, "content": content}
	}
	headers := map[string]any{"X-Request-ID": map[string]any{"$ref": "#/components/headers/RequestID"}}
	if rt.ETag {
		headers["ETag"] = map[string]any{"$ref": "#/components/headers/ETag"}
	}
	ok := map[string]any{"description": http.StatusText(rt.Status), "headers": headers}
	if rt.Result != nil {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Result))}}
	}
	if rt.Stream {
		// The alternative answer to Accept: text/event-stream: frames of
		// "id: N", "event: TYPE" and "data: EVENT-JSON" lines, kept open.
		content, _ := ok["content"].(map[string]any)
		if content == nil {
			content = map[string]any{}
			ok["content"] = content
		}
		content[EventStreamContentType] = map[string]any{"schema": map[string]any{"type": "string",
			"description": "Server-Sent Events: per event the lines \"id: ID\", \"event: TYPE\" and \"data: \" followed by the event " +
				"(schema unet.Event) as one line of JSON, then a blank line; the first frame carries only the starting id; " +
				"comment lines (\": keep-alive\") every 15 s of silence. The stream stays open until the client or the server leaves."},
			"x-event-schema": g.schema(reflect.TypeFor[unet.Event]())}
	}
	problem := map[string]any{"$ref": "#/components/responses/Problem"}
	responses := map[string]any{strconv.Itoa(rt.Status): ok, "default": problem}
	if rt.Accepted != nil {
		responses[strconv.Itoa(http.StatusAccepted)] = map[string]any{"description": rt.AcceptedNote, "headers": headers,
			"content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Accepted))}}}
	}
	if rt.ETag && rt.Method == http.MethodGet {
		responses["304"] = map[string]any{"description": "Not Modified"}
	}
	responses["400"] = problem
	if len(rt.PathParams) > 0 {
		responses["404"] = problem
	}
	if rt.Body != nil {
		for _, st := range []string{"413", "415", "422"} {
			responses[st] = problem
		}
	}
	if rt.Method != http.MethodGet {
		responses["409"] = problem
	}
	if rt.Conditional {
		responses["412"] = problem
		responses["428"] = problem
	}
	if rt.Path == "/readyz" {
		responses["503"] = map[string]any{"description": "not ready: the reason is in the body",
			"content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeFor[Health]())}}}
	}
	op["responses"] = responses
	return op
}

// tagDescriptions describes the tags of the route table; a tag missing here is
// declared without a description.
var tagDescriptions = map[string]string{
	"operations": "health probes and this document",
	"nodes":      "network devices",
	"locations":  "the location tree (regions, sites, rooms, racks)",
	"links":      "connections between two node interfaces",
	"vendors":    "the vendor registry",
	"changes":    "the change log: who changed what, with before and after images",
	"changesets": "change review: proposed change sets with their impact, approvals, apply, revert, events and emergency changes",
	"approvals":  "approval rules: who must approve a change set, by what it touches",
	"inventory":  "whole-inventory import and export",
	"policies":   "policy rules: validate, evaluate, apply",
	"templates":  "configuration templates: validate, render, diff",
	"snmp":       "SNMP profiles, polling and polled state",
	"git":        "Git sources of policies and templates, their sync and promotion, and webhooks",
	"cluster":    "the replicas that share the database: membership, leader, SNMP shares",
	"secrets":    "stored secrets (values are never returned)",
	"auth":       "login, token refresh and signing keys",
	"users":      "users, their roles and grants",
	"roles":      "built-in and custom roles",
	"tokens":     "API tokens for automation",
	"audit":      "the audit log of writes and denials",
	"events":     "the event log: what happened, as a page or a Server-Sent Events stream",
}

// tags declares every tag the route table uses, in order of first use.
func tags(table []Route) []any {
	var out []any
	seen := map[string]bool{}
	for _, rt := range table {
		if seen[rt.Tag] {
			continue
		}
		seen[rt.Tag] = true
		tag := map[string]any{"name": rt.Tag}
		if d := tagDescriptions[rt.Tag]; d != "" {
			tag["description"] = d
		}
		out = append(out, tag)
	}
	return out
}
