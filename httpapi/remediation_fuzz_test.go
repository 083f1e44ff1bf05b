package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/unet-dev/unet/httpapi"
)

// FuzzRemediateRequest sends remediate and predict requests built from
// arbitrary configurations, rule tables and match expressions: the server
// must never fail with 5xx or panic, and every refusal must be a problem
// document naming what is wrong.
func FuzzRemediateRequest(f *testing.F) {
	f.Add(remRunning, remIntended, "", "router bgp .*||.*", uint8(0), false)
	f.Add(remRunning, remIntended, "[[negate_with]]\nmatch = [{ startswith = \"ntp server\" }]\nuse = \"no ntp\"\n", "", uint8(0), true)
	f.Add("system {\n    host-name a;\n}\n", "system {\n    host-name b;\n    ntp {\n        server 192.0.2.1;\n    }\n}\n", "", "system||ntp", uint8(4), false)
	f.Add("set system host-name a\n", "set system host-name b\ndelete system ntp\n", "indent = -1\n", "", uint8(5), true)
	f.Add("banner motd ^C\nx\n", "interface (", "[x", "a||(", uint8(1), false)
	f.Add("router bgp 1\n address-family ipv4\n  neighbor 1.1.1.1 activate\n", "ip access-list extended A\n 10 permit ip any any\n", "dialect = 3", "*", uint8(3), false)
	ts := startServer(f, httpapi.Options{MaxEngineTextBytes: 64 << 10,
		Transport: httpapi.TransportOptions{AllowedHosts: []string{"example.com"}}}) // httptest.NewRequest's Host
	h := ts.api.Handler()
	dialects := []string{"ios", "nxos", "eos", "iosxr", "junos", "junos-set", "auto", "", "flat", "vyos"}
	f.Fuzz(func(t *testing.T, running, intended, rules, match string, dialect uint8, rollback bool) {
		d := dialects[int(dialect)%len(dialects)]
		var matches []string
		if match != "" {
			matches = []string{match}
		}
		for _, call := range []struct {
			path string
			body any
		}{
			{"/api/v1/config/remediate", map[string]any{"running": running, "intended": intended, "dialect": d, "rollback": rollback, "match": matches, "rules": rules}},
			{"/api/v1/config/predict", map[string]any{"running": running, "commands": intended, "dialect": d, "rules": rules}},
		} {
			body, err := json.Marshal(call.body)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, jsonRequest(http.MethodPost, call.path, body))
			if rec.Code >= 500 {
				t.Fatalf("%s %s: %d %s", call.path, body, rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				var p httpapi.Problem
				if rec.Header().Get("Content-Type") != httpapi.ProblemContentType || json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Code == "" {
					t.Fatalf("%s %s: %d without a problem document: %s", call.path, body, rec.Code, rec.Body)
				}
				if rec.Code == http.StatusUnprocessableEntity && len(p.Errors) == 0 {
					t.Fatalf("%s %s: 422 naming no field: %s", call.path, body, rec.Body)
				}
			}
		}
	})
}
