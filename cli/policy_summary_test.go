package cli

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// TestPolicyResultsSummary: `policy results --summary` counts the stored
// results the same on the database and through a server, prints them as
// tables, honours --top and refuses the listing's filters.
func TestPolicyResultsSummary(t *testing.T) {
	ctx := context.Background()
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "unet.db")
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
	local := &contractMode{name: "local", global: []string{"--db", dbURL}, target: dbURL}
	remote := &contractMode{name: "remote", global: []string{"--server", hs.URL}, target: hs.URL}
	for _, args := range [][]string{{"demo"}, {"policy", "eval", "--demo", "--store"}} {
		if out := local.run(t, args...); out.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, out.code, out.stderr)
		}
	}
	var sums [2]unet.PolicyResultSummary
	for i, m := range []*contractMode{local, remote} {
		out := m.run(t, "policy", "results", "--summary", "--top", "3", "-o", "json")
		if out.code != 0 {
			t.Fatalf("%s: exit %d: %s", m.name, out.code, out.stderr)
		}
		if err := json.Unmarshal([]byte(out.stdout), &sums[i]); err != nil {
			t.Fatalf("%s: %v\n%s", m.name, err, out.stdout)
		}
	}
	s := sums[0]
	if s.Total == 0 || len(s.ByRule) == 0 || len(s.BySeverity) == 0 || s.FailingNodesTotal == 0 || len(s.FailingNodes) != min(3, s.FailingNodesTotal) {
		t.Fatalf("summary %+v", s)
	}
	a, _ := json.Marshal(sums[0])
	b, _ := json.Marshal(sums[1])
	if string(a) != string(b) {
		t.Fatalf("local and remote summaries differ:\n%s\n%s", a, b)
	}
	n := 0
	for _, c := range s.ByRule {
		n += c.Count
	}
	if n != s.Total {
		t.Fatalf("by rule counts %d results, total %d", n, s.Total)
	}
	out := remote.run(t, "policy", "results", "--summary", "-o", "table")
	first := s.FailingNodes[0]
	for _, want := range []string{"by severity:", "SEVERITY", "by rule:", s.ByRule[0].Rule, "nodes fail critical or high rules", first.Name} {
		if !strings.Contains(out.stdout, want) {
			t.Fatalf("table lacks %q:\n%s", want, out.stdout)
		}
	}
	for _, bad := range [][]string{{"--summary", "--status", "fail"}, {"--top", "3"}} {
		if out := local.run(t, append([]string{"policy", "results"}, bad...)...); out.code != ExitUsage {
			t.Fatalf("%v: exit %d, want %d: %s", bad, out.code, ExitUsage, out.stderr)
		}
	}
	if out := remote.run(t, "policy", "results", "--summary", "--top", "-1"); out.code == 0 || !strings.Contains(out.stderr, "top must not be negative") {
		t.Fatalf("negative top: exit %d: %s", out.code, out.stderr)
	}
}
