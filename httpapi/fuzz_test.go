package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/unet-dev/unet/httpapi"
)

// FuzzRequestBodies sends arbitrary bytes as the bodies of the JSON routes:
// the server must never fail with 5xx or panic, and every refusal must be a
// problem document.
func FuzzRequestBodies(f *testing.F) {
	for _, seed := range []string{
		`{"name":"leaf1","vendor":"arista"}`, `{"name":"x","vendor":"cisco","custom_data":{"a":[1,{"b":null}]}}`,
		`{"role":"leaf"}`, `{"custom_data":null}`, `{"vendors":[{"name":"v"}],"nodes":[{"name":"n","vendor":"v"}]}`,
		`{`, `[]`, `null`, `"x"`, `{"tags":[1]}`, `{"name":"` + string([]byte{0xff}) + `"}`, `{} {}`, ``,
	} {
		f.Add([]byte(seed), uint8(0))
	}
	ts := startServer(f, httpapi.Options{MaxBodyBytes: 64 << 10,
		Transport: httpapi.TransportOptions{AllowedHosts: []string{"example.com"}}}) // httptest.NewRequest's Host
	h := ts.api.Handler()
	// A node to patch.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, jsonRequest("POST", "/api/v1/nodes", []byte(`{"name":"target","vendor":"cisco"}`)))
	if rec.Code != http.StatusCreated {
		f.Fatalf("seed node: %d %s", rec.Code, rec.Body)
	}
	routes := []struct{ method, path string }{
		{"POST", "/api/v1/nodes"}, {"PATCH", "/api/v1/nodes/target"}, {"POST", "/api/v1/locations"},
		{"POST", "/api/v1/links"}, {"POST", "/api/v1/vendors"}, {"POST", "/api/v1/import?dry_run=true"},
	}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		r := routes[int(which)%len(routes)]
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, jsonRequest(r.method, r.path, body))
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", r.method, r.path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var p httpapi.Problem
			if rec.Header().Get("Content-Type") != httpapi.ProblemContentType || json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Code == "" {
				t.Fatalf("%s %s %q: %d without a problem document: %s", r.method, r.path, body, rec.Code, rec.Body)
			}
		}
	})
}

func jsonRequest(method, path string, body []byte) *http.Request {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}
