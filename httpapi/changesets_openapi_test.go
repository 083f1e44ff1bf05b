package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/unet-dev/unet/httpapi"
)

// TestChangeReviewAnswersMatchOpenAPI drives change review through every
// new route and checks each request and answer (successes and problems)
// against the served OpenAPI document.
func TestChangeReviewAnswersMatchOpenAPI(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	doc := loadDoc(t, ts)
	doc.Servers = openapi3.Servers{{URL: ts.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	check := func(want int, method, path, actor, body string) []byte {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set(httpapi.ActorHeader, actor)
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s: no documented route: %v", method, path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if body != "" {
			req.Body = io.NopCloser(strings.NewReader(body))
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("%s %s: request does not match the document: %v", method, path, err)
			}
		}
		if body != "" {
			req.Body = io.NopCloser(strings.NewReader(body))
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, data)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
			Header: resp.Header, Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(data)
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("%s %s -> %d: answer does not match the document: %v\n%s", method, path, resp.StatusCode, err, data)
		}
		return data
	}
	id := func(data []byte) string {
		var v struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(data, &v); err != nil || v.ID == "" {
			t.Fatalf("no id in %s", data)
		}
		return v.ID
	}

	check(201, "POST", "/api/v1/nodes", "alice", `{"name":"r1","vendor":"cisco","role":"access","custom_data":{"site":"lab"}}`)
	cs := id(check(201, "POST", "/api/v1/changesets", "alice",
		`{"title":"r1 core","description":"promote","ops":[{"op":"update","kind":"node","ref":"r1","data":{"role":"core","custom_data":{"site":"hq"}}},`+
			`{"op":"create","kind":"vendor","data":{"name":"acme"}}]}`))
	item := "/api/v1/changesets/" + cs
	check(200, "GET", item, "alice", "")
	check(200, "GET", item+"?impact=false", "alice", "")
	check(200, "GET", "/api/v1/changesets?state=proposed&author=alice&limit=10", "alice", "")
	check(422, "POST", "/api/v1/changesets", "alice", `{"title":"","ops":[]}`)
	check(403, "POST", item+"/approve", "alice", `{"comment":"mine"}`)
	check(200, "POST", item+"/approve", "bob", `{"comment":"fine"}`)
	check(200, "POST", item+"/apply", "bob", `{}`)
	check(200, "GET", item, "bob", "")
	check(200, "POST", "/api/v1/changes/"+cs+"/revert", "bob", `{"reason":"undo"}`)
	check(404, "POST", "/api/v1/changes/cs-999/revert", "bob", `{}`)

	// A draft, appended to, submitted, then abandoned; another rejected.
	draft := id(check(201, "POST", "/api/v1/changesets", "alice",
		`{"title":"draft","draft":true,"ops":[{"op":"update","kind":"node","ref":"r1","data":{"model":"m1"}}]}`))
	check(200, "POST", "/api/v1/changesets/"+draft+"/ops", "alice", `{"ops":[{"op":"update","kind":"node","ref":"r1","data":{"serial_number":"S1"}}]}`)
	check(200, "POST", "/api/v1/changesets/"+draft+"/submit", "alice", "")
	check(200, "POST", "/api/v1/changesets/"+draft+"/rebase", "alice", "")
	check(200, "POST", "/api/v1/changesets/"+draft+"/abandon", "alice", `{"reason":"later"}`)
	other := id(check(201, "POST", "/api/v1/changesets", "alice",
		`{"title":"other","ops":[{"op":"update","kind":"node","ref":"r1","data":{"model":"m2"}}]}`))
	check(200, "POST", "/api/v1/changesets/"+other+"/reject", "bob", `{"comment":"no"}`)

	// Two sets on the same field: the second apply is a 409 with fields.
	a := id(check(201, "POST", "/api/v1/changesets", "alice", `{"title":"a","ops":[{"op":"update","kind":"node","ref":"r1","data":{"role":"dist"}}]}`))
	b := id(check(201, "POST", "/api/v1/changesets", "alice", `{"title":"b","ops":[{"op":"update","kind":"node","ref":"r1","data":{"role":"edge"}}]}`))
	check(200, "POST", "/api/v1/changesets/"+a+"/approve", "bob", `{}`)
	check(200, "POST", "/api/v1/changesets/"+b+"/approve", "bob", `{}`)
	check(200, "POST", "/api/v1/changesets/"+a+"/apply", "bob", `{}`)
	check(409, "POST", "/api/v1/changesets/"+b+"/apply", "bob", `{}`)
	check(200, "GET", "/api/v1/changesets/"+b+"?impact=false", "bob", "")

	check(200, "GET", "/api/v1/change-events?changeset="+cs+"&limit=50", "bob", "")
	check(200, "GET", "/api/v1/change-events?since=2020-01-01T00:00:00Z", "bob", "")
	check(400, "GET", "/api/v1/change-events?since=yesterday", "bob", "")

	check(200, "PATCH", "/api/v1/nodes/r1?emergency=true&reason=outage", "carol", `{"model":"m9"}`)
	check(200, "GET", "/api/v1/emergency-changes?pending=true", "bob", "")
	check(200, "POST", "/api/v1/emergency-changes/"+emergencyRef(t, ts)+"/review", "bob", `{"comment":"checked"}`)
	check(200, "GET", "/api/v1/emergency-changes", "bob", "")

	check(201, "POST", "/api/v1/approvals?reason=r", "ada", `{"name":"core","when":"node.role == \"core\"","require":2,"description":"core needs two"}`)
	check(200, "GET", "/api/v1/approvals", "ada", "")
	check(409, "POST", "/api/v1/approvals", "ada", `{"name":"core","when":"node.role == \"core\"","require":2}`)
	check(204, "DELETE", "/api/v1/approvals/core", "ada", "")
	check(404, "DELETE", "/api/v1/approvals/core", "ada", "")
}

// emergencyRef returns a change ID of the newest emergency change.
func emergencyRef(t *testing.T, ts *testServer) string {
	t.Helper()
	a := ts.send(t, "GET", "/api/v1/emergency-changes?pending=true", nil)
	var l struct {
		Items []struct {
			Changes []string `json:"changes"`
		} `json:"items"`
	}
	a.decode(t, &l)
	if len(l.Items) == 0 || len(l.Items[0].Changes) == 0 {
		t.Fatalf("no pending emergency change: %s", a.body)
	}
	return l.Items[0].Changes[0]
}
