package service_test

import (
	"strings"
	"testing"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
)

// TestScopedCanaryRefused: a canary selects nodes of every scope and its
// status reports each of them, so starting one and reading its status need
// unscoped grants; a scoped engineer gets 403 for both, an unscoped viewer
// reads the status.
func TestScopedCanaryRefused(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		alice, bob := scopeWorld(t, svc)
		ctx := actx()
		svc.SetGitDataDir(t.TempDir())
		repo := testutil.NewGitRepo(t, "net")
		repo.Commit("main", "rules", map[string]string{"base.rules": rule("base")})
		repo.Branch("candidate", "main")
		repo.Commit("candidate", "more rules", map[string]string{"more.rules": rule("more")})
		ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{})).v(t)
		ok(svc.SyncGitSource(ctx, "net", "")).v(t)

		req := unet.CanaryStartRequest{Name: "c", Source: "net", Branch: "candidate", Selector: `node.role == "leaf"`, TTL: "1h"}
		if _, err := svc.StartCanary(alice, req); unet.ErrorCode(err) != unet.EFORBIDDEN || !strings.Contains(err.Error(), "unscoped") {
			t.Fatalf("scoped start: want forbidden, got %v", err)
		}
		if list := ok(svc.ListCanaries(ctx, true)).v(t); len(list) != 0 {
			t.Fatalf("a refused start wrote %+v", list)
		}
		ok(svc.StartCanary(ctx, req)).v(t)
		if _, err := svc.CanaryStatus(alice, "c", false); unet.ErrorCode(err) != unet.EFORBIDDEN {
			t.Fatalf("scoped status: want forbidden, got %v", err)
		}
		rep := ok(svc.CanaryStatus(bob, "c", false)).v(t)
		names := []string{}
		for _, n := range rep.Nodes {
			names = append(names, n.Node)
		}
		if !strings.Contains(strings.Join(names, ","), "sin1") {
			t.Fatalf("unscoped status nodes %v", names)
		}
	})
}
