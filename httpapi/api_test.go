package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

func TestProblemAnswers(t *testing.T) {
	ts := startServer(t, httpapi.Options{MaxBodyBytes: 4096})
	ok := ts.send(t, "POST", "/api/v1/nodes", map[string]any{"name": "leaf1", "vendor": "arista"})
	if ok.status != http.StatusCreated {
		t.Fatalf("create: %d %s", ok.status, ok.body)
	}
	big := `{"name":"x","vendor":"cisco","model":"` + strings.Repeat("m", 5000) + `"}`
	cases := []struct {
		name          string
		method, path  string
		body          any
		headers       []string
		status        int
		code          string
		field, detail string
	}{
		{"malformed JSON", "POST", "/api/v1/nodes", `{"name": "x",`, nil, 400, "invalid", "", "unexpected end of JSON"},
		{"syntax error", "POST", "/api/v1/nodes", `{"name" "x"}`, nil, 400, "invalid", "", "JSON syntax error"},
		{"unknown field", "POST", "/api/v1/nodes", `{"name":"x","vendor":"cisco","colour":"red"}`, nil, 400, "invalid", "colour", "invalid request body"},
		{"wrong type", "POST", "/api/v1/nodes", `{"name":"x","vendor":"cisco","tags":"a"}`, nil, 400, "invalid", "tags", "invalid request body"},
		{"trailing data", "POST", "/api/v1/nodes", `{"name":"x","vendor":"cisco"} {}`, nil, 400, "invalid", "", "after the JSON value"},
		{"empty body", "POST", "/api/v1/nodes", "", nil, 400, "invalid", "", "empty"},
		{"bad limit", "GET", "/api/v1/nodes?limit=ten", nil, nil, 400, "invalid", "", "limit must be an integer"},
		{"unknown parameter", "GET", "/api/v1/nodes?vendr=cisco", nil, nil, 400, "invalid", "", `unknown query parameter "vendr"`},
		{"bad cursor", "GET", "/api/v1/nodes?cursor=!!", nil, nil, 400, "invalid", "", "bad cursor"},
		{"bad If-Match", "PATCH", "/api/v1/nodes/leaf1", `{"role":"leaf"}`, []string{"If-Match", "3"}, 400, "invalid", "", "If-Match must be"},
		{"patch not an object", "PATCH", "/api/v1/nodes/leaf1", `null`, nil, 400, "invalid", "", "JSON object"},
		{"not found", "GET", "/api/v1/nodes/nope", nil, nil, 404, "not_found", "", `node "nope" not found`},
		{"unknown route", "GET", "/api/v1/widgets", nil, nil, 404, "not_found", "", "no such API route"},
		{"method not allowed", "PUT", "/api/v1/nodes/leaf1", `{}`, nil, 405, "invalid", "", "allowed: GET, PATCH, DELETE"},
		{"duplicate", "POST", "/api/v1/nodes", map[string]any{"name": "leaf1", "vendor": "arista"}, nil, 409, "conflict", "", "node leaf1 already exists"},
		{"stale If-Match", "PATCH", "/api/v1/nodes/leaf1", `{"role":"leaf"}`, []string{"If-Match", `"7"`}, 412, "conflict", "", "not 7"},
		{"stale If-Match on delete", "DELETE", "/api/v1/nodes/leaf1", nil, []string{"If-Match", `"2"`}, 412, "conflict", "", "not 2"},
		{"body too large", "POST", "/api/v1/nodes", big, nil, 413, "invalid", "", "larger than 4096 bytes"},
		{"not JSON", "POST", "/api/v1/nodes", "name=x", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "invalid", "", "send application/json"},
		{"validation", "POST", "/api/v1/nodes", map[string]any{"name": "-bad", "vendor": "cisco", "mgmt_ip": "10.0.0.300"}, nil, 422, "invalid", "name", "invalid node"},
		{"patch unknown field", "PATCH", "/api/v1/nodes/leaf1", `{"colour":"red"}`, nil, 422, "invalid", "colour", "invalid node update"},
		{"actor too long", "GET", "/api/v1/nodes", nil, []string{httpapi.ActorHeader, strings.Repeat("a", 200)}, 400, "invalid", "", "X-Unet-Actor is longer"},
		{"lifecycle backwards", "PATCH", "/api/v1/nodes/leaf1", `{"lifecycle":"live"}`, nil, 200, "", "", ""},
		{"lifecycle backwards 2", "PATCH", "/api/v1/nodes/leaf1", `{"lifecycle":"implementing"}`, nil, 422, "invalid", "lifecycle", "lifecycle cannot move backwards"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := ts.send(t, c.method, c.path, c.body, c.headers...)
			if a.status != c.status {
				t.Fatalf("status %d, want %d: %s", a.status, c.status, a.body)
			}
			if a.header.Get(httpapi.RequestIDHeader) == "" {
				t.Error("no X-Request-ID on the answer")
			}
			if c.status < 400 {
				return
			}
			if c.status == http.StatusMethodNotAllowed && a.header.Get("Allow") != "GET, PATCH, DELETE" {
				t.Errorf("Allow: %q", a.header.Get("Allow"))
			}
			p := a.problem(t)
			if p.Code != c.code {
				t.Errorf("code %q, want %q", p.Code, c.code)
			}
			if !strings.Contains(p.Detail, c.detail) {
				t.Errorf("detail %q does not contain %q", p.Detail, c.detail)
			}
			if c.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != c.field) {
				t.Errorf("field errors %+v, want first on %q", p.Errors, c.field)
			}
			if p.RequestID != a.header.Get(httpapi.RequestIDHeader) || p.Type != "about:blank" || p.Title == "" {
				t.Errorf("problem envelope %+v", p)
			}
		})
	}
	// Nothing of the refused writes stuck.
	var l unet.List[unet.Node]
	ts.send(t, "GET", "/api/v1/nodes", nil).decode(t, &l)
	if l.Total != 1 || l.Items[0].Lifecycle != "live" || l.Items[0].Version != 2 {
		t.Fatalf("inventory after refused writes: %+v", l)
	}
}

func TestBodyTooLargeWithoutContentLength(t *testing.T) {
	ts := startServer(t, httpapi.Options{MaxBodyBytes: 1024})
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"name":"x","vendor":"cisco","model":"` + strings.Repeat("m", 4000) + `"}`))
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/nodes", pr)
	req.Header.Set("Content-Type", "application/json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.ContentLength == 0 {
		t.Fatalf("chunked oversize body: %d", resp.StatusCode)
	}
}

func TestRequestID(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	a := ts.send(t, "GET", "/healthz", nil, httpapi.RequestIDHeader, "trace-42")
	if got := a.header.Get(httpapi.RequestIDHeader); got != "trace-42" {
		t.Fatalf("echoed request ID %q", got)
	}
	b := ts.send(t, "GET", "/healthz", nil, httpapi.RequestIDHeader, "bad id with spaces")
	c := ts.send(t, "GET", "/healthz", nil)
	idB, idC := b.header.Get(httpapi.RequestIDHeader), c.header.Get(httpapi.RequestIDHeader)
	if idB == "" || idC == "" || idB == idC || strings.Contains(idB, " ") {
		t.Fatalf("generated request IDs %q and %q", idB, idC)
	}
	p := ts.send(t, "GET", "/api/v1/nodes/ghost", nil, httpapi.RequestIDHeader, "trace-43").problem(t)
	if p.RequestID != "trace-43" {
		t.Fatalf("problem request_id %q", p.RequestID)
	}
}

func TestETagRoundTrip(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	created := ts.send(t, "POST", "/api/v1/nodes?reason=new", map[string]any{"name": "core1", "vendor": "juniper"})
	if created.status != 201 || created.header.Get("ETag") != `"1"` || created.header.Get("Location") == "" {
		t.Fatalf("create: %d %v %s", created.status, created.header, created.body)
	}
	// Two clients read the same version.
	a := ts.send(t, "GET", "/api/v1/nodes/core1", nil)
	b := ts.send(t, "GET", "/api/v1/nodes/core1", nil)
	tagA, tagB := a.header.Get("ETag"), b.header.Get("ETag")
	if tagA != `"1"` || tagA != tagB {
		t.Fatalf("ETags %q %q", tagA, tagB)
	}
	if nm := ts.send(t, "GET", "/api/v1/nodes/core1", nil, "If-None-Match", tagA); nm.status != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", nm.status)
	}
	first := ts.send(t, "PATCH", "/api/v1/nodes/core1", `{"software_version":"23.4R1"}`, "If-Match", tagA, httpapi.ActorHeader, "alice")
	if first.status != 200 || first.header.Get("ETag") != `"2"` {
		t.Fatalf("first update: %d %s", first.status, first.body)
	}
	second := ts.send(t, "PATCH", "/api/v1/nodes/core1", `{"software_version":"22.1R1"}`, "If-Match", tagB, httpapi.ActorHeader, "bob")
	if second.status != http.StatusPreconditionFailed {
		t.Fatalf("second update: %d %s", second.status, second.body)
	}
	if p := second.problem(t); p.Code != unet.ECONFLICT || !strings.Contains(p.Detail, "version 2, not 1") {
		t.Fatalf("412 problem %+v", p)
	}
	var n unet.Node
	now := ts.send(t, "GET", "/api/v1/nodes/core1", nil)
	now.decode(t, &n)
	if n.SoftwareVersion != "23.4R1" || n.Version != 2 || now.header.Get("ETag") != `"2"` {
		t.Fatalf("after the race: %+v", n)
	}
	// The same through the client: IfVersion is If-Match.
	c := ts.client(t, "carol")
	_, err := c.UpdateNode(context.Background(), "core1", unet.Patch{"role": "core"}, unet.WriteOptions{IfVersion: 1})
	var ue *unet.Error
	if !errors.As(err, &ue) || ue.Code != unet.ECONFLICT {
		t.Fatalf("client stale update: %v", err)
	}
	if _, err := c.UpdateNode(context.Background(), "core1", unet.Patch{"role": "core"}, unet.WriteOptions{IfVersion: 2}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteNode(context.Background(), "core1", unet.DeleteOptions{IfVersion: 2}); unet.ErrorCode(err) != unet.ECONFLICT {
		t.Fatalf("stale delete: %v", err)
	}
	// Actors are recorded as sent.
	changes, err := c.ListChanges(context.Background(), unet.ChangeFilter{Object: "node/core1"})
	if err != nil {
		t.Fatal(err)
	}
	var actors []string
	for _, ch := range changes.Items {
		actors = append(actors, ch.Actor)
	}
	if got := strings.Join(actors, ","); got != "carol,alice,anonymous" {
		t.Fatalf("actors newest first: %s", got)
	}
	if changes.Items[2].Reason != "new" {
		t.Fatalf("reason not recorded: %+v", changes.Items[2])
	}
}

func TestRequireIfMatch(t *testing.T) {
	ts := startServer(t, httpapi.Options{RequireIfMatch: true})
	ts.send(t, "POST", "/api/v1/nodes", map[string]any{"name": "r1", "vendor": "cisco"})
	a := ts.send(t, "PATCH", "/api/v1/nodes/r1", `{"role":"core"}`)
	if a.status != http.StatusPreconditionRequired {
		t.Fatalf("PATCH without If-Match: %d %s", a.status, a.body)
	}
	if p := a.problem(t); p.Code != unet.EINVALID {
		t.Fatalf("428 code %q", p.Code)
	}
	if d := ts.send(t, "DELETE", "/api/v1/nodes/r1", nil); d.status != http.StatusPreconditionRequired {
		t.Fatalf("DELETE without If-Match: %d", d.status)
	}
	if d := ts.send(t, "DELETE", "/api/v1/nodes/r1", nil, "If-Match", `"1"`); d.status != http.StatusNoContent {
		t.Fatalf("DELETE with If-Match: %d %s", d.status, d.body)
	}
}

func TestPaginationWalksEverythingOnce(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	ctx := context.Background()
	c := ts.client(t, "tester")
	const n = 253
	if _, err := c.Import(ctx, bundle(n), unet.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 7, 100, 253, 1000} {
		seen := map[string]int{}
		var order []string
		cursor := ""
		pages := 0
		for {
			l, err := c.ListNodes(ctx, unet.NodeFilter{Page: unet.Page{Limit: limit, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if l.Total != n {
				t.Fatalf("limit %d: total %d", limit, l.Total)
			}
			if len(l.Items) > limit {
				t.Fatalf("limit %d: page of %d", limit, len(l.Items))
			}
			for _, it := range l.Items {
				seen[it.Name]++
				order = append(order, it.Name)
			}
			if l.Next == "" {
				break
			}
			cursor = l.Next
		}
		if len(seen) != n || len(order) != n {
			t.Fatalf("limit %d: %d distinct of %d seen", limit, len(seen), len(order))
		}
		for i := 1; i < len(order); i++ {
			if order[i-1] >= order[i] {
				t.Fatalf("limit %d: order broken at %s, %s", limit, order[i-1], order[i])
			}
		}
		if want := (n + limit - 1) / limit; pages != want {
			t.Fatalf("limit %d: %d pages, want %d", limit, pages, want)
		}
	}
	// Offset pagination through raw HTTP, with a filter.
	seen := map[string]bool{}
	for off := 0; ; off += 50 {
		var l unet.List[unet.Node]
		ts.send(t, "GET", "/api/v1/nodes?vendor=cisco&limit=50&offset="+strconv.Itoa(off), nil).decode(t, &l)
		for _, it := range l.Items {
			if seen[it.Name] {
				t.Fatalf("offset %d: %s twice", off, it.Name)
			}
			seen[it.Name] = true
		}
		if len(l.Items) < 50 {
			break
		}
	}
	if len(seen) != n {
		t.Fatalf("offset walk saw %d of %d", len(seen), n)
	}
	// Links and changes paginate the same way.
	links, err := c.ListLinks(ctx, unet.LinkFilter{Page: unet.Page{Limit: 100}})
	if err != nil || links.Total != n-1 || links.Next == "" {
		t.Fatalf("links page: %v %+v", err, links)
	}
}

// TestMaxInFlight holds the only slot with a request whose body is still
// arriving: API requests wait for it, health probes do not.
func TestMaxInFlight(t *testing.T) {
	ts := startServer(t, httpapi.Options{MaxInFlight: 1})
	pr, pw := io.Pipe()
	first := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/vendors", pr)
		req.Header.Set("Content-Type", "application/json")
		resp, err := ts.Client().Do(req)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	if _, err := pw.Write([]byte(`{"name":`)); err != nil {
		t.Fatal(err)
	}
	// Once the first request's handler holds the slot, other API requests wait.
	blocked := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !blocked; {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/v1/nodes", nil)
		resp, err := ts.Client().Do(req)
		cancel()
		if err != nil {
			blocked = true
			break
		}
		resp.Body.Close()
		time.Sleep(20 * time.Millisecond)
	}
	if !blocked {
		t.Fatal("API requests were still served while the only slot was taken")
	}
	if a := ts.send(t, "GET", "/healthz", nil); a.status != 200 {
		t.Fatalf("healthz while saturated: %d", a.status)
	}
	pw.Write([]byte(`"acme"}`))
	pw.Close()
	if code := <-first; code != http.StatusCreated {
		t.Fatalf("first request: %d", code)
	}
	if a := ts.send(t, "GET", "/api/v1/nodes", nil); a.status != 200 {
		t.Fatalf("after the slot is free: %d", a.status)
	}
}
