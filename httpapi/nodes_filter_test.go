package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// filterServer is a server over a fresh database of engine with 12 nodes
// and stored policy results: juniper nodes fail, arista leaves pass, the
// others have no result.
func filterServer(t *testing.T, engine string) (*testServer, *service.Service) {
	t.Helper()
	ctx := unet.WithActor(context.Background(), "tester")
	dbURL, file := engineURL(t, engine)
	db, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	api, err := httpapi.New(svc, httpapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(func() {
		hs.Close()
		db.Close()
	})
	vendors := []string{"arista", "cisco", "juniper"}
	for i := range 12 {
		n := &unet.Node{Name: fmt.Sprintf("n%02d", i), Domain: "example.net", Vendor: vendors[i%3],
			Role: []string{"leaf", "spine"}[i%2], MgmtIP: fmt.Sprintf("192.0.2.%d", 200-i),
			SerialNumber: fmt.Sprintf("SER-%02d", i), Environment: []string{"production", "lab"}[i%2]}
		if i == 7 {
			n.Model = "Special-Box"
		}
		if _, err := svc.CreateNode(ctx, n, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	rules := `RULE "no-juniper" SEVERITY high
WHEN node.vendor == "juniper"
THEN ASSERT node.role == "none"
RULE "arista-ok" SEVERITY low
WHEN node.vendor == "arista" AND node.role == "leaf"
THEN ASSERT node.vendor == "arista"
`
	if _, err := svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Files: []unet.PolicyFile{{Name: "t.rules", Content: rules}},
		Source: "test", Store: true}); err != nil {
		t.Fatal(err)
	}
	return &testServer{Server: hs, api: api, db: db, svc: svc, file: file}, svc
}

// TestNodeListFilterParameters: GET /api/v1/nodes takes environment,
// search, compliance and sort, alone and with the older filters and the
// pages; the client sends them, so a remote list is the local one; a bad
// compliance or sort is a 400 naming the parameter.
func TestNodeListFilterParameters(t *testing.T) {
	for _, engine := range []string{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ts, svc := filterServer(t, engine)
			ctx := unet.WithActor(context.Background(), "tester")
			names := func(query string) []string {
				t.Helper()
				a := ts.send(t, "GET", "/api/v1/nodes?"+query, nil)
				if a.status != 200 {
					t.Fatalf("?%s: %d %s", query, a.status, a.body)
				}
				var l unet.List[unet.Node]
				a.decode(t, &l)
				out := []string{}
				for _, n := range l.Items {
					out = append(out, n.Name)
				}
				return out
			}
			for _, c := range []struct {
				query string
				want  []string
			}{
				{"environment=lab", []string{"n01", "n03", "n05", "n07", "n09", "n11"}},
				{"environment=lab&vendor=cisco", []string{"n01", "n07"}},
				{"environment=staging", []string{}},
				{"search=ser-1", []string{"n10", "n11"}},
				{"search=SPECIAL", []string{"n07"}},
				{"search=192.0.2.199", []string{"n01"}},
				{"search=" + url.QueryEscape("100%"), []string{}},
				{"compliance=fail", []string{"n02", "n05", "n08", "n11"}},
				{"compliance=pass", []string{"n00", "n06"}},
				{"compliance=error", []string{}},
				{"compliance=none&role=leaf", []string{"n04", "n10"}},
				{"sort=mgmt_ip&limit=3", []string{"n11", "n10", "n09"}},
				{"sort=-fqdn&limit=2&offset=1", []string{"n10", "n09"}},
				{"sort=-mgmt_ip&compliance=none&environment=production", []string{"n04", "n10"}},
				{"compliance=fail&sort=-fqdn&search=ser-&environment=lab", []string{"n11", "n05"}},
			} {
				if got := names(c.query); !slices.Equal(got, c.want) {
					t.Errorf("?%s = %v, want %v", c.query, got, c.want)
				}
			}

			// The client sends every field: its pages are the service's,
			// cursor walks included.
			c := ts.client(t, "tester")
			for _, f := range []unet.NodeFilter{
				{Environment: "lab"}, {Search: "ser-0"}, {Compliance: unet.ComplianceNone}, {Sort: "-mgmt_ip"},
				{Environment: "production", Compliance: unet.CompliancePass, Sort: "-name", Search: "ser"},
			} {
				var remote, local []string
				for _, list := range []struct {
					out  *[]string
					list func(context.Context, unet.NodeFilter) (*unet.List[unet.Node], error)
				}{{&remote, c.ListNodes}, {&local, svc.ListNodes}} {
					g := f
					g.Limit = 2
					for {
						l, err := list.list(ctx, g)
						if err != nil {
							t.Fatalf("%+v: %v", f, err)
						}
						for _, n := range l.Items {
							*list.out = append(*list.out, n.Name)
						}
						if g.Cursor = l.Next; g.Cursor == "" {
							break
						}
					}
				}
				if len(local) == 0 || !slices.Equal(remote, local) {
					t.Errorf("%+v: remote %v, local %v", f, remote, local)
				}
			}
			if got := names("sort=-mgmt_ip"); !slices.Equal(got, []string{"n00", "n01", "n02", "n03", "n04", "n05", "n06", "n07", "n08", "n09", "n10", "n11"}) {
				t.Errorf("descending by address = %v", got)
			}

			// Bad values: 400, the parameter as the field, over HTTP and
			// through the client.
			for _, bad := range []struct{ query, field string }{
				{"compliance=green", "compliance"},
				{"compliance=FAIL", "compliance"},
				{"sort=custom_data", "sort"},
				{"sort=-", "sort"},
				{"sort=--fqdn", "sort"},
				{"sort=fqdn&compliance=nope", "compliance"},
			} {
				a := ts.send(t, "GET", "/api/v1/nodes?"+bad.query, nil)
				if a.status != 400 {
					t.Errorf("?%s: %d, want 400 (%s)", bad.query, a.status, a.body)
					continue
				}
				p := a.problem(t)
				if p.Code != unet.EINVALID || len(p.Errors) != 1 || p.Errors[0].Field != bad.field || p.Detail == "" {
					t.Errorf("?%s: problem %+v", bad.query, p)
				}
			}
			_, err := c.ListNodes(ctx, unet.NodeFilter{Sort: "colour"})
			var ue *unet.Error
			if !errors.As(err, &ue) || ue.Code != unet.EINVALID || len(ue.Fields) != 1 || ue.Fields[0].Field != "sort" {
				t.Errorf("client with a bad sort: %v", err)
			}
		})
	}
}

// TestNodeListFilterParametersDocumented: the OpenAPI document lists the
// node list's new parameters, with the accepted values of compliance and
// sort.
func TestNodeListFilterParametersDocumented(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	doc := loadDoc(t, ts)
	op := doc.Paths.Value("/api/v1/nodes").Get
	params := map[string][]any{}
	for _, p := range op.Parameters {
		if p.Value.In == "query" {
			params[p.Value.Name] = p.Value.Schema.Value.Enum
		}
	}
	for _, name := range []string{"vendor", "environment", "search", "compliance", "sort", "limit", "cursor"} {
		if _, ok := params[name]; !ok {
			t.Errorf("listNodes lacks the query parameter %s", name)
		}
	}
	if got := params["compliance"]; len(got) != len(unet.NodeCompliances) || got[0] != unet.ComplianceFail {
		t.Errorf("compliance enum = %v", got)
	}
	if got := params["sort"]; len(got) != 2*len(unet.NodeSortKeys) || !slices.Contains(got, any("-mgmt_ip")) {
		t.Errorf("sort enum = %v", got)
	}
	if got := params["search"]; got != nil {
		t.Errorf("search has an enum: %v", got)
	}
}
