package webui_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/examples"
	"github.com/unet-dev/unet/inventoryfile"
)

// adminCtx is a context with every permission, as the CLI's local user.
func adminCtx() context.Context {
	ctx := unet.WithActor(context.Background(), "admin")
	return unet.WithPrincipal(ctx, &unet.Principal{User: "admin", Method: unet.AuthMethodNone, Permissions: unet.GrantablePermissions()})
}

// loadDemo imports the demo inventory of package examples into the server,
// marks its database as the demo's (so the demo policies and templates
// apply) and stores a policy evaluation.
func loadDemo(t testing.TB, s *uiServer) {
	t.Helper()
	fsys := examples.Inventory()
	order := map[string]int{}
	for i, k := range inventoryfile.Kinds {
		order[k+".yaml"] = i
	}
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
	b := &unet.Bundle{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			t.Fatal(err)
		}
		if errs := inventoryfile.Decode(path.Join("examples/inventory", n), data, b); len(errs) > 0 {
			t.Fatalf("demo inventory: %v", errs)
		}
	}
	ctx := adminCtx()
	if _, err := s.svc.Import(ctx, b, unet.ImportOptions{Reason: "demo dataset"}); err != nil {
		t.Fatal(err)
	}
	if err := s.svc.MarkDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.EvaluatePolicies(ctx, unet.PolicyEvalRequest{Store: true}); err != nil {
		t.Fatal(err)
	}
}

// demoRunning is a running configuration of the demo (examples/running).
func demoRunning(t testing.TB, node string) string {
	t.Helper()
	b, err := fs.ReadFile(examples.Running(), node+".cfg")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// postForm posts form fields, url-encoded.
func (s *uiServer) postForm(t testing.TB, p string, v url.Values) page {
	t.Helper()
	return s.do(t, p, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

// postFile posts a multipart form with fields and one file.
func (s *uiServer) postFile(t testing.TB, p string, fields map[string]string, field, file string, data []byte) page {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile(field, file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return s.do(t, p, mw.FormDataContentType(), &body)
}

func (s *uiServer) do(t testing.TB, p, contentType string, body io.Reader) page {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+p, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	// The form's page is the one the form posts below.
	req.Header.Set("X-CSRF-Token", s.csrfToken(t, path.Dir(p)))
	return readPage(t, s.tab, req)
}
