package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/unet-dev/unet/httpapi"
)

// Every string field of SNMP profiles and Git sources is bounded and refuses
// control characters: 422 naming the field, without echoing the value, and
// nothing is stored.
func TestSourceFieldLimitsThroughAPI(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	esc := "x\x1b[2J"
	long := strings.Repeat("u", 601) + "\x1b"
	git := func(extra map[string]any) map[string]any {
		b := map[string]any{"name": "g1", "url": "https://git.example.net/x.git"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	v3 := func(extra map[string]any) map[string]any {
		b := map[string]any{"name": "p1", "version": "3", "user": "ops", "auth_proto": "sha", "auth_key_ref": "env:UNET_SNMP_AUTH"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	for _, tt := range []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"/snmp/profiles", v3(map[string]any{"user": long}), "user"},
		{"/snmp/profiles", v3(map[string]any{"user": strings.Repeat("u", 33)}), "user"},
		{"/snmp/profiles", v3(map[string]any{"user": esc}), "user"},
		{"/snmp/profiles", v3(map[string]any{"auth_proto": strings.Repeat("sha", 300)}), "auth_proto"},
		{"/snmp/profiles", v3(map[string]any{"priv_proto": "aes\x1b", "priv_key_ref": "env:UNET_SNMP_PRIV"}), "priv_proto"},
		{"/snmp/profiles", v3(map[string]any{"version": "3\x1b[2J"}), "version"},
		{"/snmp/profiles", v3(map[string]any{"timeout": strings.Repeat("9", 3000)}), "timeout"},
		{"/snmp/profiles", v3(map[string]any{"interval": "5m\x1b"}), "interval"},
		{"/git/sources", git(map[string]any{"url": "https://git.example.net/" + strings.Repeat("a", 3000) + "\x1b[2J"}), "url"},
		{"/git/sources", git(map[string]any{"url": "https://git.example.net/x\x1b[2J.git"}), "url"},
		{"/git/sources", git(map[string]any{"branch": "main\x1b"}), "branch"},
		{"/git/sources", git(map[string]any{"tag": strings.Repeat("t", 300)}), "tag"},
		{"/git/sources", git(map[string]any{"commit": "zz"}), "commit"},
		{"/git/sources", git(map[string]any{"commit": strings.Repeat("a", 3000)}), "commit"},
		{"/git/sources", git(map[string]any{"branch": "main", "tag": "v1"}), "tag"},
		{"/git/sources", git(map[string]any{"path": "sub\x1bdir"}), "path"},
		{"/git/sources", git(map[string]any{"path": "../out"}), "path"},
		{"/git/sources", git(map[string]any{"policies_dir": "p\x1b"}), "policies_dir"},
		{"/git/sources", git(map[string]any{"templates_dir": strings.Repeat("d/", 600)}), "templates_dir"},
		{"/git/sources", git(map[string]any{"interval": strings.Repeat("5", 100)}), "interval"},
		{"/git/sources", git(map[string]any{"environments": map[string]any{"prod\x1b": "main"}}), "environments"},
		{"/git/sources", git(map[string]any{"environments": map[string]any{"bad name": "main"}}), "environments"},
		{"/git/sources", git(map[string]any{"environments": map[string]any{"prod": "ma in"}}), "environments.prod"},
		{"/git/sources", git(map[string]any{"environments": map[string]any{"prod": "main\x1b"}}), "environments.prod"},
		{"/git/sources", git(map[string]any{"auth": map[string]any{"username": long}}), "auth.username"},
		{"/git/sources", git(map[string]any{"auth": map[string]any{"known_hosts": "git.example.net ssh-ed25519 AAAA\x1b[2J\n"}}), "auth.known_hosts"},
		{"/git/sources", git(map[string]any{"auth": map[string]any{"known_hosts": strings.Repeat("h ssh-ed25519 AAAA\n", 4000)}}), "auth.known_hosts"},
	} {
		a := ts.send(t, http.MethodPost, "/api/v1"+tt.path, tt.body)
		if a.status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s %.80q: status %d, want 422 (%.300s)", tt.path, tt.body[tt.field], a.status, a.body)
			continue
		}
		p := a.problem(t)
		found := false
		for _, f := range p.Errors {
			found = found || f.Field == tt.field
			if f.Field == "" {
				t.Errorf("POST %s: a field error without a field: %s", tt.path, a.body)
			}
		}
		if !found {
			t.Errorf("POST %s: no error for field %s: %.500s", tt.path, tt.field, a.body)
		}
		if strings.Contains(string(a.body), `\u001b[2J`) || len(a.body) > 2000 {
			t.Errorf("POST %s: the answer echoes the value: %.300s", tt.path, a.body)
		}
	}
	for _, list := range []string{"/snmp/profiles", "/git/sources"} {
		if a := ts.send(t, http.MethodGet, "/api/v1"+list, nil); !strings.Contains(string(a.body), `"total":0`) {
			t.Errorf("GET %s after refusals: %s", list, a.body)
		}
	}
	// Limits are not a tax on ordinary values: a multi-line known_hosts and
	// a 32-byte user pass.
	if a := ts.send(t, http.MethodPost, "/api/v1/git/sources", map[string]any{"name": "ok", "url": "ssh://git@git.example.net/x.git",
		"branch": "release/2026", "environments": map[string]any{"prod": "prod"},
		"auth": map[string]any{"known_hosts": "git.example.net ssh-ed25519 AAAAC3Nza\ngit2.example.net ssh-ed25519 AAAAC3Nzb\n"}}); a.status != http.StatusCreated {
		t.Errorf("valid Git source: %d %s", a.status, a.body)
	}
	if a := ts.send(t, http.MethodPost, "/api/v1/snmp/profiles", v3(map[string]any{"user": strings.Repeat("u", 32)})); a.status != http.StatusCreated {
		t.Errorf("valid SNMP profile: %d %s", a.status, a.body)
	}
}
