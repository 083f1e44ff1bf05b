package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/unet-dev/unet/httpapi"
)

func loadDoc(t *testing.T, ts *testServer) *openapi3.T {
	t.Helper()
	a := ts.send(t, "GET", "/api/v1/openapi.json", nil)
	if a.status != 200 || !bytes.Equal(a.body, ts.api.OpenAPI()) {
		t.Fatalf("served document differs from the built one (status %d)", a.status)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(a.body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid OpenAPI 3: %v", err)
	}
	return doc
}

func TestOpenAPIIsValidAndMatchesRoutes(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	doc := loadDoc(t, ts)
	routes := map[string]httpapi.Route{}
	for _, r := range ts.api.Routes() {
		key := r.Method + " " + r.Path
		routes[key] = r
		item := doc.Paths.Value(r.Path)
		if item == nil {
			t.Errorf("route %s is missing from the OpenAPI document", key)
			continue
		}
		op := item.GetOperation(r.Method)
		if op == nil {
			t.Errorf("route %s is missing from the OpenAPI document", key)
			continue
		}
		if op.Extensions["x-permission"] != string(r.Permission) {
			t.Errorf("route %s: x-permission %v, want %s", key, op.Extensions["x-permission"], r.Permission)
		}
		for _, p := range r.PathParams {
			if !strings.Contains(r.Path, "{"+p.Name+"}") {
				t.Errorf("route %s documents path parameter %s it does not have", key, p.Name)
			}
		}
	}
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			key := method + " " + path
			documented = append(documented, key)
			if _, ok := routes[key]; !ok {
				t.Errorf("OpenAPI operation %s has no route", key)
			}
		}
	}
	if len(documented) != len(routes) {
		sort.Strings(documented)
		t.Errorf("%d documented operations, %d routes: %v", len(documented), len(routes), documented)
	}
}

// TestAnswersMatchOpenAPI validates real requests and answers of the server
// against the document with kin-openapi's validator.
func TestAnswersMatchOpenAPI(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	doc := loadDoc(t, ts)
	doc.Servers = openapi3.Servers{{URL: ts.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	check := func(method, path, body string, headers ...string) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s: no documented route: %v", method, path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		req.Body = io.NopCloser(strings.NewReader(body))
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Errorf("%s %s: request does not match the document: %v", method, path, err)
		}
		req.Body = io.NopCloser(strings.NewReader(body))
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
			Header: resp.Header, Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(data)
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("%s %s -> %d: answer does not match the document: %v\n%s", method, path, resp.StatusCode, err, data)
		}
	}
	check("GET", "/healthz", "")
	check("GET", "/readyz", "")
	check("GET", "/api/v1/vendors", "")
	check("POST", "/api/v1/vendors", `{"name":"mikrotik","display_name":"MikroTik"}`)
	check("POST", "/api/v1/locations", `{"name":"Europe","type":"region"}`)
	check("POST", "/api/v1/locations", `{"name":"London","type":"site","parent_id":"Europe","custom_data":{"floor":3}}`)
	check("GET", "/api/v1/locations/Europe%2FLondon", "")
	check("GET", "/api/v1/locations?parent=Europe&limit=10", "")
	check("POST", "/api/v1/nodes?reason=r", `{"name":"lon-core-01","vendor":"cisco","platform":"iosxe","mgmt_ip":"10.0.0.1","location_id":"Europe/London","tags":["core"]}`)
	check("POST", "/api/v1/nodes", `{"name":"lon-core-02","vendor":"cisco"}`)
	check("POST", "/api/v1/nodes", `{"name":"bad name","vendor":"nope"}`)
	check("GET", "/api/v1/nodes?vendor=cisco&limit=1", "")
	check("GET", "/api/v1/nodes/lon-core-01", "")
	check("PATCH", "/api/v1/nodes/lon-core-01", `{"custom_data":{"owner":"noc"}}`, "If-Match", `"1"`)
	check("PATCH", "/api/v1/nodes/lon-core-01", `{"role":"core"}`, "If-Match", `"1"`)
	check("POST", "/api/v1/links", `{"a_node_id":"lon-core-01","a_interface":"Gi0/0/1","z_node_id":"lon-core-02","z_interface":"Gi0/0/1","role":"backbone","bandwidth_bps":10000000000}`)
	check("GET", "/api/v1/links?node=lon-core-01", "")
	check("GET", "/api/v1/links/lon-core-01:Gi0%2F0%2F1", "")
	check("PATCH", "/api/v1/links/lon-core-01:Gi0%2F0%2F1", `{"description":"core pair"}`)
	check("DELETE", "/api/v1/nodes/lon-core-01", "")
	check("DELETE", "/api/v1/nodes/lon-core-01?cascade=true", "")
	check("GET", "/api/v1/changes?limit=5", "")
	check("GET", "/api/v1/changes?object=node/lon-core-01", "")
	check("GET", "/api/v1/export", "")
	check("POST", "/api/v1/import?dry_run=true", `{"vendors":[{"name":"zte"}],"nodes":[{"name":"n1","vendor":"zte"}]}`)
	check("POST", "/api/v1/import", `{"nodes":[{"name":"n1","vendor":"unknown-vendor","source":{"file":"nodes.json","record":1}}]}`)
	check("GET", "/api/v1/nodes/ghost", "")
	check("GET", "/api/v1/nodes?vendor=cisco&role=core&platform=iosxe&location=Europe&lifecycle=planned&tag=core&limit=5&offset=0", "", httpapi.ActorHeader, "alice")
	check("GET", "/api/v1/changes?since=2020-01-01T00:00:00Z&actor=alice", "")
	check("GET", "/api/v1/changes/00000000-0000-0000-0000-000000000000", "")
	check("DELETE", "/api/v1/locations/Europe", "")
}

// TestOpenAPISecurityFollowsPermissions walks the whole route table: a public
// route's operation declares empty security, every other one accepts exactly
// the three schemes and documents 401 and 403; every operation names its
// permission and documents 429. New routes are covered as they are added.
func TestOpenAPISecurityFollowsPermissions(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	doc := loadDoc(t, ts)
	if len(doc.Servers) == 0 {
		t.Error("the document declares no servers")
	}
	checkAnyScheme(t, "the document", doc.Security)
	public := 0
	for _, r := range ts.api.Routes() {
		key := r.Method + " " + r.Path
		op := doc.Paths.Value(r.Path).GetOperation(r.Method)
		if op == nil {
			t.Errorf("route %s is missing from the document", key)
			continue
		}
		if op.Extensions["x-permission"] != string(r.Permission) {
			t.Errorf("%s: x-permission %v, want %s", key, op.Extensions["x-permission"], r.Permission)
		}
		if op.Responses.Value("429") == nil {
			t.Errorf("%s: no 429 answer documented", key)
		}
		if probe := r.Path == "/livez" || r.Path == "/healthz" || r.Path == "/readyz"; (op.Responses.Value("421") == nil) != probe {
			t.Errorf("%s: 421 (Host not allowed) documented: %v, want %v", key, op.Responses.Value("421") != nil, !probe)
		}
		if (op.Responses.Value("415") != nil) != (r.Body != nil) {
			t.Errorf("%s: 415 (body not JSON) documented: %v, want %v", key, op.Responses.Value("415") != nil, r.Body != nil)
		}
		if op.Security == nil {
			t.Errorf("%s declares no security of its own", key)
			continue
		}
		if r.Permission == httpapi.PermPublic {
			public++
			if len(*op.Security) != 0 {
				t.Errorf("public route %s requires credentials: %v", key, *op.Security)
			}
			continue
		}
		checkAnyScheme(t, key, *op.Security)
		if !strings.Contains(op.Description, "`"+string(r.Permission)+"`") {
			t.Errorf("%s: the description does not name the permission %s: %q", key, r.Permission, op.Description)
		}
		for _, st := range []string{"401", "403"} {
			if op.Responses.Value(st) == nil {
				t.Errorf("%s: no %s answer documented", key, st)
			}
		}
	}
	if public == 0 {
		t.Error("no public route: the health probes should be")
	}
}

// checkAnyScheme requires the security requirements to be the alternatives
// bearerJWT, apiToken and oidc, each alone and without scopes.
func checkAnyScheme(t *testing.T, what string, reqs openapi3.SecurityRequirements) {
	t.Helper()
	var got []string
	for _, req := range reqs {
		if len(req) != 1 {
			t.Errorf("%s: a security requirement combines %d schemes: %v", what, len(req), req)
		}
		for name, scopes := range req {
			if len(scopes) != 0 {
				t.Errorf("%s: scheme %s requires scopes %v", what, name, scopes)
			}
			got = append(got, name)
		}
	}
	want := httpapi.SecuritySchemes()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s accepts schemes %v, want %v", what, got, want)
	}
}

// oidcAuthorizer names an OpenID Connect issuer, as the oidc auth mode does.
type oidcAuthorizer struct {
	httpapi.NoAuth
	issuer string
}

func (a oidcAuthorizer) OIDCIssuer() string { return a.issuer }

func TestOpenAPISecuritySchemes(t *testing.T) {
	for _, tc := range []struct {
		name string
		auth httpapi.Authorizer
		want string
	}{
		{"no issuer", httpapi.NoAuth{}, httpapi.PlaceholderOIDCDiscoveryURL},
		{"issuer", oidcAuthorizer{issuer: "https://sso.example.net/realms/noc"},
			"https://sso.example.net/realms/noc/.well-known/openid-configuration"},
		{"issuer with slash", oidcAuthorizer{issuer: "https://sso.example.net/"},
			"https://sso.example.net/.well-known/openid-configuration"},
		{"not a URL", oidcAuthorizer{issuer: "sso.example.net"}, httpapi.PlaceholderOIDCDiscoveryURL},
		{"with a query", oidcAuthorizer{issuer: "https://sso.example.net/?x=1"}, httpapi.PlaceholderOIDCDiscoveryURL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := startServer(t, httpapi.Options{Authorizer: tc.auth})
			schemes := loadDoc(t, ts).Components.SecuritySchemes
			if len(schemes) != 3 {
				t.Fatalf("%d security schemes, want 3: %v", len(schemes), schemes)
			}
			jwt, tok, oidc := schemes[httpapi.SchemeBearerJWT].Value, schemes[httpapi.SchemeAPIToken].Value,
				schemes[httpapi.SchemeOIDC].Value
			if jwt.Type != "http" || jwt.Scheme != "bearer" || jwt.BearerFormat != "JWT" {
				t.Errorf("bearerJWT = %+v", jwt)
			}
			if tok.Type != "http" || tok.Scheme != "bearer" || !strings.Contains(tok.Description, "unet_<id>_<secret>") {
				t.Errorf("apiToken = %+v", tok)
			}
			if oidc.Type != "openIdConnect" || oidc.OpenIdConnectUrl != tc.want {
				t.Errorf("oidc = %s %s, want openIdConnect %s", oidc.Type, oidc.OpenIdConnectUrl, tc.want)
			}
		})
	}
}

// TestOpenAPINullableHasType checks what OpenAPI 3.0 linters require of
// every schema: "nullable" only beside a "type".
func TestOpenAPINullableHasType(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	var doc any
	if err := json.Unmarshal(ts.api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if _, ok := v["nullable"]; ok {
				if _, ok := v["type"]; !ok {
					t.Errorf("%s: nullable without type", path)
				}
			}
			for k, e := range v {
				walk(path+"/"+k, e)
			}
		case []any:
			for i, e := range v {
				walk(path+"/"+strconv.Itoa(i), e)
			}
		}
	}
	walk("#", doc)
}

// TestOpenAPIDocumentFile checks the document the lint script writes with
// UNET_HTTPAPI_OPENAPI_OUT: the test binary run with it writes the file and
// exits.
func TestOpenAPIDocumentFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "openapi.json")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "UNET_HTTPAPI_OPENAPI_OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("dump: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, httpapi.Options{})
	if !bytes.Equal(got, ts.api.OpenAPI()) {
		t.Error("the written document differs from the served one")
	}
}
