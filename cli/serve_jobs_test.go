package cli

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// TestServerReevaluatesAfterInventoryChanges runs the server's evaluation loop:
// results are stored at start, and a change to the inventory is reflected in
// the stored results (and compliance history) without waiting for the
// interval.
func TestServerReevaluatesAfterInventoryChanges(t *testing.T) {
	ctx := context.Background()
	svc := newLocalService(t)
	actor := unet.WithActor(ctx, "t")
	if _, err := svc.CreateNode(actor, &unet.Node{Name: "r1", Vendor: "cisco", Platform: "iosxe", SoftwareVersion: "17.3.1"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	svc.SetPolicySource(func(context.Context, string) ([]unet.PolicyFile, string, error) {
		return []unet.PolicyFile{{Name: "v.rules", Content: `RULE "min" WHEN node.platform == "iosxe" THEN ASSERT version(node.software_version) >= version("17.9.4")`}}, "test", nil
	})
	loopCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		evaluateLoop(loopCtx, svc, time.Hour, 50*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	defer func() { stop(); <-done }()

	status := func() string {
		l, err := svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Node: "r1", Rule: "min"})
		if err != nil || len(l.Items) == 0 {
			return ""
		}
		return l.Items[0].Status
	}
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if status() == want {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("stored status is %q, want %q", status(), want)
	}
	waitFor(unet.StatusFail)
	if _, err := svc.UpdateNode(actor, "r1", unet.Patch{"software_version": "17.12.1"}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(unet.StatusPass)
	h, err := svc.ListComplianceHistory(ctx, unet.ComplianceHistoryFilter{Node: "r1"})
	if err != nil || h.Total != 2 || h.Items[0].To != unet.StatusPass {
		t.Fatalf("history: %+v %v", h, err)
	}
}

// TestServerReevaluatesOnlyTheActivatedEnvironment: a new policy commit on the
// staging branch re-evaluates the staging nodes only.
func TestServerReevaluatesOnlyTheActivatedEnvironment(t *testing.T) {
	ctx := context.Background()
	svc := newLocalService(t)
	svc.SetGitDataDir(t.TempDir())
	actor := unet.WithActor(ctx, "t")
	for _, n := range []unet.Node{{Name: "prod1", Vendor: "cisco", Model: "A"}, {Name: "stage1", Vendor: "cisco", Model: "A", Environment: "staging"}} {
		n := n
		if _, err := svc.CreateNode(actor, &n, unet.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	repo := testutil.NewGitRepo(t, "rules")
	rule := func(model string) map[string]string {
		return map[string]string{"m.rules": `RULE "model" WHEN node.vendor == "cisco" THEN ASSERT node.model == "` + model + `"` + "\n"}
	}
	repo.Commit("main", "A", rule("A"))
	repo.Branch("staging", "main")
	if _, err := svc.AddGitSource(actor, &unet.GitSource{Name: "rules", URL: repo.URL(), Branch: "main", Kind: "policies",
		Environments: map[string]string{"staging": "staging", "production": "main"}}, unet.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SyncGitSource(actor, "rules", "manual"); err != nil {
		t.Fatal(err)
	}
	svc.SetPolicySource(func(ctx context.Context, env string) ([]unet.PolicyFile, string, error) {
		return svc.ActivePolicyFiles(ctx, env)
	})
	loopCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		evaluateLoop(loopCtx, svc, time.Hour, 50*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	defer func() { stop(); <-done }()
	result := func(node string) unet.PolicyResult {
		l, err := svc.ListPolicyResults(ctx, unet.PolicyResultFilter{Node: node, Rule: "model"})
		if err != nil || len(l.Items) == 0 {
			return unet.PolicyResult{}
		}
		return l.Items[0]
	}
	deadline := time.Now().Add(10 * time.Second)
	for result("prod1").Status != unet.StatusPass || result("stage1").Status != unet.StatusPass {
		if time.Now().After(deadline) {
			t.Fatalf("first evaluation: %+v %+v", result("prod1"), result("stage1"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	prodAt := *result("prod1").EvaluatedAt
	repo.Commit("staging", "B", rule("B"))
	if _, err := svc.SyncGitSource(actor, "rules", "manual"); err != nil {
		t.Fatal(err)
	}
	for result("stage1").Status != unet.StatusFail {
		if time.Now().After(deadline) {
			t.Fatalf("staging was not re-evaluated: %+v", result("stage1"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if p := result("prod1"); p.Status != unet.StatusPass || !p.EvaluatedAt.Equal(prodAt) {
		t.Fatalf("production was re-evaluated: %+v (before %v)", p, prodAt)
	}
}

// newLocalService is a service over a fresh, migrated SQLite database that is
// closed when the test ends.
func newLocalService(t *testing.T) *service.Service {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "unet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	svc.SetGitAllowLocalURLs(true) // the tests' Git repositories are local
	return svc
}
