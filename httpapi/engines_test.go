package httpapi_test

import (
	"context"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/examples"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/inventoryfile"
	"github.com/unet-dev/unet/templates"
)

// demoServer is a server over the demo inventory with the demo policies and
// templates as its sources.
func demoServer(t *testing.T) *testServer {
	t.Helper()
	return demoServerWith(t, httpapi.Options{})
}

// demoServerWith is demoServer with options o.
func demoServerWith(t *testing.T, o httpapi.Options) *testServer {
	t.Helper()
	ts := startServer(t, o)
	b := &unet.Bundle{}
	for _, name := range []string{"locations.yaml", "nodes.yaml", "links.yaml"} {
		data, err := fs.ReadFile(examples.Inventory(), name)
		if err != nil {
			t.Fatal(err)
		}
		if errs := inventoryfile.Decode(name, data, b); len(errs) > 0 {
			t.Fatal(errs)
		}
	}
	if _, err := ts.svc.Import(unet.WithActor(context.Background(), "t"), b, unet.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ts.svc.SetTemplateEnv(templates.New(examples.Templates(), templates.Options{}))
	ts.svc.SetPolicySource(func(ctx context.Context, _ string) ([]unet.PolicyFile, string, error) {
		var files []unet.PolicyFile
		err := fs.WalkDir(examples.Policies(), ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rules") {
				return err
			}
			data, err := fs.ReadFile(examples.Policies(), p)
			files = append(files, unet.PolicyFile{Name: p, Content: string(data)})
			return err
		})
		return files, "builtin:demo", err
	})
	return ts
}

func TestPolicyRoutes(t *testing.T) {
	ts := demoServer(t)
	// Evaluate with the server's source and store.
	a := ts.send(t, http.MethodPost, "/api/v1/policies/evaluate", map[string]any{"store": true})
	var rep unet.PolicyEvalReport
	a.decode(t, &rep)
	if a.status != 200 || len(rep.Results) == 0 || rep.Changed != len(rep.Results) {
		t.Fatalf("evaluate: %d %d results %d changed", a.status, len(rep.Results), rep.Changed)
	}
	var fails unet.List[unet.PolicyResult]
	ts.send(t, http.MethodGet, "/api/v1/policies/results?status=fail&node=lon-acc-05", nil).decode(t, &fails)
	if fails.Total != 1 || fails.Items[0].Rule != "iosxe-min-version" {
		t.Fatalf("results: %+v", fails)
	}
	var hist unet.List[unet.ComplianceChange]
	ts.send(t, http.MethodGet, "/api/v1/policies/history?node=lon-acc-05&rule=iosxe-min-version", nil).decode(t, &hist)
	if hist.Total != 1 || hist.Items[0].To != "fail" {
		t.Fatalf("history: %+v", hist)
	}
	// Node with its evaluation.
	var n struct {
		Name      string              `json:"name"`
		Results   []unet.PolicyResult `json:"results"`
		Templates []string            `json:"templates"`
	}
	a = ts.send(t, http.MethodGet, "/api/v1/nodes/lon-acc-05?eval=true", nil)
	a.decode(t, &n)
	if n.Name != "lon-acc-05" || len(n.Results) == 0 || len(n.Templates) != 1 || n.Templates[0] != "ios/base.j2" || a.header.Get("ETag") == "" {
		t.Fatalf("node with eval: %+v", n)
	}
	if plain := ts.send(t, http.MethodGet, "/api/v1/nodes/lon-acc-05", nil); strings.Contains(string(plain.body), `"results"`) {
		t.Fatal("results without eval=true")
	}
	if bad := ts.send(t, http.MethodGet, "/api/v1/nodes/lon-acc-05?eval=maybe", nil); bad.status != 400 {
		t.Fatalf("eval=maybe: %d", bad.status)
	}
	// Validate: positioned errors in a 200 report.
	var vr struct {
		Valid  bool              `json:"valid"`
		Errors []unet.FieldError `json:"errors"`
	}
	ts.send(t, http.MethodPost, "/api/v1/policies/validate", map[string]any{"files": []map[string]string{{"name": "x.rules", "content": "WHEN node.vendor == THEN ASSERT node.model IS NULL"}}}).decode(t, &vr)
	if vr.Valid || len(vr.Errors) != 1 || vr.Errors[0].File != "x.rules" || vr.Errors[0].Field != "1:21" {
		t.Fatalf("validate: %+v", vr)
	}
	// Warnings of valid rules come with their position too (a rule that reads
	// only location fields and the short form custom_data is ambiguous).
	var wr struct {
		Valid    bool              `json:"valid"`
		Errors   []unet.FieldError `json:"errors"`
		Warnings []unet.FieldError `json:"warnings"`
	}
	ts.send(t, http.MethodPost, "/api/v1/policies/validate", map[string]any{"files": []map[string]string{{"name": "sites.rules",
		"content": "RULE \"contact\"\nWHEN location.type == \"site\"\nTHEN ASSERT custom_data.contact IS NOT NULL\n"}}}).decode(t, &wr)
	if !wr.Valid || len(wr.Errors) != 0 || len(wr.Warnings) != 1 || wr.Warnings[0].File != "sites.rules" || wr.Warnings[0].Field != "3:13" ||
		!strings.Contains(wr.Warnings[0].Message, "ambiguous") {
		t.Fatalf("validate warnings: %+v", wr)
	}
	// Strict decoding applies to these bodies too.
	if bad := ts.send(t, http.MethodPost, "/api/v1/policies/evaluate", map[string]any{"stor": true}); bad.status != 400 {
		t.Fatalf("unknown field: %d", bad.status)
	}
}

func TestTemplateRoutes(t *testing.T) {
	ts := demoServer(t)
	var list unet.List[unet.TemplateInfo]
	ts.send(t, http.MethodGet, "/api/v1/templates", nil).decode(t, &list)
	if list.Total < 20 {
		t.Fatalf("templates: %d", list.Total)
	}
	var res unet.RenderResult
	ts.send(t, http.MethodGet, "/api/v1/nodes/fra-leaf-01/render", nil).decode(t, &res)
	if len(res.Parts) != 1 || !strings.HasPrefix(res.Parts[0].Output, "hostname fra-leaf-01") {
		t.Fatalf("render: %+v", res)
	}
	text := ts.send(t, http.MethodGet, "/api/v1/nodes/fra-leaf-01/render", nil, "Accept", "text/plain")
	if text.status != 200 || !strings.HasPrefix(text.header.Get("Content-Type"), "text/plain") || string(text.body) != res.Parts[0].Output+"\n" {
		t.Fatalf("text render: %d %q", text.status, text.body)
	}
	running, err := os.ReadFile("../examples/running/lon-dist-01.cfg")
	if err != nil {
		t.Fatal(err)
	}
	var d unet.TemplateDiffResult
	a := ts.send(t, http.MethodPost, "/api/v1/nodes/lon-dist-01/diff", map[string]any{"running": string(running)})
	a.decode(t, &d)
	if a.status != 200 || d.Equal || d.Templates[0].Removed != 3 || d.Templates[0].Added != 2 {
		t.Fatalf("diff: %d %+v", a.status, d)
	}
	if bad := ts.send(t, http.MethodPost, "/api/v1/nodes/lon-dist-01/diff", map[string]any{"running": ""}); bad.status != 422 {
		t.Fatalf("empty running config: %d %s", bad.status, bad.body)
	}
	var vr struct {
		Valid bool `json:"valid"`
	}
	ts.send(t, http.MethodPost, "/api/v1/templates/validate", nil).decode(t, &vr)
	if !vr.Valid {
		t.Fatal("demo templates do not validate")
	}
}

func TestSNMPRoutes(t *testing.T) {
	ts := demoServer(t)
	a := ts.send(t, http.MethodPost, "/api/v1/snmp/profiles", map[string]any{"name": "lab", "version": "2c", "community_ref": "env:UNET_SNMP_X"})
	if a.status != 201 {
		t.Fatalf("create profile: %d %s", a.status, a.body)
	}
	if bad := ts.send(t, http.MethodPost, "/api/v1/snmp/profiles", map[string]any{"name": "p", "version": "2c", "community_ref": "public"}); bad.status != 422 {
		t.Fatalf("plain-text community accepted: %d", bad.status)
	}
	var ps unet.List[unet.SNMPProfile]
	ts.send(t, http.MethodGet, "/api/v1/snmp/profiles", nil).decode(t, &ps)
	if ps.Total != 1 || ps.Items[0].CommunityRef != "env:UNET_SNMP_X" {
		t.Fatalf("profiles: %+v", ps)
	}
	if st := ts.send(t, http.MethodGet, "/api/v1/nodes/lon-acc-01/status", nil); st.status != 404 {
		t.Fatalf("status of a never-polled node: %d", st.status)
	}
	if del := ts.send(t, http.MethodDelete, "/api/v1/snmp/profiles/lab", nil); del.status != 204 {
		t.Fatalf("delete: %d", del.status)
	}
	var drift unet.List[unet.DriftEntry]
	ts.send(t, http.MethodGet, "/api/v1/drift", nil).decode(t, &drift)
	if drift.Total != 0 {
		t.Fatalf("drift: %+v", drift)
	}
}
