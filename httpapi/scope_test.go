package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/sqlstore"
)

// TestScopedGrantsOverHTTP: an engineer scoped to EMEA and an unscoped
// viewer, each with an API token, through the real server in auth mode
// local: lists, totals and exports agree and hold only EMEA; an APAC node
// is not found; writes outside the scope, before or after the change, are
// 403 naming the scope.
func TestScopedGrantsOverHTTP(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			s := startLocalServer(t, engine)
			ctx := unet.WithActor(context.Background(), "setup")
			for _, l := range []unet.Location{{Name: "EMEA", Type: "region"}, {Name: "LON", Type: "site", ParentID: "EMEA"},
				{Name: "APAC", Type: "region"}, {Name: "SIN", Type: "site", ParentID: "APAC"}} {
				if _, err := s.svc.CreateLocation(ctx, &l, unet.WriteOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			for _, n := range []unet.Node{{Name: "lon1", Vendor: "arista", LocationID: "EMEA/LON"},
				{Name: "lon2", Vendor: "arista", LocationID: "EMEA/LON"}, {Name: "sin1", Vendor: "arista", LocationID: "APAC/SIN"}} {
				if _, err := s.svc.CreateNode(ctx, &n, unet.WriteOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			const scope = `location.path MATCHES "^EMEA/"`
			eng := s.userToken(t, "erin", nil, unet.TokenRequest{})
			if _, err := s.svc.GrantRole(ctx, "erin", unet.Grant{Role: unet.RoleEngineer, Scope: scope}); err != nil {
				t.Fatal(err)
			}
			view := s.userToken(t, "vic", []string{"viewer"}, unet.TokenRequest{})

			var list unet.List[unet.Node]
			resp, b := s.call(t, http.MethodGet, "/api/v1/nodes?limit=1", eng.Token, "")
			if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &list) != nil || list.Total != 2 || len(list.Items) != 1 || list.Next == "" {
				t.Fatalf("scoped list: %d %s", resp.StatusCode, b)
			}
			resp, b = s.call(t, http.MethodGet, "/api/v1/nodes?limit=1&cursor="+list.Next, eng.Token, "")
			list = unet.List[unet.Node]{}
			if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &list) != nil || list.Total != 2 || len(list.Items) != 1 ||
				list.Items[0].Name != "lon2" || list.Next != "" {
				t.Fatalf("scoped list, page 2: %d %s", resp.StatusCode, b)
			}
			resp, b = s.call(t, http.MethodGet, "/api/v1/nodes", view.Token, "")
			if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &list) != nil || list.Total != 3 {
				t.Fatalf("unscoped list: %d %s", resp.StatusCode, b)
			}
			var bundle unet.Bundle
			resp, b = s.call(t, http.MethodGet, "/api/v1/export", eng.Token, "")
			if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &bundle) != nil || len(bundle.Nodes) != 2 || len(bundle.Locations) != 1 {
				t.Fatalf("scoped export: %d %s", resp.StatusCode, b)
			}

			if resp, b := s.call(t, http.MethodGet, "/api/v1/nodes/sin1", eng.Token, ""); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("out-of-scope get: %d %s", resp.StatusCode, b)
			}
			if resp, b := s.call(t, http.MethodGet, "/api/v1/nodes/sin1", view.Token, ""); resp.StatusCode != http.StatusOK {
				t.Fatalf("unscoped get: %d %s", resp.StatusCode, b)
			}
			forbidden := func(what, method, path, body string) {
				t.Helper()
				resp, b := s.call(t, method, path, eng.Token, body)
				if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), `^EMEA/`) {
					t.Fatalf("%s: %d %s", what, resp.StatusCode, b)
				}
			}
			forbidden("write before", http.MethodPatch, "/api/v1/nodes/sin1", `{"model":"x"}`)
			forbidden("write after", http.MethodPatch, "/api/v1/nodes/lon1", `{"location":"APAC/SIN"}`)
			forbidden("import", http.MethodPost, "/api/v1/import",
				`{"nodes":[{"name":"lon9","vendor":"arista","location":"EMEA/LON"},{"name":"sin9","vendor":"arista","location":"APAC/SIN"}]}`)
			if resp, b := s.call(t, http.MethodPatch, "/api/v1/nodes/lon1", eng.Token, `{"model":"x"}`); resp.StatusCode != http.StatusOK {
				t.Fatalf("write in scope: %d %s", resp.StatusCode, b)
			}
			if _, err := s.svc.GetNode(ctx, "lon9"); unet.ErrorCode(err) != unet.ENOTFOUND {
				t.Fatalf("the refused import wrote lon9: %v", err)
			}
			// The refusals are in the audit log as denials.
			denied, err := s.svc.ListAudit(ctx, unet.AuditFilter{Actor: "erin", Outcome: unet.OutcomeDenied})
			if err != nil || denied.Total != 3 {
				t.Fatalf("audit denials: %+v %v", denied, err)
			}
		})
	}
}
