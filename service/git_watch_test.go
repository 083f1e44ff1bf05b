package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/internal/testutil"
	"github.com/unet-dev/unet/service"
	"github.com/unet-dev/unet/sqlstore"
)

// watch runs StartGitWatch on svc until the test ends, with a fallback check
// too slow to matter: what the test sees comes from the notifications.
func watch(t *testing.T, svc *service.Service) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	wait := svc.StartGitWatch(ctx, service.GitWatchOptions{Check: time.Hour})
	t.Cleanup(func() {
		cancel()
		wait()
	})
}

// eventually polls cond every 10 ms until it holds or within fails.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestGitActivationNotifiesReplicas: on PostgreSQL, replica B caches the
// policies of the active snapshot while it listens; an activation on
// replica A reaches B through NOTIFY and B serves the new policies within
// a second — also after B's notification connection was cut and came back.
func TestGitActivationNotifiesReplicas(t *testing.T) {
	ctx := actx()
	a, b, _, _ := replicas(t, sqlstore.Postgres)
	watch(t, b)
	eventually(t, 5*time.Second, "B listens", b.GitCacheActive)

	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "first", map[string]string{"base.rules": rule("base")})
	ok(a.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{})).v(t)
	ok(a.SyncGitSource(ctx, "net", "")).v(t)
	label := func() string {
		_, l, err := b.ActivePolicyFiles(ctx, "")
		if err != nil {
			return err.Error()
		}
		return l
	}
	eventually(t, time.Second, "B serves "+c1, func() bool { return label() == "git:net@"+c1 })

	activate := func(name string) string {
		t.Helper()
		c := repo.Commit("main", name, map[string]string{name + ".rules": rule(name)})
		ok(a.SyncGitSource(ctx, "net", "")).v(t)
		return c
	}
	c2 := activate("second")
	eventually(t, time.Second, "B serves "+c2, func() bool { return label() == "git:net@"+c2 })
	files := ok2(b.ActivePolicyFiles(ctx, ""))
	if fs, _ := files(t); len(fs) != 2 || fs[1].Name != "second.rules" {
		t.Fatalf("B's policies: %+v", fs)
	}

	// Cut B's LISTEN connection: B stops caching until it is back, then
	// hears the next activation again.
	var cut int
	err := b.DB().SQL().QueryRowContext(ctx, `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN "unet_git"'`).Scan(&cut)
	if err != nil || cut != 1 {
		t.Fatalf("terminate the listening connection: %d %v", cut, err)
	}
	eventually(t, 5*time.Second, "B listens again", func() bool {
		n, err := b.DB().ListenConnections(ctx, sqlstore.GitNotifyChannel)
		return err == nil && n == 1 && b.GitCacheActive()
	})
	c3 := activate("third")
	eventually(t, time.Second, "B serves "+c3+" after the reconnection", func() bool { return label() == "git:net@"+c3 })
}

// TestGitWatchFallbackCheck: an active commit changed without a notice (as
// when a notice is lost) reaches a listening replica through the periodic
// comparison of the active commits.
func TestGitWatchFallbackCheck(t *testing.T) {
	ctx := actx()
	a, b, _, _ := replicas(t, sqlstore.Postgres)
	wctx, cancel := context.WithCancel(context.Background())
	wait := b.StartGitWatch(wctx, service.GitWatchOptions{Check: 50 * time.Millisecond})
	t.Cleanup(func() {
		cancel()
		wait()
	})
	eventually(t, 5*time.Second, "B listens", b.GitCacheActive)
	repo := testutil.NewGitRepo(t, "net")
	c1 := repo.Commit("main", "first", map[string]string{"base.rules": rule("base")})
	ok(a.AddGitSource(ctx, &unet.GitSource{Name: "net", URL: repo.URL(), Branch: "main", Kind: unet.GitKindPolicies}, unet.WriteOptions{})).v(t)
	ok(a.SyncGitSource(ctx, "net", "")).v(t)
	first, err := a.DB().Reader().GitState(ctx, "net")
	if err != nil {
		t.Fatal(err)
	}
	c2 := repo.Commit("main", "second", map[string]string{"second.rules": rule("second")})
	ok(a.SyncGitSource(ctx, "net", "")).v(t)
	label := func() string {
		_, l, err := b.ActivePolicyFiles(ctx, "")
		if err != nil {
			return err.Error()
		}
		return l
	}
	eventually(t, time.Second, "B serves "+c2, func() bool { return label() == "git:net@"+c2 })
	// Back to the first commit behind every replica's back: no notice.
	err = a.DB().WithTx(ctx, func(tx *sqlstore.Tx) error { return tx.PutGitState(ctx, "net", first, time.Now()) })
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "B serves "+c1+" again", func() bool { return label() == "git:net@"+c1 })
}
