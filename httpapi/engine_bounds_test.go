package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
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
