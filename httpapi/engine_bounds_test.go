package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/inventoryfile"
)

// evalBody is an evaluate request with a rule file of n SET lines.
func evalBody(n int) map[string]any {
	var b strings.Builder
	b.WriteString("RULE \"many-sets\" SEVERITY info\nWHEN node.name IS NOT NULL\nTHEN {\n")
	for i := range n {
		sep := ";"
		if i == n-1 {
			sep = ""
		}
		b.WriteString("  SET custom_data.k" + strconv.Itoa(i) + " TO \"value\"" + sep + "\n")
	}
	b.WriteString("}\n")
	return map[string]any{"files": []map[string]string{{"name": "many.rules", "content": b.String()}}}
}

// TestEngineConcurrencyLimit holds MaxEngineConcurrency evaluate requests in
// the middle of their bodies: every engine route then answers 503 with
// Retry-After at once; when they end, engine requests are served again.
func TestEngineConcurrencyLimit(t *testing.T) {
	ts := demoServerWith(t, httpapi.Options{MaxEngineConcurrency: 2})
	small := evalBody(1)
	var a answer
	// The probe takes a slot only for an instant: its body is not JSON.
	held := holdSlots(t, ts, 2, "/api/v1/policies/evaluate", `{"files":`, nil, func() bool {
		return ts.send(t, http.MethodPost, "/api/v1/policies/validate", "{").status == http.StatusServiceUnavailable
	})
	a = ts.send(t, http.MethodPost, "/api/v1/policies/evaluate", small)
	if p := a.problem(t); a.status != http.StatusServiceUnavailable || p.Code != unet.EUNAVAILABLE ||
		a.header.Get("Retry-After") == "" || !strings.Contains(p.Detail, "max_engine_concurrency") {
		t.Fatalf("evaluate over the limit: %d %v %s", a.status, a.header, a.body)
	}
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{http.MethodPost, "/api/v1/policies/apply", map[string]any{"dry_run": true}},
		{http.MethodPost, "/api/v1/policies/validate", small},
		{http.MethodPost, "/api/v1/templates/validate", nil},
		{http.MethodGet, "/api/v1/nodes/fra-leaf-01/render", nil},
		{http.MethodPost, "/api/v1/nodes/fra-leaf-01/render", map[string]any{}},
		{http.MethodPost, "/api/v1/nodes/fra-leaf-01/diff", map[string]any{"running": "hostname x\n"}},
	} {
		if a := ts.send(t, r.method, r.path, r.body); a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" {
			t.Errorf("%s %s with every engine slot taken: %d %s", r.method, r.path, a.status, a.body)
		}
	}
	// Other routes are not affected.
	if a := ts.send(t, http.MethodGet, "/api/v1/nodes/fra-leaf-01", nil); a.status != http.StatusOK {
		t.Fatalf("node read with every engine slot taken: %d", a.status)
	}
	for _, h := range held {
		if st := h.release(); st != http.StatusBadRequest {
			t.Fatalf("held request: %d, want 400 (its body ended early)", st)
		}
	}
	if a := ts.send(t, http.MethodPost, "/api/v1/policies/evaluate", small); a.status != http.StatusOK {
		t.Fatalf("evaluate after the held requests ended: %d %s", a.status, a.body)
	}
}

// TestEngineRequestTextBounded sends engine requests over MaxEngineTextBytes:
// 413, whether the size is announced or not; under it: served.
func TestEngineRequestTextBounded(t *testing.T) {
	ts := demoServerWith(t, httpapi.Options{MaxEngineTextBytes: 64 << 10})
	big := evalBody(3000) // about 100 KB of rules
	for _, path := range []string{"/api/v1/policies/evaluate", "/api/v1/policies/validate"} {
		a := ts.send(t, http.MethodPost, path, big)
		if p := a.problem(t); a.status != http.StatusRequestEntityTooLarge || !strings.Contains(p.Detail, "65536") {
			t.Fatalf("%s with 100 KB of rules: %d %s", path, a.status, a.body)
		}
	}
	a := ts.send(t, http.MethodPost, "/api/v1/nodes/fra-leaf-01/diff", map[string]any{"running": strings.Repeat("interface x\n", 10000)})
	if a.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("diff with a 120 KB running configuration: %d %s", a.status, a.body)
	}
	if a := ts.send(t, http.MethodPost, "/api/v1/policies/evaluate", evalBody(500)); a.status != http.StatusOK {
		t.Fatalf("evaluate with 17 KB of rules: %d %s", a.status, a.body)
	}
}

// TestEngineResponseBounded asks for answers larger than
// MaxEngineResponseBytes: 422 with a problem and nothing else; a narrower
// request is answered in full, with its Content-Length.
func TestEngineResponseBounded(t *testing.T) {
	ts := demoServerWith(t, httpapi.Options{MaxEngineResponseBytes: 20000})
	tooLarge := func(what string, a answer) {
		t.Helper()
		if p := a.problem(t); a.status != http.StatusUnprocessableEntity || p.Code != unet.EINVALID ||
			!strings.Contains(p.Detail, "max_engine_response_bytes") {
			t.Fatalf("%s: %d %s", what, a.status, a.body)
		}
	}
	tooLarge("evaluate of every node", ts.send(t, http.MethodPost, "/api/v1/policies/evaluate", evalBody(20)))
	tooLarge("evaluate of one node with 2,000 SETs", ts.send(t, http.MethodPost, "/api/v1/policies/evaluate",
		map[string]any{"files": evalBody(2000)["files"], "nodes": []string{"fra-leaf-01"}}))
	a := ts.send(t, http.MethodPost, "/api/v1/policies/evaluate", map[string]any{"files": evalBody(20)["files"], "nodes": []string{"fra-leaf-01"}})
	var rep unet.PolicyEvalReport
	if a.decode(t, &rep); a.status != http.StatusOK || len(rep.Sets["fra-leaf-01.example.net"])+len(rep.Results) == 0 {
		t.Fatalf("evaluate of one node: %d %s", a.status, a.body)
	}
	if cl := a.header.Get("Content-Length"); cl != strconv.Itoa(len(a.body)) {
		t.Fatalf("Content-Length %s for %d bytes", cl, len(a.body))
	}

	// A rendered configuration over the limit, as JSON and as text.
	ts = demoServerWith(t, httpapi.Options{MaxEngineResponseBytes: 200})
	tooLarge("render", ts.send(t, http.MethodGet, "/api/v1/nodes/fra-leaf-01/render", nil))
	tooLarge("render as text", ts.send(t, http.MethodGet, "/api/v1/nodes/fra-leaf-01/render", nil, "Accept", "text/plain"))
}

// addNodes adds n nodes to the demo inventory of ts (in the demo's first
// location), so that an evaluation has a few hundred objects to go through.
func addNodes(t *testing.T, ts *testServer, n int) {
	t.Helper()
	var y strings.Builder
	for i := range n {
		fmt.Fprintf(&y, "- name: extra-%03d\n  domain: example.net\n  vendor: cisco\n  role: access\n  location: EMEA/London-Campus/Building-1/MDF\n", i)
	}
	b := &unet.Bundle{}
	if errs := inventoryfile.Decode("nodes.yaml", []byte(y.String()), b); len(errs) > 0 {
		t.Fatal(errs)
	}
	if _, err := ts.svc.Import(unet.WithActor(context.Background(), "t"), b, unet.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestEvaluateResultBudget evaluates a rule whose SETs times the nodes exceed
// MaxEngineResults over a few hundred nodes: 422 naming the limit, and the
// evaluation stopped as soon as the budget was spent (the problem says how
// many objects were evaluated: about budget / records per node, not every
// node). Apply counts the same way; a narrower request is served.
func TestEvaluateResultBudget(t *testing.T) {
	const budget, sets = 2000, 50
	ts := demoServerWith(t, httpapi.Options{MaxEngineResults: budget})
	addNodes(t, ts, 250)
	body := evalBody(sets)
	a := ts.send(t, http.MethodPost, "/api/v1/policies/evaluate", body)
	p := a.problem(t)
	if a.status != http.StatusUnprocessableEntity || p.Code != unet.EINVALID || !strings.Contains(p.Detail, "max_engine_results") ||
		!strings.Contains(p.Detail, "narrow the request") {
		t.Fatalf("evaluate over the result budget: %d %s", a.status, a.body)
	}
	var done, total int
	if _, err := fmt.Sscanf(p.Detail[strings.Index(p.Detail, "stopped after"):], "stopped after %d of %d objects", &done, &total); err != nil {
		t.Fatalf("%v: %s", err, p.Detail)
	}
	// Each node makes one result and 50 SET records: the budget is spent
	// after 40 nodes; each worker may finish the node it has started.
	if limit := budget/(sets+1) + 1 + runtime.GOMAXPROCS(0); total < 301 || done > limit {
		t.Fatalf("evaluated %d of %d objects before stopping, want at most %d", done, total, limit)
	}
	a = ts.send(t, http.MethodPost, "/api/v1/policies/apply", map[string]any{"files": body["files"], "dry_run": true})
	if p := a.problem(t); a.status != http.StatusUnprocessableEntity || !strings.Contains(p.Detail, "max_engine_results") {
		t.Fatalf("apply over the result budget: %d %s", a.status, a.body)
	}
	a = ts.send(t, http.MethodPost, "/api/v1/policies/evaluate", map[string]any{"files": body["files"], "nodes": []string{"extra-007"}})
	var rep unet.PolicyEvalReport
	if a.decode(t, &rep); a.status != http.StatusOK || len(rep.Sets["extra-007.example.net"]) != sets {
		t.Fatalf("evaluate of one node under the budget: %d %s", a.status, a.body)
	}
}

// TestNodeEvalUnderEngineLimit holds every engine slot: GET
// /nodes/{ref}?eval=true, which evaluates the node's policies, is refused with
// 503 like the other engine requests, while the plain GET is served.
func TestNodeEvalUnderEngineLimit(t *testing.T) {
	ts := demoServerWith(t, httpapi.Options{MaxEngineConcurrency: 2})
	held := holdSlots(t, ts, 2, "/api/v1/policies/evaluate", `{"files":`, nil, func() bool {
		return ts.send(t, http.MethodPost, "/api/v1/policies/validate", "{").status == http.StatusServiceUnavailable
	})
	a := ts.send(t, http.MethodGet, "/api/v1/nodes/fra-leaf-01?eval=true", nil)
	if p := a.problem(t); a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" ||
		!strings.Contains(p.Detail, "max_engine_concurrency") {
		t.Fatalf("node with eval=true and every engine slot taken: %d %s", a.status, a.body)
	}
	if a := ts.send(t, http.MethodGet, "/api/v1/nodes/fra-leaf-01", nil); a.status != http.StatusOK {
		t.Fatalf("plain node read with every engine slot taken: %d %s", a.status, a.body)
	}
	for _, h := range held {
		h.release()
	}
	if a := ts.send(t, http.MethodGet, "/api/v1/nodes/fra-leaf-01?eval=true", nil); a.status != http.StatusOK {
		t.Fatalf("node with eval=true after the held requests ended: %d %s", a.status, a.body)
	}
}
