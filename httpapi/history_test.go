package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

func TestTimeTravelReads(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	ctx := context.Background()
	c := ts.client(t, "alice")
	if _, err := c.CreateLocation(ctx, &unet.Location{Name: "Lab", Type: "site"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"core1", "core2"} {
		if _, err := c.CreateNode(ctx, &unet.Node{Name: n, Vendor: "juniper", SoftwareVersion: "22.1R1", LocationID: "Lab"}, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateLink(ctx, &unet.Link{ANodeID: "core1", AInterface: "xe-0/0/0", ZNodeID: "core2", ZInterface: "xe-0/0/0"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	mark, err := c.ListChanges(ctx, unet.ChangeFilter{Page: unet.Page{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	at := mark.Items[0].ID
	want, err := c.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateNode(ctx, "core1", unet.Patch{"software_version": "23.4R1"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateLocation(ctx, "Lab", unet.Patch{"name": "Lab2"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteNode(ctx, "core2", unet.DeleteOptions{Cascade: true}); err != nil {
		t.Fatal(err)
	}

	// The raw route: the old version, without an ETag, even when the
	// client holds the current one.
	a := ts.send(t, "GET", "/api/v1/nodes/core1?at="+url.QueryEscape(at), nil, "If-None-Match", `"2"`)
	var n unet.Node
	a.decode(t, &n)
	if a.status != http.StatusOK || a.header.Get("ETag") != "" || n.SoftwareVersion != "22.1R1" || n.Version != 1 {
		t.Fatalf("GET ?at=: %d etag %q %s", a.status, a.header.Get("ETag"), a.body)
	}
	if cur := ts.send(t, "GET", "/api/v1/nodes/core1", nil); cur.header.Get("ETag") != `"2"` {
		t.Fatalf("current read lost its ETag: %v", cur.header)
	}
	// Deleted, invalid, and at with eval.
	gone := ts.send(t, "GET", "/api/v1/nodes/core2?at="+url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339)), nil)
	if p := gone.problem(t); gone.status != http.StatusNotFound || !strings.Contains(p.Detail, "node core2 did not exist at") || !strings.Contains(p.Detail, "deleted by change") {
		t.Fatalf("deleted: %d %+v", gone.status, p)
	}
	bad := ts.send(t, "GET", "/api/v1/nodes/core1?at=last-week", nil)
	if p := bad.problem(t); bad.status != http.StatusBadRequest || !strings.Contains(p.Detail, "at: want an RFC 3339 time or a change ID") {
		t.Fatalf("bad at: %d %+v", bad.status, p)
	}
	if both := ts.send(t, "GET", "/api/v1/nodes/core1?eval=true&at="+at, nil); both.status != http.StatusBadRequest {
		t.Fatalf("eval with at: %d %s", both.status, both.body)
	}

	// The client, over the same routes.
	if n, err := c.NodeAt(ctx, "core2", at); err != nil || n.Name != "core2" {
		t.Fatalf("NodeAt: %+v %v", n, err)
	}
	if l, err := c.LinkAt(ctx, "core2:xe-0/0/0", at); err != nil || l.ANode != "core1" || l.ZNode != "core2" {
		t.Fatalf("LinkAt: %+v %v", l, err)
	}
	if l, err := c.LocationAt(ctx, "Lab2", at); err != nil || l.Path != "Lab" {
		t.Fatalf("LocationAt: %+v %v", l, err)
	}
	_, err = c.NodeAt(ctx, "core2", time.Now().Add(time.Hour).Format(time.RFC3339))
	if unet.ErrorCode(err) != unet.ENOTFOUND {
		t.Fatalf("NodeAt deleted: %v", err)
	}
	_, err = c.NodeAt(ctx, "core1", "someday")
	if unet.ErrorCode(err) != unet.EINVALID {
		t.Fatalf("NodeAt bad: %v", err)
	}
	got, err := c.ExportAt(ctx, at)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ExportAt:\n got %+v\nwant %+v", got, want)
	}
	if _, err := c.ExportAt(ctx, "nope"); unet.ErrorCode(err) != unet.EINVALID {
		t.Fatalf("ExportAt bad: %v", err)
	}
}

func TestExportAtRoute(t *testing.T) {
	ts := startServer(t, httpapi.Options{})
	bad := ts.send(t, "GET", "/api/v1/export?at=tomorrow", nil)
	if p := bad.problem(t); bad.status != http.StatusBadRequest || p.Code != unet.EINVALID {
		t.Fatalf("bad at: %d %+v", bad.status, p)
	}
	missing := ts.send(t, "GET", "/api/v1/export?at=01900000-0000-7000-8000-000000000000", nil)
	if missing.status != http.StatusNotFound {
		t.Fatalf("unknown change: %d %s", missing.status, missing.body)
	}
	var b unet.Bundle
	old := ts.send(t, "GET", "/api/v1/export?at=2001-01-01", nil)
	old.decode(t, &b)
	if old.status != http.StatusOK || len(b.Nodes) != 0 || len(b.Vendors) != len(unet.DefaultVendors) {
		t.Fatalf("export at 2001: %d %s", old.status, old.body)
	}
}
