package cli

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// TestDemoThroughServerMarksServerDatabase: `unet --server URL demo` marks
// the server's database as the demo one, so the tour's next steps (render a
// template, show a node with its evaluation) work through the server, which
// runs without --demo and without policy or template sources.
func TestDemoThroughServerMarksServerDatabase(t *testing.T) {
	ctx := context.Background()
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "server.db")
	db, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := httpapi.New(service.New(db), httpapi.Options{}) // no SetDemo: only the mark counts
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		db.Close()
	})
	m := &contractMode{name: "remote", global: []string{"--server", hs.URL}, target: hs.URL}

	if out := m.run(t, "demo"); out.code != 0 {
		t.Fatalf("demo: exit %d: %s", out.code, out.stderr)
	}
	out := m.run(t, "template", "render", "fra-leaf-01")
	if out.code != 0 || strings.TrimSpace(out.stdout) == "" {
		t.Fatalf("template render fra-leaf-01 through the server: exit %d\nstdout: %s\nstderr: %s", out.code, out.stdout, out.stderr)
	}
	out = m.run(t, "nodes", "show", "lon-acc-07", "--eval")
	if out.code != 0 {
		t.Fatalf("nodes show lon-acc-07 --eval through the server: exit %d\nstderr: %s", out.code, out.stderr)
	}
	demo, err := service.New(db).IsDemo(ctx)
	if err != nil || !demo {
		t.Fatalf("server database not marked as demo: %v %v", demo, err)
	}
}
