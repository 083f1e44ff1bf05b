package cli_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// The notify commands against a real receiver: usage and validation errors
// with their exit codes, add, list (URL redacted), test (exit 1 when the
// receiver refuses), deliveries, remove.
func TestNotifyCommands(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("webhook-id") == "" || r.Header.Get("webhook-signature") != "" {
			t.Errorf("headers %v", r.Header)
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	r := newRunner(t)
	r.fails(64, []string{"--events is required"}, "notify", "add", "hook", "--url", srv.URL)
	r.fails(64, []string{"either --url", "not both"}, "notify", "add", "hook", "--url", srv.URL, "--smtp", "smtp://m:25", "--events", "*")
	r.fails(64, []string{"--from, --to"}, "notify", "add", "hook", "--url", srv.URL, "--to", "a@example.com", "--events", "*")
	r.fails(66, []string{"events[0]", "matches no event type"}, "notify", "add", "hook", "--url", srv.URL, "--events", "nodes.*")
	r.fails(66, []string{"smtp.to", "smtp.from"}, "notify", "add", "mail", "--smtp", "smtp://m:25", "--events", "*")

	r.ok("notify", "add", "hook", "--url", srv.URL+"/in?token=s3cr3t", "--events", "change.applied,git.*", "--reason", "ops")
	out := r.ok("notify", "list", "-o", "table")
	if !strings.Contains(out, "hook") || strings.Contains(out, "s3cr3t") || !strings.Contains(out, "change.applied,git.*") {
		t.Fatalf("notify list:\n%s", out)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.ok("notify", "list", "-o", "json")), &list); err != nil || len(list) != 1 || list[0]["format"] != "standard" {
		t.Fatalf("notify list -o json: %v %v", list, err)
	}
	out = r.ok("notify", "test", "hook", "-o", "table")
	if !strings.Contains(out, "202") || hits.Load() != 1 {
		t.Fatalf("notify test: %s (%d requests)", out, hits.Load())
	}
	out = r.ok("notify", "deliveries", "hook", "-o", "json")
	if !strings.Contains(out, `"outcome": "test"`) && !strings.Contains(out, `"outcome":"test"`) {
		t.Fatalf("notify deliveries: %s", out)
	}
	if out := r.ok("notify", "deliveries", "hook", "--dead", "-o", "json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("notify deliveries --dead lists the test: %s", out)
	}
	r.fails(66, []string{"not an outcome"}, "notify", "deliveries", "hook", "--outcome", "lost")
	r.fails(66, []string{"not a dead letter"}, "notify", "redeliver", "hook", "1")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	_ = ln.Close()
	r.ok("notify", "add", "down", "--url", down, "--events", "*")
	r.fails(1, []string{"delivery failed"}, "notify", "test", "down")

	r.ok("notify", "remove", "hook")
	r.fails(1, []string{"not found"}, "notify", "show", "hook")
	if out := r.ok("changes", "list", "-o", "json"); !strings.Contains(out, `"object_kind": "notification"`) && !strings.Contains(out, `"object_kind":"notification"`) {
		t.Fatalf("the change log lacks the subscriptions: %s", out)
	}
}

// The notify commands through --server: the same answers from the
// server's service (the remote client of every method).
func TestNotifyCommandsThroughServer(t *testing.T) {
	ctx := context.Background()
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "server.db")
	db, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := httpapi.New(service.New(db), httpapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		db.Close()
	})
	var hits atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	defer rcv.Close()
	r := newRunner(t)
	remote := func(args ...string) []string { return append([]string{"--server", hs.URL}, args...) }
	r.fails(66, []string{"events[0]"}, remote("notify", "add", "hook", "--url", rcv.URL, "--events", "nodes.*")...)
	r.ok(remote("notify", "add", "hook", "--url", rcv.URL+"?k=secret", "--events", "*")...)
	if out := r.ok(remote("notify", "show", "hook", "-o", "json")...); strings.Contains(out, "k=secret") || !strings.Contains(out, `"kind": "webhook"`) {
		t.Fatalf("notify show: %s", out)
	}
	r.ok(remote("notify", "test", "hook")...)
	if hits.Load() != 1 {
		t.Fatalf("%d requests after notify test", hits.Load())
	}
	var ds []map[string]any
	if err := json.Unmarshal([]byte(r.ok(remote("notify", "deliveries", "hook", "--limit", "5", "-o", "json")...)), &ds); err != nil ||
		len(ds) != 1 || ds[0]["outcome"] != "test" || ds[0]["status"] != float64(200) {
		t.Fatalf("deliveries %v %v", ds, err)
	}
	r.fails(66, []string{"not a dead letter"}, remote("notify", "redeliver", "hook", "3")...)
	r.ok(remote("notify", "remove", "hook")...)
	if out := r.ok(remote("notify", "list", "-o", "json")...); strings.TrimSpace(out) != "[]" {
		t.Fatalf("list after remove: %s", out)
	}
}
