package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// TestRequireChangeSetsHTTP: a direct write refused by
// `serve --require-change-sets` answers 409 with the rule in the problem,
// through the API and through the remote client; other environments are
// written.
func TestRequireChangeSetsHTTP(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	ctx := unet.WithActor(context.Background(), "tester")
	if _, err := ts.svc.CreateNode(ctx, &unet.Node{Name: "core1", Domain: "example.net", Vendor: "arista"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.svc.CreateNode(ctx, &unet.Node{Name: "lab1", Domain: "example.net", Vendor: "arista", Environment: "lab"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	ts.svc.SetRequireChangeSets([]string{"production"})

	a := ts.send(t, "PATCH", "/api/v1/nodes/core1", `{"model":"x"}`)
	if a.status != http.StatusConflict {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	p := a.problem(t)
	if p.Code != unet.ECONFLICT || !strings.Contains(p.Detail, "direct writes to production are refused (serve --require-change-sets)") {
		t.Fatalf("problem %+v", p)
	}
	a = ts.send(t, "POST", "/api/v1/nodes", `{"name":"core2","domain":"example.net","vendor":"arista"}`)
	if a.status != http.StatusConflict {
		t.Fatalf("create: status %d: %s", a.status, a.body)
	}
	if a = ts.send(t, "PATCH", "/api/v1/nodes/lab1", `{"model":"x"}`); a.status != http.StatusOK {
		t.Fatalf("lab: status %d: %s", a.status, a.body)
	}

	c := ts.client(t, "remote")
	_, err := c.UpdateNode(context.Background(), "core1", unet.Patch{"model": "y"}, unet.WriteOptions{})
	if unet.ErrorCode(err) != unet.ECONFLICT || !strings.Contains(err.Error(), "--require-change-sets") {
		t.Fatalf("remote client: %v", err)
	}
	if n, err := ts.svc.GetNode(ctx, "core1"); err != nil || n.Model != "" {
		t.Fatalf("refused write landed: %+v %v", n, err)
	}
}
