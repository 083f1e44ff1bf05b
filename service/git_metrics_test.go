package service_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/metrics"
	"github.com/unet-dev/unet/service"
)

// TestGitMetrics syncs a real repository: each sync is counted by source and
// outcome, the commit time of each environment's active snapshot and the
// time of the last success and failure are exported, and a removed source
// leaves no series.
func TestGitMetrics(t *testing.T) {
	engines(t, func(t *testing.T, svc *service.Service) {
		ctx := actx()
		svc.SetGitDataDir(t.TempDir())
		repo := testutil.NewGitRepo(t, "metrics")
		c1 := repo.Commit("main", "first rules", map[string]string{"base.rules": rule("base")})
		repo.Branch("staging", "main")
		ok(svc.AddGitSource(ctx, &unet.GitSource{Name: "obs", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies,
			Environments: map[string]string{"staging": "staging"}}, unet.WriteOptions{})).v(t)
		commitTime := func(commit string) float64 {
			t.Helper()
			s, err := strconv.ParseFloat(repo.Git("show", "-s", "--format=%ct", commit), 64)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		syncs := func(outcome string) float64 {
			return scrapedValue(t, "unet_git_syncs_total", map[string]string{"source": "obs", "outcome": outcome})
		}
		active := func(env string) scrapedSample {
			return scraped(t, "unet_git_active_commit_timestamp_seconds", map[string]string{"source": "obs", "environment": env})
		}
		last := func(outcome string) scrapedSample {
			return scraped(t, "unet_git_last_sync_timestamp_seconds", map[string]string{"source": "obs", "outcome": outcome})
		}

		before := time.Now()
		ok(svc.SyncGitSource(ctx, "obs", "")).v(t)
		if syncs("activated") != 1 || syncs("rejected") != 0 {
			t.Fatalf("first sync: activated %v rejected %v", syncs("activated"), syncs("rejected"))
		}
		for _, env := range []string{"default", "staging"} {
			if got := active(env); !got.found || got.value != commitTime(c1) {
				t.Fatalf("active commit time of %s: %+v, want %v", env, got, commitTime(c1))
			}
		}
		if got := last("success"); !got.found || got.value < float64(before.Unix()) {
			t.Fatalf("last success: %+v", got)
		}
		if last("failure").found {
			t.Fatal("a failure time before any failure")
		}

		ok(svc.SyncGitSource(ctx, "obs", "schedule")).v(t)
		if syncs("unchanged") != 1 {
			t.Fatalf("unchanged syncs: %v", syncs("unchanged"))
		}

		// A commit that fails validation: rejected, a failure, the active
		// snapshot stays.
		repo.Commit("main", "break the rules", map[string]string{"bad.rules": invalidRule})
		_, err := svc.SyncGitSource(ctx, "obs", "")
		mustCode(t, err, unet.EINVALID)
		if syncs("rejected") != 1 || !last("failure").found {
			t.Fatalf("rejected sync: rejected %v failure %+v", syncs("rejected"), last("failure"))
		}
		if got := active("default"); got.value != commitTime(c1) {
			t.Fatalf("active commit time after a rejection: %+v", got)
		}

		// A fixed commit on main moves the default environment only.
		c3 := repo.Commit("main", "fix the rules", map[string]string{"bad.rules": rule("fixed")})
		ok(svc.SyncGitSource(ctx, "obs", "")).v(t)
		if syncs("activated") != 2 || active("default").value != commitTime(c3) || active("staging").value != commitTime(c1) {
			t.Fatalf("after the fix: activated %v default %v staging %v", syncs("activated"), active("default"), active("staging"))
		}

		// A server started again exports the stored state before any sync.
		metrics.ForgetGitSource("obs")
		if err := svc.RefreshGitMetrics(ctx); err != nil {
			t.Fatal(err)
		}
		if active("default").value != commitTime(c3) || active("staging").value != commitTime(c1) || !last("success").found || last("failure").found {
			t.Fatalf("refreshed: default %+v staging %+v success %+v failure %+v", active("default"), active("staging"), last("success"), last("failure"))
		}

		if err := svc.RemoveGitSource(ctx, "obs", unet.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		if active("default").found || last("success").found || scraped(t, "unet_git_syncs_total", map[string]string{"source": "obs", "outcome": "activated"}).found {
			t.Fatal("a removed source keeps its series")
		}
	})
}
